// End-to-end test of dist/chrome in Debian's Chromium, driven by playwright-core.
// Run after ./build.sh:  node tests/e2e/chromium.mjs   (hooks and pages: tests/e2e/README.md)
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  if (path === '/favicon.ico') { res.writeHead(204); res.end(); return; }
  // /strict/X is page X served again with a strict CSP header.
  const file = join(pages, path.replace(/^[/\\]strict(?=[/\\])/, ''));
  if (!file.startsWith(pages) || !existsSync(file) || !extname(file)) { res.writeHead(404); res.end('not found'); return; }
  const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' };
  if (path.startsWith('/strict/')) headers['content-security-policy'] = "script-src 'self'";
  res.writeHead(200, headers);
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

if (!existsSync(join(ext, 'manifest.json'))) {
  console.log('FAIL dist/chrome is missing: run ./build.sh first');
  process.exit(1);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'policy-lens-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 800 },
  args: [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`,
    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
});

// Every request of the session, from pages, the service worker and the extension's pages: the
// extension itself must make none (only the test pages on 127.0.0.1 and its own files appear).
const requests = [];
context.on('request', (r) => requests.push(r.url()));

try {
  const sw = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  await sw.evaluate(() => chrome.storage.local.set({ testHooks: true, dismissed: {} }));
  const bg = () => sw.evaluate(() => ({ ...globalThis.__policyLens }));

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

  // ---- popup "Analyze this page" on the non-policy page (on-demand analysis)
  await attempt('popup "Analyze this page" analyzes on demand', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/recipes.html`);
    await p.waitForTimeout(300);
    const before = (await bg()).analyzeCount;
    await p.bringToFront();
    // No "tabs" permission, so no query by URL: the page just brought to front is the active tab.
    const tabId = await sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
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
