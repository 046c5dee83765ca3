// Policy Lens: the site's privacy policy link (find it, fetch it, analyze it). Not a manifest
// content script: the popup injects it only when it needs it, so pages that are not policies never
// load it (content.js stays a few string checks there).
//
// popup.js runs scripting.executeScript({ target: { tabId }, files: ['find-policy.js'] }) before
// each request below (the toolbar click is the user gesture: activeTab + scripting). The file runs
// in the content scripts' isolated world (Chrome) / sandbox (Firefox), the one content.js ran in,
// and uses what content.js exposes there on a non-enumerable global that page scripts cannot see:
//   globalThis.__policyLensContent = { collectFrom(doc, live), show(doc, { force, policyUrl }) }
// Injecting it again installs nothing twice: globalThis.__policyLensFind (non-enumerable) marks it.
// Its completion value, which executeScript returns as the frame's `result`: true when it is ready,
// false when content.js is not in the tab (opened before the extension was installed: the popup then
// injects badge.js, content.js and this file again).
//
// It answers, from this extension only (sender.id; tabs.sendMessage from the popup):
//   { type: 'findPolicy' }          → { ok, candidates: [{ url, text, score, sameOrigin }] }: the site's privacy
//                                   policy links (footer, menus, rel=privacy-policy), ranked; computed only when asked
//   { type: 'analyzeLinked', url }  fetch that one page (one of the candidates: same site, no credentials, no
//                                   referrer), turn its HTML into blocks with content.js's extractor (DOMParser:
//                                   no script runs, nothing else loads), have the background analyze it and draw
//                                   the badge here → { ok, report, actionBadge, url, changes, changedSince }
(() => {
  'use strict';
  const content = globalThis.__policyLensContent;
  if (!content) return false;
  if (globalThis.__policyLensFind) return true;
  Object.defineProperty(globalThis, '__policyLensFind', { value: true, enumerable: false, writable: false, configurable: false });

  const api = globalThis.browser ?? globalThis.chrome;

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
    const { doc: out } = content.collectFrom(doc, false);
    out.url = url;
    return out;
  }

  async function analyzeLinked(url) {
    const allowed = findPolicyLinks().some((c) => c.url === url);
    if (!allowed) throw new Error('not a privacy policy link of this page');
    const got = await fetchPolicy(url);
    const doc = parsePolicy(got.html, got.url.split('#')[0]);
    if (!doc.blocks.length) throw new Error('the policy page has no text');
    return content.show(doc, { force: true, policyUrl: doc.url });
  }

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || !msg || typeof msg.type !== 'string') return false;
    let work;
    if (msg.type === 'findPolicy') work = Promise.resolve({ candidates: findPolicyLinks() });
    else if (msg.type === 'analyzeLinked' && typeof msg.url === 'string') work = analyzeLinked(msg.url);
    else return false;
    work.then(
      (r) => sendResponse(r.candidates ? { ok: true, candidates: r.candidates }
        : { ok: true, report: r.report, actionBadge: r.actionBadge, url: r.url, changes: r.changes, changedSince: r.changedSince }),
      (e) => sendResponse({ ok: false, error: String(e && e.message || e) }),
    );
    return true;
  });
  return true;
})();
