// Policy Lens popup: the summary of the current tab's last report, "Analyze this page", the site's
// privacy policy when this page is not one ("Analyze this site's privacy policy": find-policy.js, injected
// into the tab only then), and "Forget everything".
// For tests, popup.html?tabId=N shows tab N instead of the active tab (see tests/e2e/README.md).
const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

const WORDS = {
  sharing: { yes: 'Yes, with third parties', no: 'No', notMentioned: 'Not mentioned' },
  dnt: { honored: 'Honored', notHonored: 'Not honored', unclear: 'Unclear', notMentioned: 'Not mentioned' },
};

async function targetTab() {
  const fromQuery = new URLSearchParams(location.search).get('tabId');
  if (fromQuery !== null) return { id: Number(fromQuery), url: undefined };
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab;
}

function showChanges(changes) {
  const box = $('changed');
  box.replaceChildren();
  const list = Array.isArray(changes) ? changes : [];
  document.body.dataset.changed = String(list.length > 0);
  box.hidden = !list.length;
  if (!list.length) return;
  const B = globalThis.PolicyLensBadge;
  box.append('Changed since your last visit:');
  const ul = document.createElement('ul');
  for (const c of list) {
    const li = document.createElement('li');
    li.dataset.key = c.key;
    li.textContent = `${B.CHANGE_NAMES[c.key] || c.key}: ${B.changeValue(c.before)} → ${B.changeValue(c.after)}`;
    ul.append(li);
  }
  box.append(ul);
}

function show(report, { note, policyUrl, changes } = {}) {
  const s = globalThis.PolicyLensBadge.summarize(report);
  $('sharing').textContent = WORDS.sharing[s.sharing] ?? s.sharing;
  $('dnt').textContent = WORDS.dnt[s.dnt] ?? s.dnt;
  $('age').textContent = s.age === 'none' ? 'Not stated' : `${s.age}+`;
  $('contact').textContent = s.contact === 'none' ? 'Not given' : s.contact;
  for (const [k, v] of Object.entries(s)) document.body.dataset[k] = v;
  $('summary').hidden = false;
  const src = $('source');
  src.hidden = !policyUrl;
  if (policyUrl) {
    const a = document.createElement('a');
    a.href = policyUrl;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = policyUrl;
    src.replaceChildren('From ', a);
    document.body.dataset.policyUrl = policyUrl;
  }
  showChanges(changes);
  $('status').textContent = note ?? (report.isPolicy.likely
    ? (policyUrl ? 'The privacy policy of this site.' : 'This page looks like a privacy policy.')
    : (policyUrl ? 'The linked page does not look like a privacy policy.' : 'This page does not look like a privacy policy.'));
  document.body.dataset.state = 'shown';
  document.body.dataset.source = policyUrl ? 'linked' : 'page';
}

const inject = (tabId, files) => api.scripting.executeScript({ target: { tabId }, files });

// content.js listens for { type: 'collect' } only once it has analyzed the page (a policy), so that
// pages which are not policies never touch the extension API: on those, and where content.js is
// missing (a tab opened before install), the first message finds no listener; the popup then has
// content.js listen (injecting it first if absent; the toolbar click's activeTab grant allows
// both) and asks again.
const listen = () => {
  const c = globalThis.__policyLensContent;
  return Boolean(c && typeof c.listen === 'function' && c.listen());
};

async function ensureListener(tabId) {
  let [frame] = await api.scripting.executeScript({ target: { tabId }, func: listen });
  if (frame && frame.result === true) return;
  await inject(tabId, ['badge.js', 'content.js']);
  [frame] = await api.scripting.executeScript({ target: { tabId }, func: listen });
  if (!frame || frame.result !== true) throw new Error('cannot reach the page');
}

async function ask(tabId, msg) {
  let reply;
  try { reply = await api.tabs.sendMessage(tabId, msg); } catch (_) { reply = undefined; }
  if (reply !== undefined) return reply;
  await ensureListener(tabId);
  return api.tabs.sendMessage(tabId, msg);
}

