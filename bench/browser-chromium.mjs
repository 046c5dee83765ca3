// Browser benchmark, Chromium: the real built extension (dist/chrome) in headless Debian Chromium,
// driven by playwright-core. Prints figures; asserts no time. See bench/README.md.
//
//   node bench/browser-chromium.mjs [--launches N] [--loads N]      (after ./build.sh)
//
// 1. Policy pages (median-size and largest ../shared/corpus/ota/*.md, rendered by bench/pages.mjs):
//    page ready (DOMContentLoaded, and load) → badge host attached with its answers; the analyzer's
//    own time in the service worker; WASM init (the background's initMs) and the first analyze call
//    after a browser start against warm calls.
// 2. Non-policy pages: the content scripts' (badge.js + content.js) own execution time, from a
//    Chromium trace of the real extension and from evaluating their source in an isolated world
//    with a stubbed `chrome`; and the proof that no analyze message reached the background.
import { createServer } from 'node:http';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../tests/e2e/launch.mjs';
import { buildPages } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const ext = join(root, 'dist', 'chrome');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const LAUNCHES = arg('--launches', 5); // browser starts, each giving one cold (first) analyze call
const LOADS = arg('--loads', 9); // warm page loads per policy page, and loads per non-policy page

if (!existsSync(join(ext, 'manifest.json'))) {
  console.error('dist/chrome is missing: run ./build.sh first');
  process.exit(1);
}
const { pages, meta } = buildPages();
if (!meta.policies) {
  console.error(`no corpus at ${meta.corpus} (../shared/corpus/ota): the policy benchmarks need it; skipping them`);
}

