// Policy Lens background: the only place the wasm analyzer runs (service worker in Chrome,
// module event page in Firefox). It loads ./pkg once and answers one typed message protocol.
//
// PROTOCOL (runtime.sendMessage to the background; every reply is { ok: true, … } or { ok: false, error })
//
//   { type: 'analyze', doc, visit?, linked? }   from a content script only (sender.tab required)
//       doc = { title?: string|null, url?: string, blocks: [{ kind, level, text, links }] }
//       kind: 'heading' | 'paragraph' | 'listItem' | 'tableCell'
//       visit: an id of the content script's document (analyses within one visit compare with the
//              visit before); linked: doc is a policy the content script fetched from its own site
//              (doc.url is then that policy's URL, same site as the sender's page)
//     → { ok, report, actionBadge, url, key, changes, changedSince, dismissed, testHooks }
//       report: the JSON of docs/report.md; actionBadge: the text set on the toolbar badge of
//       sender.tab ('' when not a policy); changes: [{ key, before, after }] the remembered
//       findings that differ from the last visit to this policy ([] on a first visit);
//       changedSince: when that last visit was (ms), or null; dismissed: the person chose "hide on
//       this site" for the sender's host (storage.local `dismissed`); testHooks: storage.local
//       `testHooks` (tests/e2e/README.md). Both are read while the analyzer runs, so the content
//       script draws without a storage read of its own.
//     The report is kept per tab (storage.session, key `tab:<tabId>`) for the popup. That write
//     starts after the reply (it is not on the way to the badge); getTabReport, forget and the
//     tab-close clean-up wait for the writes already started, so none is lost or resurrected.
//
//   { type: 'getTabReport', tabId }   from an extension page only (the popup; sender.url is ours)
//     → { ok, entry }                 entry = { report, url, pageUrl, linked, title, actionBadge, changes, at } | null
//
//   { type: 'forget' }                from an extension page only ("Forget everything" in the popup)
//     → { ok, policies, sites, tabs } clears the remembered findings, the dismissed sites and the tab
//                                     reports, and says how many of each there were
//
// What is remembered (storage.local `policies`): for each policy analyzed (key: its URL without
// fragment, tracking parameters, default port or trailing slash), findingsOf(report): verdicts,
// kinds, ages, contact values and dates, never the text or a quote; at most MAX_POLICIES, the
// oldest forgotten first.
//
//   { type: 'version' }               from anyone of this extension
//     → { ok, version }               the analyzer version
//
// Messages to content scripts (tabs.sendMessage, sent by the popup):
//   { type: 'collect' }  → { ok, report, actionBadge }   analyze this page now, whatever it looks like (content.js)
//   { type: 'findPolicy' }, { type: 'analyzeLinked', url }  the site's policy link (find-policy.js, which the
//                        popup injects first with scripting.executeScript)
//
// Test support: globalThis.__policyLens = { ready, initMs, warmMs, analyzeCount, last: { tabId, url, actionBadge, linked } }
// is readable from the service worker (see tests/e2e/README.md).
import init, { analyzeDocument, version } from './pkg/policy_lens.js';

const api = globalThis.browser ?? globalThis.chrome;
const state = { ready: false, initMs: 0, warmMs: null, analyzeCount: 0, last: null, error: null };
globalThis.__policyLens = state;

// The first analysis in a wasm instance compiles every rule pattern (a few hundred ms in
// Chromium); a tiny document that touches each of the first answers does it right after init, so
// the first real page does not wait for it (when the background was started before that page's
// message: Firefox starts its event page with the browser, Chrome its worker for any event).
// Skipped when an analyze message is already waiting (it compiles them anyway), and when the
// background was woken only to clean up after a closed tab (tabs.onRemoved), which needs no analyzer.
const WARM_DOC = {
  title: 'Privacy Policy',
  url: null,
  blocks: [
    { kind: 'heading', level: 1, text: 'Privacy Policy', links: [] },
    { kind: 'paragraph', level: 0, text: 'We share personal information with third parties and do not respond to Do Not Track signals. '
      + 'We do not knowingly collect data from children under 13. Contact privacy@example.com.', links: [] },
  ],
};
const woke = { removed: false, other: false, waiting: 0 };

const t0 = performance.now();
const ready = init().then(
  () => {
    state.ready = true;
    state.initMs = Math.round(performance.now() - t0);
    if (woke.waiting || (woke.removed && !woke.other)) return;
    const t1 = performance.now();
    try { analyzeDocument(WARM_DOC); state.warmMs = Math.round(performance.now() - t1); } catch (e) { state.error = `warm: ${e}`; }
  },
  (e) => { state.error = String(e); throw e; },
);

// storage.session writes of the tab reports, in order; readers wait for the ones already started.
let sessionQueue = Promise.resolve();
function sessionDo(op) {
  const p = sessionQueue.then(op, op);
  sessionQueue = p.catch(() => {});
  return p;
}

const MAX_POLICIES = 500;

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

// ---- what the last visit said: a compact summary of the findings, and the differences