// The policy-link search is not a content script (content.js stays tiny on every page): inject
// find-policy.js into the content scripts' world first. Injecting it again is a no-op; its result
// is false when content.js is missing, and then the courier goes in first.
async function askFinder(tabId, msg) {
  let [frame] = await inject(tabId, ['find-policy.js']);
  if (!frame || frame.result !== true) [frame] = await inject(tabId, ['badge.js', 'content.js', 'find-policy.js']);
  if (!frame || frame.result !== true) throw new Error('cannot reach the page');
  return api.tabs.sendMessage(tabId, msg);
}

async function offerLinked(tabId) {
  let r = null;
  try { r = await askFinder(tabId, { type: 'findPolicy' }); } catch (_) { r = null; }
  const best = r && r.ok && Array.isArray(r.candidates) ? r.candidates[0] : null;
  document.body.dataset.linked = best ? 'found' : 'none';
  if (!best) return;
  const a = $('linked-url');
  a.href = best.url;
  a.textContent = best.url;
  a.title = best.text;
  $('linked').hidden = false;
  $('analyze-linked').addEventListener('click', async () => {
    $('status').textContent = 'Reading the privacy policy…';
    document.body.dataset.state = 'busy';
    try {
      const res = await askFinder(tabId, { type: 'analyzeLinked', url: best.url });
      if (!res || !res.ok) throw new Error((res && res.error) || 'no reply');
      show(res.report, { policyUrl: res.url, changes: res.changes });
      $('linked').hidden = true;
    } catch (e) {
      document.body.dataset.state = 'error';
      $('status').textContent = `Cannot read the policy here (${e.message}). Open it to analyze it: `;
      const open = document.createElement('a');
      open.href = best.url;
      open.target = '_blank';
      open.rel = 'noopener noreferrer';
      open.textContent = best.url;
      $('status').append(open);
    }
  });
}

async function main() {
  $('forget').addEventListener('click', async () => {
    const r = await api.runtime.sendMessage({ type: 'forget' }).catch((e) => ({ ok: false, error: e.message }));
    if (!r || !r.ok) { $('forget-result').textContent = `Could not forget: ${r && r.error}`; return; }
    const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
    $('forget-result').textContent = `Forgotten: the findings of ${n(r.policies, 'policy', 'policies')}, ` +
      `${n(r.sites, 'site', 'sites')} where the badge was hidden, and ${n(r.tabs, 'tab report', 'tab reports')}.`;
    document.body.dataset.forgot = JSON.stringify({ policies: r.policies, sites: r.sites, tabs: r.tabs });
    showChanges([]);
  });

  const tab = await targetTab();
  const v = await api.runtime.sendMessage({ type: 'version' }).catch(() => null);
  if (v && v.ok) $('version').textContent = `Analyzer ${v.version}.`;
  if (!tab || typeof tab.id !== 'number') { $('status').textContent = 'No tab.'; return; }
  const reply = await api.runtime.sendMessage({ type: 'getTabReport', tabId: tab.id });
  const entry = reply && reply.ok ? reply.entry : null;
  const current = entry && (!tab.url || tab.url === (entry.pageUrl || entry.url));
  if (current) show(entry.report, { policyUrl: entry.linked ? entry.url : null, changes: entry.changes });
  else { $('status').textContent = 'No policy analyzed on this page yet.'; document.body.dataset.state = 'empty'; }
  if (!current || (!entry.linked && !entry.report.isPolicy.likely)) offerLinked(tab.id);
  else document.body.dataset.linked = 'none';

  $('analyze').addEventListener('click', async () => {
    $('status').textContent = 'Analyzing…';
    try {
      const r = await ask(tab.id, { type: 'collect' });
      if (!r || !r.ok) throw new Error((r && r.error) || 'no reply');
      show(r.report, { changes: r.changes });
    } catch (e) {
      $('status').textContent = `Cannot analyze this page: ${e.message}`;
    }
  });
}

main().catch((e) => { $('status').textContent = `Error: ${e.message}`; });
