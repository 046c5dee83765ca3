// Policy Lens background: the only place the wasm analyzer runs (service worker in Chrome,
// module event page in Firefox). It loads ./pkg once and answers one typed message protocol.
//
// PROTOCOL (runtime.sendMessage to the background; every reply is { ok: true, … } or { ok: false, error })
//
//   { type: 'analyze', doc }          from a content script only (sender.tab required)
//       doc = { title?: string|null, url?: string, blocks: [{ kind, level, text, links }] }
//       kind: 'heading' | 'paragraph' | 'listItem' | 'tableCell'
//     → { ok, report, actionBadge }   report: the JSON of docs/report.md; actionBadge: the text set
//                                     on the toolbar badge of sender.tab (''  when not a policy)
//     The report is kept per tab (storage.session, key `tab:<tabId>`) for the popup.
//
//   { type: 'getTabReport', tabId }   from an extension page only (the popup; sender.url is ours)
//     → { ok, entry }                 entry = { report, url, title, actionBadge, at } | null
//
//   { type: 'version' }               from anyone of this extension
//     → { ok, version }               the analyzer version
//
// Messages to content scripts (tabs.sendMessage, sent by the popup):
//   { type: 'collect' }  → { ok, report, actionBadge }   analyze this page now, whatever it looks like
//
// Test support: globalThis.__policyLens = { ready, analyzeCount, last: { tabId, url, actionBadge } }
// is readable from the service worker (see tests/e2e/README.md).
import init, { analyzeDocument, version } from './pkg/policy_lens.js';

const api = globalThis.browser ?? globalThis.chrome;
const state = { ready: false, initMs: 0, analyzeCount: 0, last: null, error: null };
globalThis.__policyLens = state;

const t0 = performance.now();
const ready = init().then(
  () => { state.ready = true; state.initMs = Math.round(performance.now() - t0); },
  (e) => { state.error = String(e); throw e; },
);

const KINDS = new Set(['heading', 'paragraph', 'listItem', 'tableCell']);

function checkDoc(doc) {
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.blocks)) return 'doc.blocks must be an array';
  if (doc.title != null && typeof doc.title !== 'string') return 'doc.title must be a string';
  if (doc.url != null && typeof doc.url !== 'string') return 'doc.url must be a string';
  for (const b of doc.blocks) {
    if (!b || typeof b.text !== 'string' || !KINDS.has(b.kind)) return 'each block needs a kind and a text';
    if (b.links != null && !(Array.isArray(b.links) && b.links.every((l) => typeof l === 'string'))) return 'block.links must be strings';
    if (b.level != null && !(Number.isInteger(b.level) && b.level >= 0 && b.level <= 6)) return 'block.level must be 0..6';
  }
  return null;
}

/** Toolbar badge: empty for a non-policy page, else the headline about sharing. */
function actionBadgeFor(report) {
  if (!report.isPolicy.likely) return { text: '', color: '#57606a' };
  const tps = report.thirdPartySharing;
  if (tps.sells.verdict === 'yes') return { text: 'SELL', color: '#cf222e' };
  if (tps.verdict === 'yes') return { text: 'SHR', color: '#bc4c00' };
  if (tps.verdict === 'no') return { text: 'OK', color: '#1a7f37' };
  return { text: '?', color: '#57606a' };
}

const fromThisExtension = (sender) => sender && sender.id === api.runtime.id;
// An extension page (the popup; also when opened as a tab, so sender.tab may be set): its URL is ours.
const fromExtensionPage = (sender) => fromThisExtension(sender) &&
  typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));

async function handle(msg, sender) {
  switch (msg.type) {
    case 'analyze': {
      if (!sender.tab || typeof sender.tab.id !== 'number' || fromExtensionPage(sender)) {
        throw new Error('analyze: only content scripts may ask');
      }
      const problem = checkDoc(msg.doc);
      if (problem) throw new Error(`analyze: ${problem}`);
      await ready;
      const doc = { title: msg.doc.title ?? null, url: msg.doc.url ?? null, blocks: msg.doc.blocks };
      const report = analyzeDocument(doc);
      const tabId = sender.tab.id;
      const badge = actionBadgeFor(report);
      state.analyzeCount += 1;
      state.last = { tabId, url: doc.url, actionBadge: badge.text };
      await api.action.setBadgeText({ tabId, text: badge.text });
      if (badge.text) await api.action.setBadgeBackgroundColor({ tabId, color: badge.color });
      const entry = { report, url: doc.url, title: doc.title, actionBadge: badge.text, at: Date.now() };
      try { await api.storage.session.set({ [`tab:${tabId}`]: entry }); } catch (_) { /* storage.session missing: popup asks again */ }
      return { report, actionBadge: badge.text };
    }
    case 'getTabReport': {
      if (!fromExtensionPage(sender)) throw new Error('getTabReport: only extension pages may ask');
      if (!Number.isInteger(msg.tabId)) throw new Error('getTabReport: tabId must be an integer');
      const key = `tab:${msg.tabId}`;
      let entry = null;
      try { entry = (await api.storage.session.get(key))[key] ?? null; } catch (_) { entry = null; }
      return { entry };
    }
    case 'version':
      await ready;
      return { version: version() };
    default:
      throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
  }
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!fromThisExtension(sender) || !msg || typeof msg !== 'object' || typeof msg.type !== 'string') return false;
  handle(msg, sender).then(
    (reply) => sendResponse({ ok: true, ...reply }),
    (e) => sendResponse({ ok: false, error: String((e && e.message) || e) }),
  );
  return true;
});

api.tabs.onRemoved.addListener((tabId) => {
  api.storage.session.remove(`tab:${tabId}`).catch(() => {});
});
