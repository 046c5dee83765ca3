// End-to-end test of dist/chrome in Debian's Chromium, driven by playwright-core.
// Run after ./build.sh:  node tests/e2e/chromium.mjs   (hooks and pages: tests/e2e/README.md)
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, dirname, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './launch.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const ext = join(root, 'dist', 'chrome');
const pages = join(here, 'pages');
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

const EXPECTED = { sharing: 'yes', dnt: 'notHonored', age: '16', contact: 'privacy@lumen-notes.example', actionBadge: 'SHR' };

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
async function attempt(name, fn) {
  try { await fn(); } catch (e) { check(name, false, String(e && e.message || e).split('\n')[0]); }
}

// ---- static server for the test pages
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };
const served = []; // every path the server was asked for (the test's own /__version calls excepted)
let policyVersion = 1; // /changing/privacy.html serves pages/changing/v<policyVersion>.html
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const m = /^\/__version\/(\d)$/.exec(path);
  if (m) { policyVersion = Number(m[1]); res.writeHead(204); res.end(); return; }
  served.push(req.url);
  if (path === '/favicon.ico') { res.writeHead(204); res.end(); return; }
  // /strict/X is page X served again with a strict CSP header.
  const file = path === '/changing/privacy.html' ? join(pages, 'changing', `v${policyVersion}.html`)
    : join(pages, path.replace(/^[/\\]strict(?=[/\\])/, ''));
  if (!file.startsWith(pages) || !existsSync(file) || !extname(file)) { res.writeHead(404); res.end('not found'); return; }
  const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' };
  if (path.startsWith('/strict/')) headers['content-security-policy'] = "script-src 'self'";
  res.writeHead(200, headers);
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const setPolicyVersion = (v) => fetch(`${base}/__version/${v}`);

if (!existsSync(join(ext, 'manifest.json'))) {
  console.log('FAIL dist/chrome is missing: run ./build.sh first');
  process.exit(1);
}

const { context, userDataDir } = await launchChromium(ext, {
  prefix: 'policy-lens-chromium-',
  extraArgs: ['--enable-unsafe-extension-debugging'], // the CDP Extensions domain, for clickToolbarButton below
});

// Every request of the session, from pages, the service worker and the extension's pages: the
// extension itself must make none (only the test pages on 127.0.0.1 and its own files appear).
const requests = [];
context.on('request', (r) => requests.push(r.url()));

