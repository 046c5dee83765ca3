// Policy Lens content script: a small courier (classic script; badge.js is loaded before it).
//
// 1. Cheap detection, no wasm, no messages: does the URL path, the title or a top heading mention
//    privacy / policy / notice / cookies / Datenschutz …?  If not, stop here.
// 2. Collect the page structure (h1–h6, p, li, td/th with link targets), skipping navigation,
//    site header/footer, asides, scripts and hidden elements.
// 3. Send { type: 'analyze', doc } to the background (protocol: see background.js), which runs the
//    wasm analyzer and sets the toolbar badge; draw the pill if the report says it is a policy.
// It also answers, from the popup only:
//   { type: 'collect' }             "Analyze this page", skipping step 1
//   { type: 'findPolicy' }          → { ok, candidates: [{ url, text, score, sameOrigin }] }: the site's privacy
//                                   policy links (footer, menus, rel=privacy-policy), ranked; computed only when asked
//   { type: 'analyzeLinked', url }  fetch that one page (one of the candidates: same site, no credentials), turn
//                                   its HTML into blocks with the same extractor (DOMParser: no script runs,
//                                   nothing else loads), have the background analyze it and draw the badge here
//                                   → { ok, report, actionBadge, url, changes }
(() => {
  'use strict';
  if (globalThis.__policyLensContent) return;
  globalThis.__policyLensContent = true;

  const api = globalThis.browser ?? globalThis.chrome;
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

  function looksLikePolicy() {
    if (POLICY_WORDS.test(location.pathname) || POLICY_WORDS.test(document.title)) return true;
    const heads = document.querySelectorAll('h1, h2');
    for (let i = 0; i < heads.length && i < 8; i++) {
      if (POLICY_WORDS.test(heads[i].textContent)) return true;
    }
    return false;
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

  // The block extractor, for this page (live) and for a fetched policy (a DOMParser document).
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

  // ---- the site's privacy policy link (only when the popup asks)

  // The registrable domain, near enough without the public suffix list: the last two labels, or
  // three under a two-letter country code with a generic second level (example.co.uk).
  function siteOf(host) {
    const h = String(host).toLowerCase().replace(/\.$/, '');
    if (/^[\d.]+$/.test(h) || h.includes(':')) return h; // an IP address: itself
    const p = h.split('.');
    const cc = p.length > 2 && p[p.length - 1].length === 2 &&
      /^(co|com|net|org|gov|edu|ac|ne|or|go|gob|gv|nic|mil|ltd|plc|sch|nhs)$/.test(p[p.length - 2]);
    return p.slice(cc ? -3 : -2).join('.');
  }
  const sameSite = (u) => (u.protocol === 'https:' || u.protocol === 'http:') &&
    (u.origin === location.origin || siteOf(u.hostname) === siteOf(location.hostname));

  const LINK_TEXTS = [
    [/^(our |the )?privacy (policy|notice|statement)( and cookies?( policy)?)?$/, 100],
    [/^(datenschutzerkl[aä]rung|datenschutzhinweise|datenschutzrichtlinie|politique de confidentialit[eé]|pol[ií]tica de privacidad|aviso de privacidad|privacy ?(&|and) ?cookies?( policy| notice)?|data protection( policy| notice| statement)?)$/, 95],
    [/^(privacy|datenschutz|confidentialit[eé]|privacidad|data privacy)$/, 85],
    [/privacy (policy|notice|statement)|datenschutzerkl|politique de confidentialit|pol[ií]tica de privacidad/, 60],
    [/privacy|datenschutz|confidentialit|privacidad|data protection/, 35],
    [/do not sell|do not share|your privacy choices|privacy choices/, 12],
  ];
  const PRIVACY_PATH = /(^|[/_.-])(privacy|privacy[-_]?policy|privacy[-_]?notice|datenschutz\w*|confidentialit\w*|privacidad|politica[-_]de[-_]privacidad|data[-_]protection)([/_.-]|$)/i;

  function findPolicyLinks() {
    const here = location.href.split('#')[0];
    const best = new Map();
    const consider = (href, text, bonus) => {
      let u;
      try { u = new URL(href, document.baseURI); } catch (_) { return; }
      if (!sameSite(u)) return;
      u.hash = '';
      if (u.href === here) return; // this very page
      const t = String(text || '').replace(/\s+/g, ' ').trim().toLowerCase().replace(/[\s›»→>|·•]+$/, '');
      let score = 0;
      for (const [re, pts] of LINK_TEXTS) if (re.test(t)) { score = pts; break; }
      if (PRIVACY_PATH.test(u.pathname)) score += score ? 15 : 25;
      if (!score) return;
      score += bonus;
      if (u.origin === location.origin) score += 5;
      const prev = best.get(u.href);
      if (!prev || prev.score < score) {
        best.set(u.href, { url: u.href, text: t.slice(0, 120), score, sameOrigin: u.origin === location.origin });
      }
    };
    for (const l of document.querySelectorAll('link[rel~="privacy-policy" i][href]')) consider(l.getAttribute('href'), 'privacy policy', 60);
    const links = document.querySelectorAll('a[href]');
    for (let i = 0; i < links.length && i < 5000; i++) {
      const a = links[i];
      const href = a.getAttribute('href');
      if (!href || /^(javascript|mailto|tel|data):/i.test(href.trim())) continue;
      const text = a.textContent.trim() || a.getAttribute('aria-label') || a.title || '';
      let bonus = /(^|\s)privacy-policy(\s|$)/i.test(a.rel) ? 60 : 0;
      if (a.closest('footer,[role="contentinfo"]')) bonus += 20;
      else if (a.closest('nav,header,[role="navigation"],[role="banner"],[role="menu"]')) bonus += 5;
      consider(href, text, bonus);
    }
    return [...best.values()].sort((x, y) => y.score - x.score).slice(0, 5);
  }

  const MAX_FETCH_BYTES = 8 * 1024 * 1024;

  // Fetch one candidate: same origin with mode 'same-origin' (a redirect to another origin is an
  // error, so nothing else is fetched); another host of the same site needs CORS, and no
  // redirect is followed. Never credentials.
  async function fetchPolicy(url) {
    const u = new URL(url);
    const same = u.origin === location.origin;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 15000);
    try {
      const res = await fetch(u.href, { credentials: 'omit', mode: same ? 'same-origin' : 'cors',
        redirect: same ? 'follow' : 'error', cache: 'no-cache', referrerPolicy: 'no-referrer', signal: ctl.signal });
      if (!res.ok) throw new Error(`the policy page answered ${res.status}`);
      const type = (res.headers.get('content-type') || '').toLowerCase();
      if (type && !/text\/html|application\/xhtml\+xml/.test(type)) throw new Error(`the policy page is not HTML (${type})`);
      const finalUrl = res.url || u.href;
      if (!sameSite(new URL(finalUrl))) throw new Error('the policy page redirected to another site');
      let html = await res.text();
      if (html.length > MAX_FETCH_BYTES) html = html.slice(0, MAX_FETCH_BYTES);
      return { html, url: finalUrl };
    } finally {
      clearTimeout(timer);
    }
  }

  function parsePolicy(html, url) {
    // A parsed document has no browsing context: no script runs, no image or style loads.
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const base = doc.createElement('base');
    base.href = url; // relative links (and mailto:) resolve against the policy, not this page
    (doc.head || doc.documentElement).prepend(base);
    const { doc: out } = collectFrom(doc, false);
    out.url = url;
    return out;
  }

  async function analyzeLinked(url) {
    const allowed = findPolicyLinks().some((c) => c.url === url);
    if (!allowed) throw new Error('not a privacy policy link of this page');
    const got = await fetchPolicy(url);
    const doc = parsePolicy(got.html, got.url.split('#')[0]);
    if (!doc.blocks.length) throw new Error('the policy page has no text');
    return show(doc, { force: true, policyUrl: doc.url });
  }

  async function storageGet(keys) {
    try { return await api.storage.local.get(keys); } catch (_) { return {}; }
  }

  async function analyzeAndShow(force) {
    return show(collect(), { force });
  }

  async function show(doc, { force, policyUrl }) {
    const reply = await api.runtime.sendMessage({ type: 'analyze', doc, visit, linked: Boolean(policyUrl) });
    if (!reply || !reply.ok) throw new Error((reply && reply.error) || 'no reply from the background');
    const report = reply.report;
    if (!report.isPolicy.likely && !force) return reply;
    const { dismissed = {}, testHooks = false } = await storageGet(['dismissed', 'testHooks']);
    const host = location.hostname;
    if (badge) badge.destroy();
    badge = globalThis.PolicyLensBadge.renderBadge(report, {
      shadowMode: testHooks ? 'open' : 'closed',
      dismissed: !force && Boolean(dismissed[host]),
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

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || !msg || typeof msg.type !== 'string') return false;
    let work;
    if (msg.type === 'collect') work = analyzeAndShow(true);
    else if (msg.type === 'findPolicy') work = Promise.resolve({ candidates: findPolicyLinks() });
    else if (msg.type === 'analyzeLinked' && typeof msg.url === 'string') work = analyzeLinked(msg.url);
    else return false;
    work.then(
      (r) => sendResponse(r.candidates ? { ok: true, candidates: r.candidates }
        : { ok: true, report: r.report, actionBadge: r.actionBadge, url: r.url, changes: r.changes, changedSince: r.changedSince }),
      (e) => sendResponse({ ok: false, error: String(e && e.message || e) }),
    );
    return true;
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

  function settled() {
    timer = 0;
    const size = pageSize();
    const moved = location.href !== lastUrl;
    const grew = lastSize < 0 ? size > 0 : Math.abs(size - lastSize) > Math.max(2000, lastSize * 0.2);
    if (!moved && !grew) return;
    lastUrl = location.href;
    lastSize = size;
    if (reruns >= MAX_RERUNS || !looksLikePolicy()) return;
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
