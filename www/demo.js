// Policy Lens demo page: the extension's wasm package (./pkg) and badge (./badge.js), in a plain page.
import init, { analyze, analyzeDocument, version } from './pkg/policy_lens.js';

const $ = (id) => document.getElementById(id);
const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,td,th';

/** HTML text → { title, blocks } as the content script would collect it (no layout, so no visibility test). */
function htmlToDocument(html) {
  const dom = new DOMParser().parseFromString(html, 'text/html');
  dom.querySelectorAll('script,style,noscript,template,nav,aside,[hidden]').forEach((n) => n.remove());
  const blocks = [];
  for (const el of dom.body.querySelectorAll(BLOCKS)) {
    const hf = el.closest('header,footer');
    if (hf && !hf.closest('main,article')) continue;
    const clone = el.cloneNode(true);
    clone.querySelectorAll(BLOCKS).forEach((n) => n.remove());
    const text = clone.textContent.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const tag = el.localName;
    const heading = /^h[1-6]$/.test(tag);
    const links = [...el.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))
      .filter((h) => /^(https?:|mailto:|tel:)/i.test(h));
    blocks.push({ kind: heading ? 'heading' : tag === 'li' ? 'listItem' : tag === 'p' ? 'paragraph' : 'tableCell',
      level: heading ? Number(tag[1]) : 0, text, links });
  }
  return { title: dom.title || null, url: null, blocks };
}

function allEvidence(r) {
  const t = r.thirdPartySharing;
  return [t.evidence, ...t.purposes.map((p) => p.evidence), t.marketing.evidence, t.sells.evidence,
    ...t.namedThirdParties.map((p) => p.evidence), r.doNotTrack.evidence, r.globalPrivacyControl.evidence,
    r.minimumAge.evidence, r.contact.evidence].flat();
}

/** Shows the analyzed text with every evidence range wrapped in <mark> (offsets are UTF-16 = JS indices). */
function renderView(text, report) {
  const ranges = allEvidence(report).map((e) => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [s, e] of ranges) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const view = $('view');
  view.replaceChildren();
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) view.append(document.createTextNode(text.slice(at, s)));
    const m = document.createElement('mark');
    m.dataset.start = s;
    m.dataset.end = e;
    m.textContent = text.slice(s, e);
    view.append(m);
    at = e;
  }
  view.append(document.createTextNode(text.slice(at)));
}

function locate(ev) {
  for (const m of $('view').querySelectorAll('mark')) {
    if (Number(m.dataset.start) <= ev.start && ev.start < Number(m.dataset.end)) return m;
  }
  return null;
}

function run(input, kind) {
  const t0 = performance.now();
  let report, text;
  if (kind === 'html') {
    const doc = htmlToDocument(input);
    report = analyzeDocument(doc);
    text = doc.blocks.map((b) => b.text).join('\n\n');
  } else {
    report = analyze(input);
    text = input;
  }
  const ms = (performance.now() - t0).toFixed(1);
  renderView(text, report);
  globalThis.PolicyLensBadge.renderBadge(report, { locate, corner: 'bottom-right' });
  $('status').textContent = `${report.isPolicy.likely ? 'Looks like a privacy policy' : 'Does not look like a privacy policy'}` +
    ` · ${report.meta.sentences} sentences · ${ms} ms · analyzer ${version()}`;
  globalThis.__policyLensDemo = report;
}

const isHtml = (name, type, text) => /\.html?$/i.test(name || '') || /html/.test(type || '') || /^\s*<(!doctype|html)/i.test(text);

async function openFile(file) {
  const text = await file.text();
  $('text').value = text;
  run(text, isHtml(file.name, file.type, text) ? 'html' : 'text');
}

await init();
$('run').addEventListener('click', () => {
  const v = $('text').value;
  run(v, isHtml('', '', v) ? 'html' : 'text');
});
$('file').addEventListener('change', (e) => { if (e.target.files[0]) openFile(e.target.files[0]); });
const ta = $('text');
ta.addEventListener('dragover', (e) => { e.preventDefault(); ta.classList.add('drop'); });
ta.addEventListener('dragleave', () => ta.classList.remove('drop'));
ta.addEventListener('drop', (e) => {
  e.preventDefault();
  ta.classList.remove('drop');
  if (e.dataTransfer.files[0]) openFile(e.dataTransfer.files[0]);
});
const sample = await (await fetch('sample-policy.md')).text();
ta.value = sample;
run(sample, 'text');
