// Policy Lens popup: the summary of the current tab's last report, and "Analyze this page".
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

function show(report, note) {
  const s = globalThis.PolicyLensBadge.summarize(report);
  $('sharing').textContent = WORDS.sharing[s.sharing] ?? s.sharing;
  $('dnt').textContent = WORDS.dnt[s.dnt] ?? s.dnt;
  $('age').textContent = s.age === 'none' ? 'Not stated' : `${s.age}+`;
  $('contact').textContent = s.contact === 'none' ? 'Not given' : s.contact;
  for (const [k, v] of Object.entries(s)) document.body.dataset[k] = v;
  $('summary').hidden = false;
  $('status').textContent = note ?? (report.isPolicy.likely ? 'This page looks like a privacy policy.'
    : 'This page does not look like a privacy policy.');
  document.body.dataset.state = 'shown';
}

async function collect(tabId) {
  try {
    return await api.tabs.sendMessage(tabId, { type: 'collect' });
  } catch (_) {
    // No content script in the tab yet (opened before install): inject it (activeTab grants this).
    await api.scripting.executeScript({ target: { tabId }, files: ['badge.js', 'content.js'] });
    return api.tabs.sendMessage(tabId, { type: 'collect' });
  }
}

async function main() {
  const tab = await targetTab();
  const v = await api.runtime.sendMessage({ type: 'version' }).catch(() => null);
  if (v && v.ok) $('version').textContent = `Analyzer ${v.version}.`;
  if (!tab || typeof tab.id !== 'number') { $('status').textContent = 'No tab.'; return; }
  const reply = await api.runtime.sendMessage({ type: 'getTabReport', tabId: tab.id });
  const entry = reply && reply.ok ? reply.entry : null;
  if (entry && (!tab.url || tab.url === entry.url)) show(entry.report);
  else { $('status').textContent = 'No policy analyzed on this page yet.'; document.body.dataset.state = 'empty'; }

  $('analyze').addEventListener('click', async () => {
    $('status').textContent = 'Analyzing…';
    try {
      const r = await collect(tab.id);
      if (!r || !r.ok) throw new Error((r && r.error) || 'no reply');
      show(r.report);
    } catch (e) {
      $('status').textContent = `Cannot analyze this page: ${e.message}`;
    }
  });
}

main().catch((e) => { $('status').textContent = `Error: ${e.message}`; });