try {
  const sw = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
  const state = {}; // pages shared between consecutive checks
  const extId = new URL(sw.url()).host;
  await sw.evaluate(() => chrome.storage.local.set({ testHooks: true, dismissed: {} }));
  const bg = () => sw.evaluate(() => ({ ...globalThis.__policyLens }));
  // The person's click on the toolbar button, for tab page p: it grants activeTab for that tab, which
  // is what lets the popup inject find-policy.js (scripting.executeScript; no host permissions). The
  // popup it opens is not used: the checks open popup.html?tabId=N in a tab of their own.
  const browserCdp = await context.browser().newBrowserCDPSession();
  const clickToolbarButton = async (p) => {
    const { targetInfos } = await browserCdp.send('Target.getTargets', { filter: [{ type: 'tab' }] });
    const tabs = targetInfos.filter((t) => t.url === p.url());
    if (tabs.length !== 1) throw new Error(`${tabs.length} tabs show ${p.url()}`);
    await browserCdp.send('Extensions.triggerAction', { id: extId, targetId: tabs[0].targetId });
  };

  // ---- policy page
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await attempt('policy page: badge appears with the four answers', async () => {
    await page.goto(`${base}/privacy.html`);
    const host = page.locator('#policy-lens-badge');
    await host.waitFor({ state: 'attached', timeout: 15000 });
    await page.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined);
    const got = await host.evaluate((h) => ({ ...h.dataset }));
    const want = { sharing: EXPECTED.sharing, dnt: EXPECTED.dnt, age: EXPECTED.age, contact: EXPECTED.contact };
    const bad = Object.entries(want).filter(([k, v]) => got[k] !== v);
    check('policy page: badge appears with the four answers', bad.length === 0 && got.state === 'collapsed',
      bad.length ? `got ${JSON.stringify(got)}` : JSON.stringify(want));
  });
  await attempt('badge is visible despite hostile page CSS', async () => {
    const pill = page.locator('[data-pl="pill"]');
    await pill.waitFor({ state: 'visible', timeout: 5000 });
    const box = await pill.boundingBox();
    check('badge is visible despite hostile page CSS', box && box.width > 50 && box.height > 10, JSON.stringify(box));
    await page.screenshot({ path: join(artifacts, 'chromium-badge.png') });
  });
  await attempt('toolbar badge text set for the tab', async () => {
    const state = await bg();
    const text = await sw.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), state.last.tabId);
    const hostText = await page.locator('#policy-lens-badge').getAttribute('data-action-badge');
    check('toolbar badge text set for the tab', text === EXPECTED.actionBadge && hostText === text,
      `getBadgeText=${JSON.stringify(text)} data-action-badge=${JSON.stringify(hostText)}`);
  });
  await attempt('panel opens on click and lists findings with quotes', async () => {
    await page.locator('[data-pl="pill"]').click();
    await page.locator('[data-pl="panel"]').waitFor({ state: 'visible', timeout: 5000 });
    const state = await page.locator('#policy-lens-badge').getAttribute('data-state');
    const quotes = await page.locator('[data-pl="quote"]').count();
    const sections = await page.locator('[data-pl^="finding-"]').count();
    const parties = await page.locator('[data-pl="named-parties"] li').allTextContents();
    check('panel opens on click and lists findings with quotes', state === 'open' && quotes >= 4 && sections >= 6,
      `state=${state} quotes=${quotes} sections=${sections} parties=${JSON.stringify(parties.map((p) => p.split('“')[0]))}`);
    await page.screenshot({ path: join(artifacts, 'chromium-panel.png') });
  });
  await attempt('quote click scrolls to its passage and highlights it', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const before = await page.locator('#dnt').evaluate((e) => e.getBoundingClientRect().top);
    await page.locator('[data-pl="finding-dnt"] [data-pl="quote"]').first().click();
    await page.waitForTimeout(300);
    const inView = await page.locator('#dnt').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    const hl = await page.locator('[data-pl="highlight"]').count();
    check('quote click scrolls to its passage and highlights it', inView && before > 800 && hl === 1,
      `top before=${Math.round(before)} inViewAfter=${inView} highlight=${hl}`);
    await page.screenshot({ path: join(artifacts, 'chromium-highlight.png') });
  });
  await attempt('Escape closes the panel; page untouched', async () => {
    await page.keyboard.press('Escape');
    const state = await page.locator('#policy-lens-badge').getAttribute('data-state');
    const hidden = await page.locator('[data-pl="panel"]').isHidden();
    const pageScript = await page.evaluate(() => document.documentElement.dataset.pageScript);
    const dntStyle = await page.locator('#dnt').getAttribute('style');
    check('Escape closes the panel; page untouched', state === 'collapsed' && hidden && pageScript === 'ran' && dntStyle === null,
      `state=${state} panelHidden=${hidden} dntStyle=${dntStyle}`);
  });
  await attempt('popup page renders the summary', async () => {
    const { last } = await bg();
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=${last.tabId}`);
    await popup.waitForSelector('body[data-state="shown"]', { timeout: 5000 });
    const d = await popup.evaluate(() => ({ ...document.body.dataset }));
    const txt = await popup.locator('[data-pl="summary"]').innerText();
    await popup.screenshot({ path: join(artifacts, 'chromium-popup.png') });
    check('popup page renders the summary', d.sharing === EXPECTED.sharing && d.dnt === EXPECTED.dnt && d.age === EXPECTED.age &&
      d.contact === EXPECTED.contact, txt.replace(/\s+/g, ' '));
    await popup.close();
  });
  await attempt('dismiss hides the badge for the site', async () => {
    await page.locator('[data-pl="dismiss"]').click();
    const stored = await sw.evaluate(() => chrome.storage.local.get('dismissed'));
    await page.reload();
    await page.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.state, null, { timeout: 10000 });
    const state = await page.locator('#policy-lens-badge').getAttribute('data-state');
    const visible = await page.locator('[data-pl="pill"]').count();
    check('dismiss hides the badge for the site', stored.dismissed?.['127.0.0.1'] === true && state === 'dismissed' && visible === 0,
      `stored=${JSON.stringify(stored)} state=${state}`);
    await sw.evaluate(() => chrome.storage.local.set({ dismissed: {} }));
  });
  check('no console errors on the policy page', consoleErrors.length === 0, consoleErrors.join(' | '));

  // ---- strict CSP page
  await attempt('strict CSP page (script-src \'self\') works', async () => {
    const p = await context.newPage();
    const resp = await p.goto(`${base}/strict/privacy.html`);
    const csp = resp.headers()['content-security-policy'];
    await p.locator('#policy-lens-badge').waitFor({ state: 'attached', timeout: 15000 });
    const d = await p.locator('#policy-lens-badge').evaluate((h) => ({ ...h.dataset }));
    check('strict CSP page (script-src \'self\') works', csp === "script-src 'self'" && d.sharing === EXPECTED.sharing &&
      d.dnt === EXPECTED.dnt && d.age === EXPECTED.age && d.contact === EXPECTED.contact, `csp=${csp} ${JSON.stringify(d)}`);
    await p.close();
  });

  // ---- non-policy page
  await attempt('non-policy page: no badge, no analyze message', async () => {
    const before = (await bg()).analyzeCount;
    const p = await context.newPage();
    await p.goto(`${base}/recipes.html`);
    await p.waitForTimeout(1500);
    const hosts = await p.locator('#policy-lens-badge').count();
    const after = (await bg()).analyzeCount;
    check('non-policy page: no badge, no analyze message', hosts === 0 && after === before, `hosts=${hosts} analyzeCount ${before}→${after}`);
    await p.close();
  });

  await attempt('a policy known only by its first h2 (neutral address, title and h1) gets its badge', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/about/statement.html`);
    await p.locator('#policy-lens-badge').waitFor({ state: 'attached', timeout: 15000 });
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined);
    const got = await p.locator('#policy-lens-badge').evaluate((h) => ({ ...h.dataset }));
    check('a policy known only by its first h2 (neutral address, title and h1) gets its badge',
      got.dnt === 'honored' && got.age === '16' && got.contact === 'privacy@northwind-outfitters.example',
      JSON.stringify({ dnt: got.dnt, age: got.age, contact: got.contact }));
    await p.close();
  });

  // ---- popup "Analyze this page" on the non-policy page (on-demand analysis)
  await attempt('popup "Analyze this page" analyzes on demand', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/recipes.html`);
    await p.waitForTimeout(300);
    const before = (await bg()).analyzeCount;
    await p.bringToFront();
    // No "tabs" permission, so no query by URL: the page just brought to front is the active tab.
    const tabId = await sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    // The toolbar click (activeTab): content.js does not listen on a page that is not a policy, so
    // the popup has it listen first (scripting.executeScript), as after a person's click.
    await clickToolbarButton(p);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=${tabId}`);
    await popup.waitForSelector('body[data-state="empty"]', { timeout: 5000 });
    await popup.locator('[data-pl="analyze"]').click();
    await popup.waitForFunction(() => document.body.dataset.state === 'shown' || /Cannot|Error/.test(document.getElementById('status').textContent), null, { timeout: 10000 });
    const status = await popup.locator('[data-pl="status"]').innerText();
    const after = (await bg()).analyzeCount;
    const hosts = await p.locator('#policy-lens-badge').count();
    check('popup "Analyze this page" analyzes on demand', after === before + 1 && hosts === 1 && /does not look/.test(status),
      `analyzeCount ${before}→${after} badge=${hosts} status=${JSON.stringify(status)}`);
    await popup.close();
    await p.close();
  });
  await attempt('policy containing <script>/<img onerror> text is shown as text', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/hostile.html`);
    await p.locator('#policy-lens-badge').waitFor({ state: 'attached', timeout: 15000 });
    await p.locator('[data-pl="pill"]').click();
    const res = await p.evaluate(() => {
      const root = document.getElementById('policy-lens-badge').shadowRoot;
      return {
        injected: root.querySelectorAll('script, img, iframe, [onerror]').length,
        text: root.querySelector('[data-pl="panel"]').textContent,
        fired: !!window.__xss,
      };
    });
    check('policy containing <script>/<img onerror> text is shown as text',
      res.injected === 0 && !res.fired && res.text.includes('<script>') && res.text.includes('onerror'),
      `injected=${res.injected} fired=${res.fired}`);
    await p.close();
  });
  await attempt('single-page app: a policy that arrives after load is analyzed once it settles', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/spa.html`);
    await p.locator('#policy-lens-badge').waitFor({ state: 'attached', timeout: 15000 });
    const got = await p.locator('#policy-lens-badge').evaluate((h) => ({ ...h.dataset }));
    check('single-page app: a policy that arrives after load is analyzed once it settles',
      got.dnt === 'notHonored' && got.age === '13' && got.contact === 'privacy@orbit-planner.example',
      JSON.stringify({ dnt: got.dnt, age: got.age, contact: got.contact }));
    await p.close();
  });
  // ---- hostile page scripts and CSS (closed shadow root: testHooks off for this page)
  await attempt('page scripts cannot read the badge (closed shadow root, patched attachShadow)', async () => {
    await sw.evaluate(() => chrome.storage.local.set({ testHooks: false }));
    const p = await context.newPage();
    state.guard = p;
    await p.goto(`${base}/guard.html`);
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined, null, { timeout: 15000 });
    const probe = await p.evaluate(() => window.__probe());
    check('page scripts cannot read the badge (closed shadow root, patched attachShadow)',
      probe.shadowRoot === 'null' && probe.innerHTML === 0 && probe.textContent === 0 && probe.children === 0 &&
      probe.captured === 0 && probe.reattach === 'threw', JSON.stringify(probe));
    await sw.evaluate(() => chrome.storage.local.set({ testHooks: true }));
  });
  const pillPoint = (p) => p.evaluate(() => {
    const x = document.documentElement.clientWidth - 100;
    const y = document.documentElement.clientHeight - 25;
    const top = document.elementFromPoint(x, y);
    const host = document.getElementById('policy-lens-badge');
    const cs = host ? getComputedStyle(host) : null;
    return { x, y, onTop: Boolean(host) && top === host, top: top && top.localName, connected: Boolean(host && host.isConnected),
      display: cs && cs.display, visibility: cs && cs.visibility, opacity: cs && cs.opacity,
      attrs: host ? [...host.attributes].map((a) => a.name).filter((n) => !n.startsWith('data-')).join(' ') : '' };
  });
  await attempt('page !important CSS does not hide the badge', async () => {
    const got = await pillPoint(state.guard);
    check('page !important CSS does not hide the badge', got.onTop && got.display === 'block' && got.visibility === 'visible' &&
      got.opacity === '1', JSON.stringify(got));
  });
  await attempt('a page cannot forge results (postMessage, events, chrome.runtime)', async () => {
    const p = state.guard;
    const before = await bg();
    const dataBefore = await p.locator('#policy-lens-badge').evaluate((h) => JSON.stringify(h.dataset));
    const forged = await p.evaluate((id) => window.__forge(id), extId);
    await p.waitForTimeout(600);
    const after = await bg();
    const dataAfter = await p.locator('#policy-lens-badge').evaluate((h) => JSON.stringify(h.dataset));
    const d = JSON.parse(dataAfter);
    const runtimeOk = forged.runtime === 'none' || /^(refused|threw)/.test(forged.runtime);
    check('a page cannot forge results (postMessage, events, chrome.runtime)',
      after.analyzeCount === before.analyzeCount && dataAfter === dataBefore && d.sharing === 'yes' && d.age === '16' && runtimeOk,
      `forged=${forged.forged} runtime=${forged.runtime} analyzeCount ${before.analyzeCount}→${after.analyzeCount} sharing=${d.sharing} age=${d.age}`);
  });
  await attempt('page scripts cannot hide or remove the badge', async () => {
    const p = state.guard;
    const did = await p.evaluate(() => window.__hide());
    await p.waitForTimeout(300);
    const got = await pillPoint(p);
    check('page scripts cannot hide or remove the badge', did && got.connected && got.onTop && got.attrs === 'id style' &&
      got.display === 'block', JSON.stringify(got));
  });
  await attempt('the badge does not restyle the page', async () => {
    const p = state.guard;
    const { x, y } = await pillPoint(p);
    await p.mouse.click(x, y); // opens the panel (closed shadow root: clicked by position)
    await p.waitForFunction(() => document.getElementById('policy-lens-badge').dataset.state === 'open', null, { timeout: 5000 });
    const diff = await p.evaluate(() => {
      const now = window.__styles();
      return Object.keys(now).filter((k) => now[k] !== window.__stylesBefore[k]).map((k) => `${k}: ${window.__stylesBefore[k]} ⇒ ${now[k]}`);
    });
    check('the badge does not restyle the page', diff.length === 0, diff.length ? diff.join(' | ').slice(0, 400) : 'html, body, main, h1, p, button, a unchanged with the panel open');
    await p.screenshot({ path: join(artifacts, 'chromium-guard.png') });
    await p.close();
  });

  // ---- from any page to its policy
  await attempt('non-policy page with a footer "Privacy Policy": popup finds the link', async () => {
    const p = await context.newPage();
    state.home = p;
    const before = (await bg()).analyzeCount;
    await p.goto(`${base}/home.html`);
    await p.waitForTimeout(400);
    await p.bringToFront();
    await clickToolbarButton(p);
    const tabId = await sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    const popup = await context.newPage();
    state.homePopup = popup;
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=${tabId}`);
    await popup.waitForSelector('body[data-linked]', { timeout: 5000 });
    const linked = await popup.evaluate(() => document.body.dataset.linked);
    const href = linked === 'found' ? await popup.locator('[data-pl="linked-url"]').getAttribute('href') : null;
    const hosts = await p.locator('#policy-lens-badge').count();
    const after = (await bg()).analyzeCount;
    state.policyUrl = `${base}/legal/lumen-privacy.html?utm_source=footer`;
    check('non-policy page with a footer "Privacy Policy": popup finds the link',
      linked === 'found' && href === state.policyUrl && hosts === 0 && after === before,
      `linked=${linked} href=${href} badge=${hosts} analyzeCount ${before}→${after}`);
  });
  await attempt('"Analyze this site\'s privacy policy": summary in the popup, badge on the page', async () => {
    const popup = state.homePopup;
    const p = state.home;
    const fetchesBefore = served.filter((u) => u.startsWith('/legal/')).length;
    await popup.locator('[data-pl="analyze-linked"]').click();
    await popup.waitForFunction(() => ['shown', 'error'].includes(document.body.dataset.state), null, { timeout: 15000 });
    const d = await popup.evaluate(() => ({ ...document.body.dataset, status: document.getElementById('status').textContent }));
    await popup.screenshot({ path: join(artifacts, 'chromium-popup-linked.png') });
    await p.locator('#policy-lens-badge').waitFor({ state: 'attached', timeout: 5000 });
    const h = await p.locator('#policy-lens-badge').evaluate((e) => ({ ...e.dataset }));
    const fetches = served.filter((u) => u.startsWith('/legal/')).length - fetchesBefore;
    const extra = served.filter((u) => u.startsWith('/linked-only/'));
    check('"Analyze this site\'s privacy policy": summary in the popup, badge on the page',
      d.state === 'shown' && d.source === 'linked' && d.policyUrl === state.policyUrl && d.sharing === 'yes' && d.dnt === 'honored' &&
      d.age === '13' && d.contact === 'privacy@lumen-notes.example' && h.source === 'linked' && h.policyUrl === state.policyUrl &&
      h.sharing === 'yes' && h.age === '13' && p.url() === `${base}/home.html` && fetches === 1 && extra.length === 0,
      `popup=${JSON.stringify(d)} host=${JSON.stringify({ source: h.source, policyUrl: h.policyUrl, sharing: h.sharing, age: h.age })} policyFetches=${fetches} subresources=${JSON.stringify(extra)}`);
    await popup.close();
  });
  await attempt('evidence of a fetched policy links to the policy page (text fragment)', async () => {
    const p = state.home;
    await p.locator('[data-pl="pill"]').click();
    await p.locator('[data-pl="panel"]').waitFor({ state: 'visible', timeout: 5000 });
    const links = await p.locator('[data-pl="quote"]').evaluateAll((qs) => qs.map((q) => ({ tag: q.localName, href: q.getAttribute('href'), target: q.target })));
    const prefix = `${state.policyUrl}#:~:text=`;
    const allLinks = links.length > 0 && links.every((l) => l.tag === 'a' && l.href.startsWith(prefix) && l.target === '_blank');
    await p.screenshot({ path: join(artifacts, 'chromium-linked-panel.png') });
    const [opened] = await Promise.all([
      context.waitForEvent('page', { timeout: 10000 }),
      p.locator('[data-pl="finding-dnt"] [data-pl="quote"]').first().click(),
    ]);
    await opened.waitForLoadState('domcontentloaded');
    const openedUrl = opened.url();
    await opened.close();
    check('evidence of a fetched policy links to the policy page (text fragment)',
      allLinks && openedUrl.startsWith(state.policyUrl) && p.url() === `${base}/home.html`,
      `${links.length} quotes, first ${JSON.stringify(links[0])}; opened ${openedUrl}`);
  });
  await attempt('panel draws the groups and copes with older reports', async () => {
    const p = state.home;
    const order = await p.locator('[data-pl="panel"] [data-pl^="group-"], [data-pl="panel"] > [data-pl="finding-sharing"]')
      .evaluateAll((els) => els.map((e) => e.dataset.pl));
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=-1`);
    const old = await popup.evaluate(() => {
      const out = {};
      const reports = {
        old: { isPolicy: { likely: true, score: 1 }, thirdPartySharing: { verdict: 'yes', evidence: [], purposes: [], marketing: { verdict: 'no', evidence: [] }, sells: { verdict: 'no', evidence: [] }, namedThirdParties: [] },
          doNotTrack: { verdict: 'honored', evidence: [] }, minimumAge: { age: 13, allAges: [13], evidence: [] }, contact: { emails: ['a@b.example'], evidence: [] } },
        odd: { isPolicy: { likely: true }, rights: 'x', optOuts: {}, tracking: [], retention: { periods: 'no' }, security: { measures: null },
          policyChanges: { updated: 'soon', notices: 3 }, internationalTransfers: { safeguards: [null] } },
        empty: {},
      };
      for (const [k, r] of Object.entries(reports)) {
        try {
          const b = PolicyLensBadge.renderBadge(r, { shadowMode: 'open', parent: document.body });
          const sr = b.host.shadowRoot;
          out[k] = { sections: sr.querySelectorAll('[data-pl^="finding-"]').length, groups: [...sr.querySelectorAll('[data-pl^="group-"]')].map((g) => g.dataset.pl) };
          b.destroy();
        } catch (e) { out[k] = `threw ${e.message}`; }
      }
      return out;
    });
    await popup.close();
    const want = ['group-attention', 'finding-sharing', 'group-rights', 'group-tracking', 'group-data', 'group-policy'];
    check('panel draws the groups and copes with older reports',
      JSON.stringify(order) === JSON.stringify(want) && old.old.sections >= 5 && old.old.groups.length === 0 &&
      typeof old.odd === 'object' && typeof old.empty === 'object',
      `order=${JSON.stringify(order)} older=${JSON.stringify(old)}`);
  });
  // Needs the Rust side of docs/findings.md (retention, rights, opt-outs, tracking, security,
  // policy changes, transfers): until it is merged the analyzer returns empty findings.
  await attempt('panel groups the new findings', async () => {
    const p = state.home;
    const got = await p.evaluate(() => {
      const sr = document.getElementById('policy-lens-badge').shadowRoot;
      const t = (sel) => (sr.querySelector(sel) ? sr.querySelector(sel).textContent.replace(/\s+/g, ' ') : null);
      return {
        attention: [...sr.querySelectorAll('[data-pl="group-attention"] > section')].map((e) => e.dataset.pl),
        rights: [...sr.querySelectorAll('[data-pl="rights-list"] li')].map((e) => e.dataset.kind),
        exercise: t('[data-pl="exercise-list"]'),
        optOuts: [...sr.querySelectorAll('[data-pl="optouts-list"] li')].map((e) => e.dataset.kind),
        retention: t('[data-pl="finding-retention"]'),
        tracking: t('[data-pl="finding-tracking"] h3'),
        security: [...sr.querySelectorAll('[data-pl="security-measures"] li')].map((e) => e.dataset.kind),
        transfers: [...sr.querySelectorAll('[data-pl="transfer-safeguards"] li')].map((e) => e.dataset.kind),
        notices: [...sr.querySelectorAll('[data-pl="change-notices"] li')].map((e) => e.dataset.kind),
        updated: t('[data-pl="policy-updated"]'),
        quotes: sr.querySelectorAll('[data-pl^="group-"] [data-pl="quote"]').length,
      };
    });
    const ok = got.attention.includes('attention-ads') && !got.attention.includes('attention-deletion') &&
      got.rights.includes('deletion') && /privacy@lumen-notes\.example/.test(got.exercise || '') &&
      got.optOuts.includes('marketingEmails') && /as long as your account is active/.test(got.retention || '') &&
      /tracking: Cookies/.test(got.tracking || '') && got.security.includes('encryption') &&
      got.transfers.includes('standardContractualClauses') && got.notices.includes('email') &&
      /March 1, 2026/.test(got.updated || '') && got.quotes >= 7;
    check('panel groups the new findings', ok, JSON.stringify(got).slice(0, 600));
    await p.close();
  });

  // find-policy.js is injected by the popup (scripting.executeScript), not declared: it must work
  // on a page whose CSP allows only its own scripts too.
  await attempt('strict CSP page: the popup injects the link search and analyzes the site\'s policy', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/strict/home.html`);
    await p.waitForTimeout(300);
    await p.bringToFront();
    await clickToolbarButton(p);
    const tabId = await sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=${tabId}`);
    await popup.waitForSelector('body[data-linked]', { timeout: 5000 });
    const linked = await popup.evaluate(() => document.body.dataset.linked);
    const href = linked === 'found' ? await popup.locator('[data-pl="linked-url"]').getAttribute('href') : null;
    let d = {};
    if (linked === 'found') {
      await popup.locator('[data-pl="analyze-linked"]').click();
      await popup.waitForFunction(() => ['shown', 'error'].includes(document.body.dataset.state), null, { timeout: 15000 });
      d = await popup.evaluate(() => ({ ...document.body.dataset }));
    }
    const h = await p.locator('#policy-lens-badge').evaluate((e) => ({ ...e.dataset })).catch(() => ({}));
    await popup.close();
    await p.close();
    check('strict CSP page: the popup injects the link search and analyzes the site\'s policy',
      href === state.policyUrl && d.state === 'shown' && d.source === 'linked' && d.sharing === 'yes' && h.source === 'linked' && h.age === '13',
      `linked=${linked} href=${href} popup.state=${d.state} popup.sharing=${d.sharing} host=${JSON.stringify({ source: h.source, age: h.age })}`);
  });

  // ---- changes since the last visit, and "Forget everything"
  await attempt('policy changed between two visits: badge says "changed", panel lists it', async () => {
    await setPolicyVersion(1);
    const p = await context.newPage();
    state.changing = p;
    await p.goto(`${base}/changing/privacy.html`);
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined, null, { timeout: 15000 });
    const first = await p.locator('#policy-lens-badge').evaluate((h) => ({ ...h.dataset }));
    const stored = await sw.evaluate(() => chrome.storage.local.get('policies'));
    const rec = stored.policies?.[`${base}/changing/privacy.html`];
    const noText = rec && !JSON.stringify(rec).includes('Tidepool') && !JSON.stringify(rec).includes('evidence');
    await setPolicyVersion(2);
    await p.reload();
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.age === '16', null, { timeout: 15000 });
    const second = await p.locator('#policy-lens-badge').evaluate((h) => ({ ...h.dataset }));
    const marker = await p.locator('[data-pl="pill-changed"]').count();
    await p.locator('[data-pl="pill"]').click();
    const changes = await p.locator('[data-pl="change"]').evaluateAll((els) => els.map((e) => [e.dataset.key, e.textContent]));
    const keys = changes.map(([k]) => k);
    await p.screenshot({ path: join(artifacts, 'chromium-changed.png') });
    check('policy changed between two visits: badge says "changed", panel lists it',
      first.changed === 'false' && noText && second.changed === 'true' && marker === 1 && keys.includes('sharing') && keys.includes('age') &&
      changes.some(([k, t]) => k === 'age' && /13 → 16/.test(t)) && changes.some(([k, t]) => k === 'sharing' && /No → Yes/.test(t)),
      `first.changed=${first.changed} stored=${JSON.stringify(rec && rec.f)} second.changed=${second.changed} changes=${JSON.stringify(changes)}`);
  });
  await attempt('a re-analysis within the same visit keeps the changes', async () => {
    const p = state.changing;
    await p.bringToFront();
    const tabId = await sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tabId=${tabId}`);
    await popup.waitForSelector('body[data-state="shown"]', { timeout: 5000 });
    const shownChanged = await popup.evaluate(() => document.body.dataset.changed);
    await popup.locator('[data-pl="analyze"]').click();
    await p.waitForTimeout(800);
    const h = await p.locator('#policy-lens-badge').evaluate((e) => e.dataset.changed);
    state.changingPopup = popup;
    check('a re-analysis within the same visit keeps the changes', shownChanged === 'true' && h === 'true',
      `popup data-changed=${shownChanged} badge after re-analysis data-changed=${h}`);
  });
  await attempt('remembered findings are bounded (500 policies, the oldest forgotten first)', async () => {
    const p = state.changing;
    await sw.evaluate(async () => {
      const { policies = {} } = await chrome.storage.local.get('policies');
      for (let i = 0; i < 505; i++) policies[`https://seed.example/p${i}`] = { at: 1000 + i, visit: 'seed', f: { sharing: 'no' }, base: null, baseAt: null };
      await chrome.storage.local.set({ policies });
    });
    await p.reload();
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined, null, { timeout: 15000 });
    await p.waitForTimeout(200);
    const got = await sw.evaluate(async (here) => {
      const { policies = {} } = await chrome.storage.local.get('policies');
      const keys = Object.keys(policies);
      return { n: keys.length, seeds: keys.filter((k) => k.startsWith('https://seed.example/')).length,
        oldestGone: !('https://seed.example/p0' in policies), newestKept: 'https://seed.example/p504' in policies, here: here in policies };
    }, `${base}/changing/privacy.html`);
    check('remembered findings are bounded (500 policies, the oldest forgotten first)',
      got.n === 500 && got.oldestGone && got.newestKept && got.here, JSON.stringify(got));
  });
  await attempt('"Forget everything" clears storage; the next visit does not say changed', async () => {
    const popup = state.changingPopup;
    const p = state.changing;
    await sw.evaluate(() => chrome.storage.local.set({ dismissed: { 'forgotten.example': true } }));
    const before = await sw.evaluate(() => chrome.storage.local.get(null));
    await popup.locator('details.forget summary').click();
    await popup.locator('[data-pl="forget"]').click();
    await popup.waitForFunction(() => document.body.dataset.forgot, null, { timeout: 5000 });
    const said = await popup.locator('[data-pl="forget-result"]').innerText();
    const after = await sw.evaluate(() => chrome.storage.local.get(null));
    const session = await sw.evaluate(() => chrome.storage.session.get(null));
    await popup.close();
    await p.reload();
    await p.waitForFunction(() => document.getElementById('policy-lens-badge')?.dataset.actionBadge !== undefined, null, { timeout: 15000 });
    const h = await p.locator('#policy-lens-badge').evaluate((e) => e.dataset.changed);
    const nPolicies = Object.keys(before.policies || {}).length;
    const leftKeys = Object.keys(after).filter((k) => k !== 'testHooks');
    check('"Forget everything" clears storage; the next visit does not say changed',
      nPolicies >= 3 && leftKeys.length === 0 && Object.keys(session).length === 0 && h === 'false' &&
      said.includes(`${nPolicies} policies`) && said.includes('1 site'),
      `remembered ${nPolicies} policies; after: ${JSON.stringify(Object.keys(after))} session=${Object.keys(session).length}; said ${JSON.stringify(said)}; next visit changed=${h}`);
    await p.close();
  });

  const foreign = requests.filter((u) => !u.startsWith(base) && !u.startsWith('chrome-extension://')
    && !u.startsWith('data:') && !u.startsWith('blob:'));
  check('no request leaves the machine during the session', foreign.length === 0,
    `${requests.length} requests, outside the test server and the extension: ${JSON.stringify(foreign.slice(0, 5))}`);
  const st = await bg();
  check('background wasm ready', st.ready === true && !st.error, `initMs=${st.initMs} error=${st.error}`);
} catch (e) {
  check('e2e run', false, String(e && e.stack || e));
} finally {
  await context.close().catch(() => {});
  server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