// ---- stats
const sorted = (v) => [...v].sort((a, b) => a - b);
const median = (v) => {
  const s = sorted(v);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const stat = (v, d = 1) => `median ${f(median(v), d)} ms (min ${f(Math.min(...v), d)}, max ${f(Math.max(...v), d)}, n=${v.length})`;

// ---- server: the generated pages. /coi/<page> is the page again with COOP/COEP headers: cross-origin
// isolated, so performance.now() is fine-grained (5 µs instead of 100 µs) for the isolated-world
// timing, and each navigation to it from about:blank gets a new renderer process (the "fresh process" case).
const server = createServer((req, res) => {
  let path = new URL(req.url, 'http://x').pathname;
  const coi = path.startsWith('/coi/');
  if (coi) path = path.slice(4);
  const p = pages[path];
  if (!p) { res.writeHead(path === '/favicon.ico' ? 204 : 404); res.end(); return; }
  const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  if (coi) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  res.writeHead(200, headers);
  res.end(p.html);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

async function launch() {
  const { context, userDataDir } = await launchChromium(ext, { prefix: 'policy-lens-bench-' });
  const sw = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 20000 });
  await sw.evaluate(async () => {
    for (let i = 0; i < 400 && !(globalThis.__policyLens && (globalThis.__policyLens.ready || globalThis.__policyLens.error)); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  const hooked = await sw.evaluate(HOOK);
  if (!hooked.ok) throw new Error(`could not hook the background: ${JSON.stringify(hooked)}`);
  return { context, sw, close: async () => { await context.close().catch(() => {}); rmSync(userDataDir, { recursive: true, force: true }); } };
}

// Runs in the background (service worker). The analyze handler (extension/background.js) calls
// runtime.getURL (the fromExtensionPage check) right before checkDoc + `await ready` +
// analyzeDocument, and increments __policyLens.analyzeCount right after analyzeDocument: the time
// between the two is the WASM analyze call plus a linear JS check of the blocks and one microtask.
// No file of the extension is changed.
function HOOK() {
  const g = globalThis;
  const api = g.browser ?? g.chrome;
  const st = g.__policyLens;
  if (!st) return { ok: false, why: 'no __policyLens' };
  if (g.__bench) return { ok: true, again: true };
  const b = { t0: 0, starts: 0, calls: [] };
  g.__bench = b;
  const orig = api.runtime.getURL;
  api.runtime.getURL = function getURL(...a) { b.t0 = performance.now(); b.starts++; return orig.apply(this, a); };
  let n = st.analyzeCount;
  Object.defineProperty(st, 'analyzeCount', {
    configurable: true, enumerable: true, get: () => n,
    set: (v) => {
      const t1 = performance.now();
      b.calls.push({ ms: t1 - b.t0, start: performance.timeOrigin + b.t0, end: performance.timeOrigin + t1 });
      n = v;
    },
  });
  return { ok: api.runtime.getURL !== orig && Object.getOwnPropertyDescriptor(st, 'analyzeCount').set !== undefined, initMs: st.initMs, ready: st.ready, error: st.error };
}
const bgBench = (sw) => sw.evaluate(() => ({ ...globalThis.__bench, calls: [...globalThis.__bench.calls], analyzeCount: globalThis.__policyLens.analyzeCount, initMs: globalThis.__policyLens.initMs }));

/** Load a policy page in a new tab; wait for the badge; return page-side and background-side timings. */
async function loadPolicy(context, sw, path) {
  const before = (await bgBench(sw)).calls.length;
  const p = await context.newPage();
  await p.goto(base + path, { waitUntil: 'load', timeout: 120000 });
  await p.waitForFunction(() => window.__bench && window.__bench.badgeFrame !== null, null, { timeout: 120000, polling: 50 });
  const pb = await p.evaluate(() => window.__bench);
  let bg;
  for (let i = 0; i < 100; i++) {
    bg = await bgBench(sw);
    if (bg.calls.length > before) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await p.close();
  const call = bg.calls[before];
  return {
    dclToBadge: pb.badge - pb.dcl,
    loadToBadge: pb.badge - pb.load,
    dclToFrame: pb.badgeFrame - pb.dcl,
    analyzeMs: call ? call.ms : NaN,
    // where the time goes (clocks of two processes: timeOrigin + now, about ±1 ms)
    dclToBgStart: call ? call.start - (pb.origin + pb.dcl) : NaN,
    bgEndToBadge: call ? (pb.origin + pb.badge) - call.end : NaN,
    calls: bg.calls.length - before,
    answers: pb.answers,
  };
}

// ---- content-script cost, trace of the real extension. One tab, n loads of `path`: consecutive
// navigations (same site: the renderer process is reused, "warm"), or with `fresh`, each from
// about:blank to the /coi/ copy of the page (COOP: a new renderer process each time).
const EXT_SCRIPT = /^chrome-extension:\/\/[a-p]{32}\/(badge|content)\.js/;
async function traceSeries(context, sw, path, { n, policy = false, fresh = false }) {
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  let events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const out = [];
  for (let i = 0; i < n; i++) {
    if (fresh) await p.goto('about:blank');
    events = [];
    const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: ['devtools.timeline', 'v8', 'v8.execute', 'v8.wasm', 'disabled-by-default-v8.wasm'] },
    });
    const before = await bgBench(sw);
    await p.goto(base + (fresh ? '/coi' : '') + path, { waitUntil: 'load', timeout: 120000 });
    if (policy) await p.waitForFunction(() => window.__bench && window.__bench.badgeFrame !== null, null, { timeout: 120000, polling: 50 });
    await p.waitForTimeout(2000); // content scripts run at document_idle; the settle timer would fire after 1.5 s of quiet
    const hosts = await p.locator('#policy-lens-badge').count();
    const after = await bgBench(sw);
    await cdp.send('Tracing.end');
    await complete;
    // (a load whose renderer the trace missed has no EvaluateScript slice: left out of the figures)
    out.push({ hosts, analyzeBefore: before.analyzeCount, analyzeAfter: after.analyzeCount, startsBefore: before.starts, startsAfter: after.starts, ...scriptTime(events) });
  }
  await p.close();
  return out;
}

// The extension's scripts in the page's renderer, from the trace: one EvaluateScript slice per file
// (badge.js, content.js), each holding a v8.compile and a v8.run slice; plus any later callback
// (FunctionCall / TimerFire) whose function is in them. dur = wall time, tdur = the thread's CPU
// time (robust to the other processes on a busy machine).
function scriptTime(events) {
  const url = (e) => {
    const a = e.args || {};
    const d = a.data || a.beginData || {};
    return d.url || d.fileName || a.fileName || d.scriptName || '';
  };
  const out = { found: false, wallMs: 0, cpuMs: 0, parts: {}, later: 0 };
  const add = (k, e) => { out.parts[k] = (out.parts[k] || 0) + (e.tdur ?? e.dur) / 1000; };
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const m = EXT_SCRIPT.exec(url(e));
    if (!m) continue;
    if (e.name === 'EvaluateScript') { out.found = true; out.wallMs += e.dur / 1000; out.cpuMs += (e.tdur ?? e.dur) / 1000; }
    else if (e.name === 'v8.compile') add(`${m[1]}.js compile`, e);
    else if (e.name === 'v8.run') add(`${m[1]}.js run`, e);
    else if (e.name === 'FunctionCall' || e.name === 'TimerFire') { out.later += (e.tdur ?? e.dur) / 1000; }
  }
  const rendererPids = new Set(events.filter((e) => e.name === 'EvaluateScript' && EXT_SCRIPT.test(url(e))).map((e) => e.pid));
  out.wasmEventsInRenderer = events.filter((e) => rendererPids.has(e.pid) && (/wasm/i.test(e.name) || /wasm/.test(e.cat || '')) && !/^V8\.GC/.test(e.name)).length;
  return out;
}

// ---- content-script cost, source evaluated in a fresh isolated world with a stubbed chrome.*
const SRC = ['badge.js', 'content.js'].map((n) => readFileSync(join(ext, n), 'utf8')).join('\n;\n');
function ISOLATED(src, nonce) {
  const calls = [];
  const stub = {
    runtime: {
      id: 'bench',
      sendMessage: (...a) => { calls.push(['runtime.sendMessage', a[0] && a[0].type]); return Promise.resolve({ ok: false, error: 'stub' }); },
      onMessage: { addListener: () => {} },
      getURL: (p) => p,
    },
    storage: { local: { get: async () => { calls.push(['storage.get']); return {}; }, set: async () => {} } },
  };
  globalThis.browser = stub; // content.js uses `globalThis.browser ?? globalThis.chrome`
  const code = `${src}\n//# bench ${nonce}`; // a new source each time: no in-memory compilation cache
  const t0 = performance.now();
  (0, eval)(code);
  const t1 = performance.now();
  // what a later settle check costs on this page (content.js: pageSize() = body.textContent.length)
  const t2 = performance.now();
  const size = document.body ? document.body.textContent.length : 0;
  const t3 = performance.now();
  return { ms: t1 - t0, settleSizeMs: t3 - t2, size, calls, isolated: globalThis.crossOriginIsolated, elements: document.getElementsByTagName('*').length };
}
async function isolatedNonPolicy(context, path, i) {
  const p = await context.newPage();
  await p.goto(`${base}/coi${path}`, { waitUntil: 'load' });
  const cdp = await context.newCDPSession(p);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: `bench${i}` });
  const r = await cdp.send('Runtime.evaluate', {
    expression: `(${ISOLATED})(${JSON.stringify(SRC)}, ${JSON.stringify(`${path}#${i}#${Date.now()}`)})`,
    contextId: executionContextId, returnByValue: true,
  });
  await p.close();
  if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails).slice(0, 300));
  return r.result.value;
}