const vals = (xs, f) => (Array.isArray(xs) ? xs.map(f).filter((x) => x !== undefined && x !== null) : undefined);

/** The findings of a report without any text: what "changed since the last visit" compares. */
function findingsOf(r) {
  const f = {};
  const tps = r.thirdPartySharing || {};
  f.sharing = tps.verdict;
  f.sells = tps.sells && tps.sells.verdict;
  f.marketing = tps.marketing && tps.marketing.verdict;
  f.purposes = vals(tps.purposes, (p) => p.purpose);
  f.dnt = r.doNotTrack && r.doNotTrack.verdict;
  f.gpc = r.globalPrivacyControl && r.globalPrivacyControl.verdict;
  f.age = r.minimumAge ? (r.minimumAge.age ?? null) : undefined;
  const c = r.contact || {};
  f.contact = [...(c.emails || []), ...(c.urls || []), ...(c.phones || [])].map(String);
  if (r.retention) {
    const periods = vals(r.retention.periods, (p) => p.period) || [];
    f.retention = periods.length ? periods : r.retention.stated ? ['stated'] : r.retention.mentioned ? ['mentioned'] : [];
  }
  if (r.rights) {
    f.rights = vals(r.rights.rights, (x) => (x.verdict === 'yes' ? x.right : `${x.right}:${x.verdict}`));
    const e = r.rights.exercise || {};
    f.exercise = [...(e.emails || []), ...(e.urls || []), ...(e.phones || []), ...(e.other || [])].map(String);
  }
  if (Array.isArray(r.optOuts)) f.optOuts = vals(r.optOuts, (o) => o.kind);
  if (r.tracking) {
    f.tracking = r.tracking.verdict;
    f.trackingTech = vals(r.tracking.technologies, String);
    f.thirdPartyTracking = r.tracking.thirdParty;
  }
  if (r.security) {
    f.security = Boolean(r.security.stated);
    f.securityMeasures = vals(r.security.measures, (m) => m.measure);
    f.breachNotice = r.security.breachNotification && r.security.breachNotification.verdict;
  }
  if (r.policyChanges) {
    const u = r.policyChanges.updated;
    f.updated = u ? (u.iso || u.date || null) : null;
    f.changeNotices = vals(r.policyChanges.notices, (n) => n.notice);
  }
  if (r.internationalTransfers) {
    f.transfers = r.internationalTransfers.verdict;
    f.safeguards = vals(r.internationalTransfers.safeguards, (x) => x.safeguard);
  }
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f;
}

/** Findings present in both summaries whose values differ (a field an older report lacks is not a change). */
function diffFindings(before, after) {
  const out = [];
  for (const key of Object.keys(after)) {
    if (!(key in before)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out.push({ key, before: before[key], after: after[key] });
  }
  return out;
}

const NOISE = /^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|ref|ref_src|source|src|igshid|yclid|spm)$/i;

