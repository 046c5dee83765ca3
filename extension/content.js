// Policy Lens content script: a small courier (classic script; badge.js is loaded before it).
//
// 1. Cheap detection, no wasm, no messages, no extension API: does the URL path, the title, the
//    first h1 or the first h2 mention privacy / policy / notice / cookies / Datenschutz …?  If
//    not, stop here: on such a page this file only defines functions and a MutationObserver, and
//    never touches `browser`/`chrome` (the first access to the runtime API is the costly part).
// 2. Collect the page structure (h1–h6, p, li, td/th with link targets), skipping navigation,
//    site header/footer, asides, scripts and hidden elements.
// 3. Send { type: 'analyze', doc } to the background (protocol: see background.js), which runs the
//    wasm analyzer and sets the toolbar badge; draw the pill if the report says it is a policy.
// It also answers, from the popup only:
//   { type: 'collect' }             "Analyze this page", skipping step 1
// That listener is registered when the page is analyzed (a policy page), or when the popup asks
// for it: it runs scripting.executeScript({ func: () => globalThis.__policyLensContent.listen() })
// (the toolbar click's activeTab grant) when its message finds no listener.
//
// The site's privacy policy link (find it, fetch it, analyze it) is not here: find-policy.js, which
// the popup injects on demand into this same isolated world (scripting.executeScript), so pages
// that are not policies never load it. It reaches the block extractor and the badge through
// globalThis.__policyLensContent = { collectFrom, show, listen } (frozen, non-enumerable). That global
// lives in the content scripts' isolated world (Chrome) / sandbox (Firefox): the page's own
// scripts see a different global object and cannot read or replace it. It doubles as the
// "already installed" flag when the popup injects this file again.
(() => {
  'use strict';
  if (globalThis.__policyLensContent) return;

  // The extension API, looked up on first use only (never on a page that is not a policy).
  let apiObj = null;
  const ext = () => apiObj || (apiObj = globalThis.browser ?? globalThis.chrome);
  const POLICY_WORDS = /privacy|policy|policies|privacidad|confidentialit|datenschutz|privacit|cookie|notice|gdpr|ccpa|data[-_ ]?protection|personal[-_ ]?(data|information)/i;
  const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,td,th';
  const SKIP = 'nav,aside,script,style,noscript,template,svg,iframe,dialog,[role="navigation"],[role="complementary"],[hidden],[aria-hidden="true"],#policy-lens-badge';
  const MAX_BLOCKS = 20000;
  const MAX_CHARS = 2_000_000;

  let elements = []; // elements[i] is the page element of block i of the last document sent
  let badge = null;
  // One id per loaded document: analyses of the same policy within one visit (re-runs, the popup)
  // are compared with the visit before, not with each other (background.js, "changes").
  const visit = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const BLOCKISH = new Set(['address', 'article', 'aside', 'blockquote', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
    'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'ol', 'pre', 'section', 'summary', 'table', 'tr', 'ul']);
  const INLINE_HIDDEN = '[style*="display:none" i],[style*="display: none" i],[style*="visibility:hidden" i],[style*="visibility: hidden" i]';

  // The first h1 and the first h2. querySelector stops at the first match, where reading a live
  // collection (getElementsByTagName(tag)[0]) walked the whole document in Chromium even when the
  // heading came first: 0.67 against 0.07 ms on a news page of 19,000 elements (README, Speed).
  // A page without an h1 still costs one walk.
  function headingSays(tag) {
    const h = document.querySelector(tag);
    return h !== null && POLICY_WORDS.test(h.textContent);
  }

  function looksLikePolicy() {
    return POLICY_WORDS.test(location.pathname) || POLICY_WORDS.test(document.title) ||
      headingSays('h1') || headingSays('h2');
  }

  // live: a rendered page (computed styles); otherwise a parsed document (no layout: markup only).
  const visible = (elem, live) => (live
    ? typeof elem.checkVisibility !== 'function' || elem.checkVisibility({ visibilityProperty: true })
    : !elem.closest(INLINE_HIDDEN));

  function skipped(elem, live) {
    if (elem.closest(SKIP)) return true;
    const hf = elem.closest('header,footer,[role="banner"],[role="contentinfo"]');
    if (hf && !hf.closest('main,article,[role="main"]')) return true; // site chrome, not the policy's own header
    return !visible(elem, live);
  }

  // The element's own text: nested blocks (a <p> inside an <li>) are blocks of their own.
  function ownText(elem, live) {
    let out = '';
    for (const n of elem.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) out += n.data;
      else if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.matches(BLOCKS) || n.matches(SKIP)) continue;
        if (n.localName === 'br') { out += ' '; continue; }
        if (!visible(n, live)) continue;
        out += ownText(n, live);
        if (live ? getComputedStyle(n).display.startsWith('block') : BLOCKISH.has(n.localName)) out += ' ';
      }
    }
    return out;
  }

  function linksOf(elem) {
    const links = [];
    for (const a of elem.querySelectorAll('a[href]')) {
      if (a.closest(BLOCKS) !== elem) continue;
      const href = a.href;
      if (/^(https?:|mailto:|tel:)/i.test(href) && !links.includes(href)) links.push(href);
    }
    return links;
  }

  // The block extractor, for this page (live) and for a fetched policy (a DOMParser document, find-policy.js).
  function collectFrom(doc, live) {
    const blocks = [];
    const els = [];
    let chars = 0;
    for (const elem of doc.body ? doc.body.querySelectorAll(BLOCKS) : []) {
      if (blocks.length >= MAX_BLOCKS || chars >= MAX_CHARS) break;
      if (skipped(elem, live)) continue;
      const text = ownText(elem, live).replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const tag = elem.localName;
      const heading = /^h[1-6]$/.test(tag);
      blocks.push({
        kind: heading ? 'heading' : tag === 'li' ? 'listItem' : tag === 'p' ? 'paragraph' : 'tableCell',
        level: heading ? Number(tag[1]) : 0,
        text,
        links: linksOf(elem),
      });
      els.push(elem);
      chars += text.length + 2;
    }
    return { doc: { title: doc.title || null, url: live ? location.href : doc.URL, blocks }, els };
  }

  function collect() {
    const { doc, els } = collectFrom(document, true);
    elements = els;
    return doc;
  }

  async function storageGet(keys) {
    try { return await ext().storage.local.get(keys); } catch (_) { return {}; }
  }

  async function analyzeAndShow(force) {
    return show(collect(), { force });
  }

  // The popup's { type: 'collect' } ("Analyze this page"). Idempotent; returns true.
  let listening = false;
  function listen() {
    if (listening) return true;
    const api = ext();
    api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
      if (sender.id !== api.runtime.id || !msg || msg.type !== 'collect') return false;
      analyzeAndShow(true).then(
        (r) => sendResponse({ ok: true, report: r.report, actionBadge: r.actionBadge, url: r.url, changes: r.changes, changedSince: r.changedSince }),
        (e) => sendResponse({ ok: false, error: String(e && e.message || e) }),
      );
      return true;
    });
    listening = true;
    return true;
  }

  // Analyze doc in the background and draw the badge on this page; policyUrl: doc is that fetched
  // policy (find-policy.js), not this page.
  // The reply carries what drawing needs from storage.local (read by the background while it
  // analyzes): dismissed (this site only) and testHooks.
  async function show(doc, { force, policyUrl }) {
    listen();
    const api = ext();
    const reply = await api.runtime.sendMessage({ type: 'analyze', doc, visit, linked: Boolean(policyUrl) });
    if (!reply || !reply.ok) throw new Error((reply && reply.error) || 'no reply from the background');
    const report = reply.report;
    if (!report.isPolicy.likely && !force) return reply;
    const host = location.hostname;
    if (badge) badge.destroy();
    badge = globalThis.PolicyLensBadge.renderBadge(report, {
      shadowMode: reply.testHooks === true ? 'open' : 'closed',
      dismissed: !force && reply.dismissed === true,
      actionBadge: reply.actionBadge,
      policyUrl,
      changes: reply.changes,
      changedSince: reply.changedSince,
      locate: (ev) => elements[ev.block] || null,
      onDismiss: async () => {
        const cur = (await storageGet('dismissed')).dismissed || {};
        cur[host] = true;
        await api.storage.local.set({ dismissed: cur });
      },
    });
    return reply;
  }

  // For find-policy.js (see the top of this file).
  Object.defineProperty(globalThis, '__policyLensContent', {
    value: Object.freeze({ collectFrom, show, listen }), enumerable: false, writable: false, configurable: false,
  });

  // Pages that change after load (single-page apps, a policy opened in a dialog): look again
  // once the page has been quiet for a moment, never on every mutation, and only a few times.
  const SETTLE_MS = 1500;
  const MAX_RERUNS = 5;
  let lastUrl = location.href;
  let lastSize = -1;
  let reruns = 0;
  let timer = 0;

  function pageSize() {
    return document.body ? document.body.textContent.length : 0;
  }

  // The cheap checks first: a page that does not look like a policy costs a few string tests here,
  // never a walk over its text. lastUrl / lastSize are those of the last page that looked like a
  // policy (lastSize -1: none yet), so a policy that appears later still counts as moved or grown.
  function settled() {
    timer = 0;
    if (reruns >= MAX_RERUNS || !looksLikePolicy()) return;
    const size = pageSize();
    const moved = location.href !== lastUrl;
    const grew = lastSize < 0 ? size > 0 : Math.abs(size - lastSize) > Math.max(2000, lastSize * 0.2);
    if (!moved && !grew) return;
    lastUrl = location.href;
    lastSize = size;
    reruns++;
    analyzeAndShow(false).catch((e) => console.warn('Policy Lens:', e));
  }

  if (document.body && typeof MutationObserver === 'function') {
    new MutationObserver(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(settled, SETTLE_MS);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }

  if (looksLikePolicy()) {
    lastSize = pageSize();
    analyzeAndShow(false).catch((e) => console.warn('Policy Lens:', e));
  }
})();