// ---- run
const out = { cold: [], initMs: [], coldBadge: [], coldLarge: [], warm: { median: [], large: [] }, other: {} };
const policyPaths = meta.policies ? { median: meta.policies.median, large: meta.policies.large } : null;
console.log(`Chromium ${'/usr/bin/chromium'}, extension ${ext}; ${LAUNCHES} browser starts, ${LOADS} loads per page`);
if (policyPaths) {
  for (const which of ['median', 'large']) {
    const pg = pages[policyPaths[which]];
    console.log(`  ${which} policy: ${pg.source.replace(/^.*corpus\//, 'corpus/')} (${pg.mdBytes} B markdown → ${pg.htmlBytes} B html) at ${policyPaths[which]}`);
  }
}

for (let L = 0; L < LAUNCHES; L++) {
  const t = Date.now();
  const { context, sw, close } = await launch();
  try {
    const bg0 = await bgBench(sw);
    out.initMs.push(bg0.initMs);
    if (!policyPaths) break;
    const cold = await loadPolicy(context, sw, policyPaths.median);
    out.cold.push(cold.analyzeMs);
    out.coldBadge.push(cold.dclToBadge);
    const large1 = await loadPolicy(context, sw, policyPaths.large);
    out.coldLarge.push(large1.analyzeMs);
    if (L === 0) {
      console.log(`  answers on the median page: ${JSON.stringify(cold.answers)}`);
      for (let i = 0; i < LOADS; i++) {
        for (const which of ['median', 'large']) out.warm[which].push(await loadPolicy(context, sw, policyPaths[which]));
      }
    }
    console.log(`  start ${L + 1}: initMs ${bg0.initMs}, first analyze (median page) ${f(cold.analyzeMs)} ms, then large page ${f(large1.analyzeMs)} ms; DCL→badge ${f(cold.dclToBadge)} ms (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } finally {
    if (L !== 0) await close(); else out.keep = { context, sw, close };
  }
}

// non-policy pages in the first browser (its background is warm and hooked)
if (out.keep) {
  const { context, sw } = out.keep;
  if (policyPaths) {
    out.policyTraces = {};
    for (const which of ['median', 'large']) {
      out.policyTraces[which] = [];
      out.policyTraces[which] = await traceSeries(context, sw, policyPaths[which], { n: 3, policy: true });
    }
  }
  for (const [path, pg] of Object.entries(pages)) {
    if (pg.kind !== 'other') continue;
    const series = await traceSeries(context, sw, path, { n: LOADS + 1 });
    const first = series[0];
    const traces = series.slice(1).filter((t) => t.found);
    const freshAll = await traceSeries(context, sw, path, { n: LOADS, fresh: true });
    const fresh = freshAll.filter((t) => t.found);
    const iso = [];
    for (let i = 0; i < LOADS; i++) iso.push(await isolatedNonPolicy(context, path, i));
    out.other[path] = { pg, traces, first, fresh, iso, all: [...series, ...freshAll] };
  }
  await out.keep.close();
}
server.close();

// ---- report
console.log('\n== Chromium: policy pages (page ready = DOMContentLoaded; badge = host attached with data-* answers)');
console.log(`WASM init in the service worker (init(): fetch + compile + instantiate), per browser start: ${stat(out.initMs, 0)}`);
if (policyPaths) {
  console.log(`first analyze call after start (median page; includes rule compilation): ${stat(out.cold)}`);
  console.log(`second call (large page, right after):                              ${stat(out.coldLarge)}`);
  console.log(`first page DCL → badge (cold):                                      ${stat(out.coldBadge)}`);
  for (const which of ['median', 'large']) {
    const w = out.warm[which];
    const pick = (k) => w.map((x) => x[k]);
    console.log(`-- ${which} policy, warm (${w.length} loads, one browser)`);
    console.log(`   analyze in background:      ${stat(pick('analyzeMs'))}`);
    console.log(`   DOMContentLoaded → badge:   ${stat(pick('dclToBadge'))}`);
    console.log(`   load → badge:               ${stat(pick('loadToBadge'))}`);
    console.log(`   DOMContentLoaded → frame:   ${stat(pick('dclToFrame'))}   (next animation frame after the badge)`);
    console.log(`   DCL → background start:     ${stat(pick('dclToBgStart'))}   (document_idle wait + collect + message)`);
    console.log(`   background end → badge:     ${stat(pick('bgEndToBadge'))}   (setBadgeText, storage.session, reply, storage.local, render)`);
    const bad = w.filter((x) => x.calls !== 1).length;
    if (bad) console.log(`   note: ${bad} loads saw ${w.map((x) => x.calls).join(',')} analyze calls`);
  }
  for (const [which, tr] of Object.entries(out.policyTraces || {})) {
    const parts = {};
    for (const t of tr) for (const [k, v] of Object.entries(t.parts)) (parts[k] ||= []).push(v);
    console.log(`-- ${which} policy, content scripts in the page (trace, ${tr.length} loads, CPU medians): EvaluateScript ${f(median(tr.map((t) => t.cpuMs)), 2)} ms ` +
      `[${Object.entries(parts).map(([k, v]) => `${k} ${f(median(v), 2)}`).join(', ')}]; later callbacks ${f(median(tr.map((t) => t.later)), 2)} ms`);
  }
  const wm = median(out.warm.median.map((x) => x.analyzeMs));
  console.log(`ratio first call / warm (median page): ${f(median(out.cold) / wm, 1)}×; (initMs + first call) = ${f(median(out.initMs) + median(out.cold))} ms`);
}
console.log('\n== Chromium: non-policy pages (content scripts badge.js + content.js)');
for (const [path, { pg, traces, first, fresh, iso, all }] of Object.entries(out.other)) {
  const parts = {};
  for (const t of traces) for (const [k, v] of Object.entries(t.parts)) (parts[k] ||= []).push(v);
  const freshParts = {};
  for (const t of fresh) for (const [k, v] of Object.entries(t.parts)) (freshParts[k] ||= []).push(v);
  const noAnalyze = all.every((t) => t.hosts === 0 && t.analyzeAfter === t.analyzeBefore && t.startsAfter === t.startsBefore);
  const show = (o) => Object.entries(o).map(([k, v]) => `${k} ${f(median(v), 3)}`).join(', ');
  console.log(`-- ${path}: ${pg.label}, ${iso[0].elements} elements, ${pg.htmlBytes} B`);
  console.log(`   real extension, trace, EvaluateScript(badge.js + content.js) CPU, page loaded again (warm process): ${stat(traces.map((t) => t.cpuMs), 3)}`);
  console.log(`       wall ${stat(traces.map((t) => t.wallMs), 3)}; CPU by part: ${show(parts)}; later callbacks ${f(median(traces.map((t) => t.later)), 3)} ms; first load of the series ${f(first.cpuMs, 3)} ms CPU`);
  console.log(`   real extension, trace, CPU, each load in a new renderer process (COOP copy after about:blank): ${stat(fresh.map((t) => t.cpuMs), 3)}`);
  console.log(`       wall ${stat(fresh.map((t) => t.wallMs), 3)}; CPU by part: ${show(freshParts)}`);
  console.log(`   isolated world, stubbed chrome, compile + run (no extension API bindings): ${stat(iso.map((x) => x.ms), 3)}  (crossOriginIsolated=${iso[0].isolated})`);
  console.log(`   a later settle check (body.textContent.length, ${iso[0].size} chars): ${stat(iso.map((x) => x.settleSizeMs), 3)}`);
  console.log(`   no analyze message: ${noAnalyze ? 'yes' : 'NO'} (${all.length} loads; background analyzeCount ${first.analyzeBefore}→${all.at(-1).analyzeAfter}, analyze-handler entries ${first.startsBefore}→${all.at(-1).startsAfter}, badge hosts ${all.reduce((a, t) => a + t.hosts, 0)}); stub calls: ${JSON.stringify(iso[0].calls)}; wasm trace events in the renderer: ${all.reduce((a, t) => a + t.wasmEventsInRenderer, 0)}`);
}
console.log('\nJSON ' + JSON.stringify({
  browser: 'chromium',
  initMs: median(out.initMs), firstCall: median(out.cold),
  analyzeMedian: policyPaths ? median(out.warm.median.map((x) => x.analyzeMs)) : null,
  analyzeLarge: policyPaths ? median(out.warm.large.map((x) => x.analyzeMs)) : null,
  badgeMedian: policyPaths ? median(out.warm.median.map((x) => x.dclToBadge)) : null,
  badgeLarge: policyPaths ? median(out.warm.large.map((x) => x.dclToBadge)) : null,
  contentScript: Object.fromEntries(Object.entries(out.other).map(([k, v]) => [k, { traceCpu: median(v.traces.map((t) => t.cpuMs)), traceWall: median(v.traces.map((t) => t.wallMs)), freshCpu: median(v.fresh.map((t) => t.cpuMs)), freshWall: median(v.fresh.map((t) => t.wallMs)), isolated: median(v.iso.map((x) => x.ms)) }])),
}));