/** The key a policy is remembered by: its URL without fragment, tracking parameters, default port, trailing slash. */
function policyKey(url) {
  let u;
  try { u = new URL(url); } catch (_) { return null; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  u.hash = '';
  const params = [...u.searchParams].filter(([k]) => !NOISE.test(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  u.search = params.length ? `?${new URLSearchParams(params)}` : '';
  let path = u.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/$/, '');
  return `${u.protocol}//${u.host.toLowerCase()}${path}${u.search}`;
}

// storage.local `policies` = { [key]: { at, visit, f, base, baseAt } }: f the findings of the last
// analysis, base those of the visit before the current one (visit). Updates run one at a time.
let memoryQueue = Promise.resolve();
function remember(key, visit, f) {
  const run = async () => {
    const { policies = {} } = await api.storage.local.get('policies');
    const rec = policies[key];
    let base = null;
    let baseAt = null;
    if (rec && rec.f) {
      if (visit && rec.visit === visit) { base = rec.base || null; baseAt = rec.baseAt || null; } else { base = rec.f; baseAt = rec.at; }
    }
    const changes = base ? diffFindings(base, f) : [];
    policies[key] = { at: Date.now(), visit, f, base, baseAt };
    const keys = Object.keys(policies);
    if (keys.length > MAX_POLICIES) {
      keys.sort((a, b) => (policies[a].at || 0) - (policies[b].at || 0));
      for (const k of keys.slice(0, keys.length - MAX_POLICIES)) delete policies[k];
    }
    const written = api.storage.local.set({ policies });
    return { memo: { changes, changedSince: changes.length ? baseAt : null }, written };
  };
  // The caller gets the differences as soon as they are known; the next update waits for this write.
  const p = memoryQueue.then(run, run);
  memoryQueue = p.then((r) => r.written).catch(() => {});
  return p.then((r) => {
    r.written.catch((e) => { state.error = `remember: ${e}`; });
    return r.memo;
  });
}

async function forget() {
  const run = async () => {
    const { policies = {}, dismissed = {} } = await api.storage.local.get(['policies', 'dismissed']);
    await api.storage.local.remove(['policies', 'dismissed']);
    let tabs = 0;
    await sessionQueue;
    try {
      const all = await api.storage.session.get(null);
      const keys = Object.keys(all).filter((k) => k.startsWith('tab:'));
      tabs = keys.length;
      if (keys.length) await api.storage.session.remove(keys);
    } catch (_) { /* no storage.session */ }
    return { policies: Object.keys(policies).length, sites: Object.keys(dismissed).length, tabs };
  };
  const p = memoryQueue.then(run, run);
  memoryQueue = p.catch(() => {});
  return p;
}

function siteOf(host) { // as in find-policy.js
  const h = String(host).toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(h) || h.includes(':')) return h;
  const p = h.split('.');
  const cc = p.length > 2 && p[p.length - 1].length === 2 &&
    /^(co|com|net|org|gov|edu|ac|ne|or|go|gob|gv|nic|mil|ltd|plc|sch|nhs)$/.test(p[p.length - 2]);
  return p.slice(cc ? -3 : -2).join('.');
}
function sameSite(a, b) {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin || (/^https?:$/.test(x.protocol) && siteOf(x.hostname) === siteOf(y.hostname));
  } catch (_) { return false; }
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
      const linked = msg.linked === true;
      const pageUrl = sender.url || (sender.tab && sender.tab.url) || null;
      if (linked && !(typeof msg.doc.url === 'string' && pageUrl && sameSite(msg.doc.url, pageUrl))) {
        throw new Error('analyze: a linked policy must be on the same site as the page');
      }
      const visit = typeof msg.visit === 'string' && msg.visit.length <= 64 ? msg.visit : null;
      // What drawing needs from storage.local, read while the analyzer runs.
      let host = '';
      try { host = new URL(pageUrl).hostname; } catch (_) { host = ''; }
      const prefs = api.storage.local.get(['dismissed', 'testHooks']).then(
        ({ dismissed, testHooks }) => ({
          dismissed: Boolean(host && dismissed && typeof dismissed === 'object' && Object.hasOwn(dismissed, host) && dismissed[host]),
          testHooks: testHooks === true,
        }),
        () => ({ dismissed: false, testHooks: false }),
      );
      woke.waiting++;
      try { await ready; } finally { woke.waiting--; }
      const doc = { title: msg.doc.title ?? null, url: msg.doc.url ?? null, blocks: msg.doc.blocks };
      const report = analyzeDocument(doc);
      const tabId = sender.tab.id;
      const badge = actionBadgeFor(report);
      state.analyzeCount += 1;
      state.last = { tabId, url: doc.url, actionBadge: badge.text, linked };
      // The toolbar badge, the remembered findings and the preferences, side by side.
      const toolbar = Promise.all([
        api.action.setBadgeText({ tabId, text: badge.text }),
        badge.text ? api.action.setBadgeBackgroundColor({ tabId, color: badge.color }) : null,
      ]);
      const key = report.isPolicy.likely ? policyKey(doc.url) : null;
      const memory = key
        ? remember(key, visit, findingsOf(report)).catch((e) => { state.error = `remember: ${e}`; return null; })
        : null;
      const [, memoGot, pref] = await Promise.all([toolbar, memory, prefs]);
      const memo = memoGot || { changes: [], changedSince: null };
      const entry = { report, url: doc.url, pageUrl: linked ? pageUrl : doc.url, linked, title: doc.title,
        actionBadge: badge.text, changes: memo.changes, changedSince: memo.changedSince, at: Date.now() };
      // Written after the reply: queued now (so readers wait for it), started one task later, once
      // sendResponse has serialized the reply.
      sessionDo(() => new Promise((r) => setTimeout(r, 0)).then(() => api.storage.session.set({ [`tab:${tabId}`]: entry })))
        .catch(() => { /* storage.session missing: popup asks again */ });
      return { report, actionBadge: badge.text, url: doc.url, key, changes: memo.changes, changedSince: memo.changedSince,
        dismissed: pref.dismissed, testHooks: pref.testHooks };
    }
    case 'getTabReport': {
      if (!fromExtensionPage(sender)) throw new Error('getTabReport: only extension pages may ask');
      if (!Number.isInteger(msg.tabId)) throw new Error('getTabReport: tabId must be an integer');
      const key = `tab:${msg.tabId}`;
      let entry = null;
      await sessionQueue;
      try { entry = (await api.storage.session.get(key))[key] ?? null; } catch (_) { entry = null; }
      return { entry };
    }
    case 'forget': {
      if (!fromExtensionPage(sender)) throw new Error('forget: only extension pages may ask');
      return forget();
    }
    case 'version':
      await ready;
      return { version: version() };
    default:
      throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
  }
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  woke.other = true;
  if (!fromThisExtension(sender) || !msg || typeof msg !== 'object' || typeof msg.type !== 'string') return false;
  handle(msg, sender).then(
    (reply) => sendResponse({ ok: true, ...reply }),
    (e) => sendResponse({ ok: false, error: String((e && e.message) || e) }),
  );
  return true;
});

api.tabs.onRemoved.addListener((tabId) => {
  woke.removed = true;
  sessionDo(() => api.storage.session.remove(`tab:${tabId}`)).catch(() => {});
});
