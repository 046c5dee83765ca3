// Pages for the browser benchmarks (bench/browser-chromium.mjs, bench/browser-firefox.py).
//
// Policies come from ../shared/corpus/ota/*.md at run time (never copied into the project): the
// median-size file and the largest, rendered as simple HTML (headings, paragraphs, lists, table
// cells, links). The non-policy pages are generated here: a recipes page and a large news-like
// front page with many elements. Every page carries a small inline script (BENCH_SCRIPT) that
// records, on the page's own performance.now() clock, DOMContentLoaded, load and the moment the
// badge host element `policy-lens-badge#policy-lens-badge` is attached with its answers
// (MutationObserver) and the next animation frame after that.
//
//   node bench/pages.mjs --out DIR    writes DIR/<path>.html for every page and DIR/pages.json
//                                     (used by the Firefox benchmark, which serves DIR)
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CORPUS = process.env.POLICY_LENS_CORPUS || join(here, '..', '..', 'shared', 'corpus');

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Inline markdown: links become <a href>, emphasis markers and escapes are dropped, the rest is text.
function inline(s) {
  let out = '';
  const re = /\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g;
  let last = 0;
  for (let m; (m = re.exec(s));) {
    out += esc(plain(s.slice(last, m.index)));
    out += `<a href="${esc(m[2])}">${esc(plain(m[1]))}</a>`;
    last = m.index + m[0].length;
  }
  return out + esc(plain(s.slice(last)));
}
const plain = (s) => s.replace(/\\([\\`*_{}[\]()#+\-.!|>])/g, '$1').replace(/\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)/g, '');

/** Markdown (as the ota folder writes it) to a simple HTML body. */
export function markdownToHtml(md) {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out = [];
  let para = [];
  let list = null; // 'ul' | 'ol'
  let table = false;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  const closeList = () => { if (list) out.push(`</${list}>`); list = null; };
  const closeTable = () => { if (table) out.push('</table>'); table = false; };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    const next = (lines[i + 1] || '').trim();
    let m;
    if (!t) { flush(); closeList(); closeTable(); continue; }
    if ((m = /^(#{1,6})\s+(.*?)\s*#*$/.exec(t))) {
      flush(); closeList(); closeTable();
      out.push(`<h${m[1].length}>${inline(m[2])}</h${m[1].length}>`);
      continue;
    }
    if (!para.length && !list && !table && next && /^(=+|-+)$/.test(next) && !/^[-*+]\s/.test(t)) {
      const level = next[0] === '=' ? 1 : 2;
      out.push(`<h${level}>${inline(t)}</h${level}>`);
      i++;
      continue;
    }
    if (/^\|.*\|$/.test(t)) {
      flush(); closeList();
      if (/^\|[\s:|-]+\|$/.test(t)) continue; // the header separator row
      if (!table) { out.push('<table>'); table = true; }
      const cells = t.slice(1, -1).split('|').map((c) => `<td>${inline(c.trim())}</td>`).join('');
      out.push(`<tr>${cells}</tr>`);
      continue;
    }
    if ((m = /^([-*+]|\d+[.)])\s+(.*)$/.exec(t))) {
      flush(); closeTable();
      const kind = /\d/.test(m[1]) ? 'ol' : 'ul';
      if (list !== kind) { closeList(); out.push(`<${kind}>`); list = kind; }
      out.push(`<li>${inline(m[2])}</li>`);
      continue;
    }
    if (list && /^\s{2,}/.test(line)) { // continuation of a list item
      out[out.length - 1] = out[out.length - 1].replace(/<\/li>$/, ` ${inline(t)}</li>`);
      continue;
    }
    closeList(); closeTable();
    para.push(t.replace(/^>\s?/, ''));
  }
  flush(); closeList(); closeTable();
  return out.join('\n');
}

// Runs in the page (main world), first thing in <head>. Writes window.__bench.
export const BENCH_SCRIPT = `
(() => {
  const b = window.__bench = { origin: performance.timeOrigin, dcl: null, load: null, badge: null, badgeFrame: null, answers: null };
  // also published as <html data-bench> (WebDriver scripts may not see page expandos)
  const publish = () => document.documentElement.setAttribute('data-bench', JSON.stringify(b));
  document.addEventListener('DOMContentLoaded', () => { b.dcl = performance.now(); publish(); });
  window.addEventListener('load', () => { b.load = performance.now(); publish(); });
  const done = (host) => {
    if (b.badge !== null || host.dataset.actionBadge === undefined) return false;
    b.badge = performance.now();
    b.answers = Object.assign({}, host.dataset);
    publish();
    requestAnimationFrame(() => { b.badgeFrame = performance.now(); publish(); });
    return true;
  };
  // The host is appended to <html> with its data-* answers already set (badge.js); childList of
  // <html> only, so the parser filling <body> does not wake this observer.
  const mo = new MutationObserver(() => {
    const host = document.getElementById('policy-lens-badge');
    if (!host) return;
    if (done(host)) { mo.disconnect(); return; }
    new MutationObserver((_, o) => { if (done(host)) { o.disconnect(); mo.disconnect(); } })
      .observe(host, { attributes: true, attributeFilter: ['data-action-badge'] });
  });
  mo.observe(document.documentElement, { childList: true });
})();`;

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<script>${BENCH_SCRIPT}</script>
<style>body{font:16px/1.5 sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:1rem}.card{border:1px solid #ddd;padding:.5rem}</style>
</head><body>
${body}
</body></html>
`;

/** The ota policies sorted by size; the median (index floor(n/2)) and the largest. */
export function pickPolicies() {
  const dir = join(CORPUS, 'ota');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.md'))
    .map((f) => ({ file: join(dir, f), bytes: statSync(join(dir, f)).size }))
    .sort((a, b) => a.bytes - b.bytes || a.file.localeCompare(b.file));
  if (!files.length) return null;
  return { count: files.length, median: files[Math.floor(files.length / 2)], large: files[files.length - 1] };
}

function policyPage(file) {
  const md = readFileSync(file, 'utf8');
  const name = basename(file, '.md');
  const body = markdownToHtml(md);
  return page(`Privacy Policy – ${name}`, `<main><article>\n${body}\n</article></main>`);
}

// Deterministic filler text (not from the corpus).
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = ('city council market weather river team season player match school garden train station festival ' +
  'museum music film bridge harbour budget election minister rain storm winter summer road traffic bakery ' +
  'coffee library student teacher hospital doctor nurse farm harvest village mountain lake island ferry').split(' ');
function sentence(r, n) {
  const w = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]);
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return `${w.join(' ')}.`;
}

function recipesPage() {
  const r = rng(7);
  const recipes = [];
  for (let i = 0; i < 12; i++) {
    const items = Array.from({ length: 8 }, (_, k) => `<li>${100 + 25 * k} g ${sentence(r, 3)}</li>`).join('');
    const steps = Array.from({ length: 6 }, () => `<li>${sentence(r, 14)}</li>`).join('');
    recipes.push(`<section><h2>Recipe ${i + 1}: ${sentence(r, 3)}</h2><p>${sentence(r, 20)} ${sentence(r, 16)}</p>
<h3>Ingredients</h3><ul>${items}</ul><h3>Method</h3><ol>${steps}</ol></section>`);
  }
  return page('Weeknight recipes: twelve quick dinners', `<header><nav><a href="/">Home</a> <a href="/recipes">Recipes</a></nav></header>
<main><h1>Weeknight recipes</h1>${recipes.join('\n')}</main>
<footer><a href="/about">About</a> · <a href="/legal/privacy">Privacy</a> · <a href="/legal/terms">Terms</a></footer>`);
}

function newsPage() {
  const r = rng(42);
  const sections = [];
  for (let s = 0; s < 40; s++) {
    const cards = [];
    for (let c = 0; c < 60; c++) {
      cards.push(`<div class="card"><a href="/story/${s}-${c}"><img alt="" width="1" height="1"><h3>${sentence(r, 7)}</h3></a>` +
        `<p>${sentence(r, 22)}</p><span class="meta"><time>${(c % 23) + 1}h ago</time> · <a href="/topic/${c % 9}">${WORDS[c % WORDS.length]}</a></span></div>`);
    }
    sections.push(`<section><h2>${sentence(r, 2)}</h2><div class="grid">${cards.join('')}</div></section>`);
  }
  return page('The Daily Ledger: news, sport and weather', `<header><nav>${Array.from({ length: 30 }, (_, i) => `<a href="/s/${i}">${WORDS[i]}</a>`).join(' ')}</nav></header>
<main><h1>Today's front page</h1>${sections.join('\n')}</main>
<footer><a href="/about">About</a> · <a href="/privacy">Privacy</a> · <a href="/cookies">Cookie settings</a> · <a href="/terms">Terms</a></footer>`);
}

/**
 * Every benchmark page: path → { html, kind: 'policy'|'other', label, source?, bytes? }.
 * Policy pages live under /policy/ (their URL path says so, as real ones usually do).
 */
export function buildPages() {
  const picks = pickPolicies();
  const pages = {};
  const meta = { corpus: CORPUS, policies: null };
  if (picks) {
    meta.policies = { count: picks.count };
    for (const which of ['median', 'large']) {
      const p = picks[which];
      const path = `/policy/${which}-${basename(p.file, '.md')}.html`;
      const html = policyPage(p.file);
      pages[path] = { html, kind: 'policy', label: which, source: p.file, mdBytes: p.bytes, htmlBytes: Buffer.byteLength(html) };
      meta.policies[which] = path;
    }
  }
  const e2eRecipes = join(here, '..', 'tests', 'e2e', 'pages', 'recipes.html');
  if (existsSync(e2eRecipes)) {
    const html = readFileSync(e2eRecipes, 'utf8').replace('<head>', `<head><script>${BENCH_SCRIPT}</script>`);
    pages['/recipes-small.html'] = { html, kind: 'other', label: 'e2e recipes page (tiny)' };
  }
  pages['/recipes.html'] = { html: recipesPage(), kind: 'other', label: 'recipes page (12 recipes)' };
  pages['/news.html'] = { html: newsPage(), kind: 'other', label: 'news front page (2,400 cards)' };
  for (const p of Object.values(pages)) p.htmlBytes = Buffer.byteLength(p.html);
  return { pages, meta };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  if (i < 0 || !process.argv[i + 1]) {
    console.error('usage: node bench/pages.mjs --out DIR');
    process.exit(2);
  }
  const out = process.argv[i + 1];
  const { pages, meta } = buildPages();
  const index = {};
  for (const [path, p] of Object.entries(pages)) {
    const file = join(out, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, p.html);
    const { html, ...rest } = p;
    index[path] = rest;
  }
  writeFileSync(join(out, 'pages.json'), JSON.stringify({ meta, pages: index }, null, 2));
  console.log(`wrote ${Object.keys(pages).length} pages to ${out}`);
}
