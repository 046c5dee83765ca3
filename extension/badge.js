// Policy Lens badge: draws the four answers of a report as a small pill, and a panel listing
// every finding with its quoted evidence, inside a shadow root that page CSS cannot reach.
//
// A classic script shared by the extension (listed before content.js) and by the demo page (www/).
// Loading it only defines globalThis.PolicyLensBadge; nothing is drawn until renderBadge() is called.
//
//   PolicyLensBadge.summarize(report)  -> { sharing, dnt, age, contact }   (strings, see below)
//   PolicyLensBadge.renderBadge(report, options) -> { host, open(), close(), destroy(), setActionBadge(text) }
//
// options:
//   locate(evidence) -> Element | null   find the page element of a quoted passage (default: text search)
//   onDismiss()                          "hide on this site" was chosen (the caller stores it)
//   shadowMode: 'closed' | 'open'        'open' only for tests (see tests/e2e/README.md)
//   corner: 'bottom-right' (default) | 'bottom-left' | 'top-right' | 'top-left'
//   dismissed: true                      draw nothing visible (data attributes only)
//   parent: Element                      where to append the host (default document.documentElement)
//   actionBadge: string                  copied to data-action-badge
//
// The host element <policy-lens-badge id="policy-lens-badge"> carries the summary for tests:
//   data-sharing  yes | no | notMentioned
//   data-dnt      honored | notHonored | unclear | notMentioned
//   data-age      the minimum age ("16") or "none"
//   data-contact  the first contact (email, else url, else phone, else address, else channel) or "none"
//   data-state    collapsed | open | dismissed
//   data-action-badge  the toolbar badge text the background set for this tab
//   data-highlight-block  block index of the passage highlighted last (after a quote click)
//
// Policy text is only ever inserted with textContent.
(() => {
  'use strict';
  if (globalThis.PolicyLensBadge) return;

  const HOST_ID = 'policy-lens-badge';

  const SHARING = {
    yes: { icon: '⇄', text: 'Shares data', tone: 'bad' },
    no: { icon: '✓', text: 'No sharing', tone: 'good' },
    notMentioned: { icon: '?', text: 'Sharing not stated', tone: 'neutral' },
  };
  const YESNO = { yes: 'Yes', no: 'No', notMentioned: 'Not mentioned' };
  const SIGNAL = {
    honored: { icon: '✓', text: 'DNT honored', tone: 'good' },
    notHonored: { icon: '✕', text: 'DNT ignored', tone: 'bad' },
    unclear: { icon: '~', text: 'DNT unclear', tone: 'warn' },
    notMentioned: { icon: '?', text: 'DNT not stated', tone: 'neutral' },
  };
  const SIGNAL_WORDS = { honored: 'Honored', notHonored: 'Not honored', unclear: 'Unclear', notMentioned: 'Not mentioned' };
  const PURPOSES = {
    serviceProviders: 'Service providers', affiliates: 'Affiliates', advertising: 'Advertising',
    marketing: 'Marketing', analytics: 'Analytics', legal: 'Legal requests',
    businessTransfer: 'Business transfer', withConsent: 'With your consent',
  };

  function firstContact(c) {
    if (!c) return null;
    for (const key of ['emails', 'urls', 'phones', 'postalAddresses', 'otherChannels']) {
      if (Array.isArray(c[key]) && c[key].length) return String(c[key][0]);
    }
    return null;
  }

  /** The four answers as short strings (the values of the host's data attributes). */
  function summarize(report) {
    const r = report || {};
    const age = r.minimumAge && r.minimumAge.age;
    return {
      sharing: (r.thirdPartySharing && r.thirdPartySharing.verdict) || 'notMentioned',
      dnt: (r.doNotTrack && r.doNotTrack.verdict) || 'notMentioned',
      age: age === null || age === undefined ? 'none' : String(age),
      contact: firstContact(r.contact) || 'none',
    };
  }

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root {
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --shadow: 0 4px 18px rgba(0,0,0,.18);
  --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; --neutral: #57606a; --accent: #0b57d0; --mark: rgba(255, 200, 0, .35);
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  position: fixed; z-index: 2147483647; display: flex; flex-direction: column; gap: 8px; max-width: min(420px, calc(100vw - 24px));
}
@media (prefers-color-scheme: dark) {
  .root { --bg: #1f2328; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --shadow: 0 4px 18px rgba(0,0,0,.6);
          --good: #3fb950; --bad: #f85149; --warn: #d29922; --neutral: #9198a1; --accent: #4493f8; --mark: rgba(255, 200, 0, .28); }
}
.bottom-right { right: 12px; bottom: 12px; align-items: flex-end; }
.bottom-left { left: 12px; bottom: 12px; align-items: flex-start; }
.top-right { right: 12px; top: 12px; align-items: flex-end; flex-direction: column-reverse; }
.top-left { left: 12px; top: 12px; align-items: flex-start; flex-direction: column-reverse; }
button { font: inherit; color: inherit; cursor: pointer; }
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.bar { display: flex; gap: 4px; align-items: center; }
.pill { display: flex; gap: 6px; align-items: center; background: var(--bg); border: 1px solid var(--line);
        border-radius: 999px; padding: 4px 10px; box-shadow: var(--shadow); }
.pill .logo { font-weight: 700; color: var(--accent); }
.item { display: inline-flex; gap: 3px; align-items: center; white-space: nowrap; }
.ico { display: inline-flex; align-items: center; justify-content: center; width: 16px; height: 16px; border-radius: 50%;
       color: #fff; font-size: 10px; font-weight: 700; }
.good .ico { background: var(--good); } .bad .ico { background: var(--bad); }
.warn .ico { background: var(--warn); } .neutral .ico { background: var(--neutral); }
.x { background: var(--bg); border: 1px solid var(--line); border-radius: 50%; width: 24px; height: 24px; padding: 0;
     box-shadow: var(--shadow); color: var(--muted); }
.panel { background: var(--bg); border: 1px solid var(--line); border-radius: 10px; box-shadow: var(--shadow);
         width: min(420px, calc(100vw - 24px)); max-height: min(70vh, 560px); overflow: auto; padding: 10px 12px; }
.panel[hidden] { display: none; }
.head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 4px; }
.head h2 { font-size: 14px; margin: 0; }
.head .tools { display: flex; gap: 6px; }
.head button { background: none; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; }
section { border-top: 1px solid var(--line); padding: 6px 0; }
h3 { font-size: 13px; margin: 0 0 2px; display: flex; gap: 6px; align-items: center; }
.sub { margin: 4px 0 0; color: var(--muted); }
ul { margin: 2px 0 0; padding-left: 18px; }
.quote { display: block; width: 100%; text-align: left; background: none; border: 0; border-left: 3px solid var(--line);
         margin: 4px 0; padding: 2px 8px; color: var(--fg); font-style: italic; }
.quote:hover { border-left-color: var(--accent); background: var(--mark); }
.quote .where { display: block; font-style: normal; color: var(--muted); font-size: 11px; }
.none { color: var(--muted); }
.hl { position: fixed; pointer-events: none; z-index: 2147483646; border: 2px solid var(--accent);
      background: var(--mark); border-radius: 4px; transition: opacity .4s; }
.root.dismissed { display: none; }
`;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  function normalizeSpace(s) {
    return String(s).replace(/\s+/g, ' ').trim();
  }

  /** Default locate(): the smallest visible element whose text contains the start of the passage. */
  function findByText(evidence) {
    const needle = normalizeSpace(evidence.text).slice(0, 60).toLowerCase();
    if (!needle || !document.body) return null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let best = null;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (!p || p.closest('#' + HOST_ID)) continue;
      const block = p.closest('p,li,td,th,h1,h2,h3,h4,h5,h6,blockquote,dd,dt,pre') || p;
      if (normalizeSpace(block.textContent).toLowerCase().includes(needle)) { best = block; break; }
    }
    return best;
  }

  function renderBadge(report, options) {
    const opts = Object.assign({ shadowMode: 'closed', corner: 'bottom-right', locate: findByText }, options || {});
    const summary = summarize(report);
    const old = document.getElementById(HOST_ID);
    if (old) old.remove();

    const host = document.createElement(HOST_ID);
    host.id = HOST_ID;
    // Inline !important beats any page rule aimed at the host; the shadow root's :host resets the rest.
    host.setAttribute('style', 'all: initial !important; position: fixed !important; top: 0 !important; left: 0 !important; ' +
      'width: 0 !important; height: 0 !important; z-index: 2147483647 !important; display: block !important;');
    host.dataset.sharing = summary.sharing;
    host.dataset.dnt = summary.dnt;
    host.dataset.age = summary.age;
    host.dataset.contact = summary.contact;
    host.dataset.state = opts.dismissed ? 'dismissed' : 'collapsed';
    if (opts.actionBadge !== undefined) host.dataset.actionBadge = opts.actionBadge;

    const shadow = host.attachShadow({ mode: opts.shadowMode === 'open' ? 'open' : 'closed' });
    shadow.append(el('style', { text: CSS }));
    const root = el('div', { class: `root ${opts.corner}${opts.dismissed ? ' dismissed' : ''}`, 'data-pl': 'root' });
    shadow.append(root);
    (opts.parent || document.documentElement).append(host);

    const api = {
      host,
      summary,
      open: () => setOpen(true),
      close: () => setOpen(false),
      destroy: () => { document.removeEventListener('keydown', onKey, true); host.remove(); },
      setActionBadge: (text) => { host.dataset.actionBadge = text; },
    };
    if (opts.dismissed) return api;

    // ---- pill: four answers, one button
    const s = SHARING[summary.sharing] || SHARING.notMentioned;
    const d = SIGNAL[summary.dnt] || SIGNAL.notMentioned;
    const hasAge = summary.age !== 'none';
    const hasContact = summary.contact !== 'none';
    const items = [
      { key: 'sharing', tone: s.tone, icon: s.icon, text: s.text },
      { key: 'dnt', tone: d.tone, icon: d.icon, text: d.text },
      { key: 'age', tone: hasAge ? 'good' : 'neutral', icon: hasAge ? '#' : '?', text: hasAge ? `Age ${summary.age}+` : 'No age' },
      { key: 'contact', tone: hasContact ? 'good' : 'neutral', icon: hasContact ? '@' : '?', text: hasContact ? 'Contact' : 'No contact' },
    ];
    const label = `Policy Lens: ${items.map((i) => i.text).join(', ')}. Open the findings.`;
    const pill = el('button', { class: 'pill', type: 'button', 'data-pl': 'pill', 'aria-expanded': 'false',
      'aria-controls': 'pl-panel', 'aria-label': label, title: 'Policy Lens: show the findings' },
    el('span', { class: 'logo', 'aria-hidden': 'true', text: 'PL' }),
    ...items.map((i) => el('span', { class: `item ${i.tone}`, 'data-pl': `pill-${i.key}`, 'aria-hidden': 'true' },
      el('span', { class: 'ico', text: i.icon }), el('span', { text: i.text }))));
    const dismissBtn = el('button', { class: 'x', type: 'button', 'data-pl': 'dismiss',
      'aria-label': 'Hide Policy Lens on this site', title: 'Hide on this site', text: '×' });
    const bar = el('div', { class: 'bar' }, pill, dismissBtn);

    // ---- panel: every finding with its evidence
    const panel = el('div', { class: 'panel', id: 'pl-panel', role: 'dialog', 'aria-label': 'Policy Lens findings',
      'data-pl': 'panel', hidden: true });
    const closeBtn = el('button', { type: 'button', 'data-pl': 'close', 'aria-label': 'Close the findings', text: 'Close' });
    const hideBtn = el('button', { type: 'button', 'data-pl': 'dismiss-site', text: 'Hide on this site' });
    panel.append(el('div', { class: 'head' }, el('h2', { text: 'Policy Lens' }),
      el('div', { class: 'tools' }, hideBtn, closeBtn)));
    buildFindings(panel, report || {});
    root.append(panel, bar);

    let hl = null;
    let hlTimer = 0;
    function setOpen(open) {
      if (host.dataset.state === 'dismissed') return;
      panel.hidden = !open;
      pill.setAttribute('aria-expanded', String(open));
      host.dataset.state = open ? 'open' : 'collapsed';
      if (open) {
        document.addEventListener('keydown', onKey, true);
        closeBtn.focus();
      } else {
        document.removeEventListener('keydown', onKey, true);
        pill.focus();
      }
    }
    function onKey(e) {
      if (e.key === 'Escape' && host.dataset.state === 'open') { e.stopPropagation(); setOpen(false); }
    }
    function dismiss() {
      document.removeEventListener('keydown', onKey, true);
      host.dataset.state = 'dismissed';
      root.classList.add('dismissed');
      if (typeof opts.onDismiss === 'function') opts.onDismiss();
    }
    pill.addEventListener('click', () => setOpen(panel.hidden));
    closeBtn.addEventListener('click', () => setOpen(false));
    dismissBtn.addEventListener('click', dismiss);
    hideBtn.addEventListener('click', dismiss);
    root.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); setOpen(false); } });
    panel.addEventListener('click', (e) => {
      const q = e.target.closest && e.target.closest('[data-pl="quote"]');
      if (q && q.__evidence) highlight(q.__evidence);
    });

    function highlight(ev) {
      let target = null;
      try { target = opts.locate(ev); } catch (_) { target = null; }
      if (!target) target = findByText(ev);
      if (!target) return;
      host.dataset.highlightBlock = String(ev.block);
      target.scrollIntoView({ block: 'center', behavior: 'instant' });
      if (hl) hl.remove();
      clearTimeout(hlTimer);
      hl = el('div', { class: 'hl', 'data-pl': 'highlight', 'aria-hidden': 'true' });
      shadow.append(hl);
      const place = () => {
        if (!hl) return;
        const r = target.getBoundingClientRect();
        Object.assign(hl.style, { left: `${r.left - 4}px`, top: `${r.top - 4}px`, width: `${r.width + 8}px`, height: `${r.height + 8}px` });
      };
      place();
      const onScroll = () => place();
      window.addEventListener('scroll', onScroll, { passive: true, capture: true });
      window.addEventListener('resize', onScroll, { passive: true });
      hlTimer = setTimeout(() => {
        window.removeEventListener('scroll', onScroll, { capture: true });
        window.removeEventListener('resize', onScroll);
        const gone = hl;
        hl = null;
        if (gone) { gone.style.opacity = '0'; setTimeout(() => gone.remove(), 450); }
      }, 2500);
    }

    return api;
  }

  function quoteList(evidence) {
    const frag = document.createDocumentFragment();
    for (const ev of evidence || []) {
      const where = ev.section ? `in “${ev.section}”` : '';
      const b = el('button', { type: 'button', class: 'quote', 'data-pl': 'quote', 'data-block': ev.block,
        'data-start': ev.start, 'aria-label': `Show in page: ${String(ev.text).slice(0, 120)}` },
      el('span', { text: `“${ev.text}”` }), where ? el('span', { class: 'where', text: where }) : null);
      b.__evidence = ev;
      frag.append(b);
    }
    return frag;
  }

  function section(key, title, tone, icon, answer) {
    return el('section', { 'data-pl': `finding-${key}` },
      el('h3', { class: tone }, el('span', { class: 'ico', 'aria-hidden': 'true', text: icon }),
        el('span', { text: `${title}: ${answer}` })));
  }

  function buildFindings(panel, r) {
    if (r.meta && r.meta.truncated) {
      panel.append(el('p', { class: 'sub', 'data-pl': 'truncated', role: 'note',
        text: 'This page is very long: only its first part was analyzed.' }));
    }
    const tps = r.thirdPartySharing || {};
    const s = SHARING[tps.verdict] || SHARING.notMentioned;
    const sh = section('sharing', 'Sharing with third parties', s.tone, s.icon, YESNO[tps.verdict] || 'Not mentioned');
    sh.append(quoteList(tps.evidence));
    if ((tps.purposes || []).length) {
      sh.append(el('p', { class: 'sub', text: 'Purposes' }));
      const ul = el('ul');
      for (const p of tps.purposes) {
        const li = el('li', {}, el('span', { text: PURPOSES[p.purpose] || p.purpose }));
        li.append(quoteList(p.evidence));
        ul.append(li);
      }
      sh.append(ul);
    }
    for (const [k, name] of [['marketing', 'For their marketing'], ['sells', 'Sells data']]) {
      const v = tps[k] || {};
      sh.append(el('p', { class: 'sub', 'data-pl': `finding-${k}`, text: `${name}: ${YESNO[v.verdict] || 'Not mentioned'}` }));
      sh.append(quoteList(v.evidence));
    }
    if ((tps.namedThirdParties || []).length) {
      sh.append(el('p', { class: 'sub', text: 'Named third parties' }));
      const ul = el('ul', { 'data-pl': 'named-parties' });
      for (const p of tps.namedThirdParties) {
        const li = el('li', {}, el('span', { text: p.name }));
        li.append(quoteList(p.evidence));
        ul.append(li);
      }
      sh.append(ul);
    }
    panel.append(sh);

    for (const [key, title, f] of [['dnt', 'Do Not Track', r.doNotTrack], ['gpc', 'Global Privacy Control', r.globalPrivacyControl]]) {
      const v = (f && f.verdict) || 'notMentioned';
      const t = SIGNAL[v] || SIGNAL.notMentioned;
      const sec = section(key, title, t.tone, t.icon, SIGNAL_WORDS[v] || v);
      sec.append(quoteList(f && f.evidence));
      panel.append(sec);
    }

    const ma = r.minimumAge || {};
    const hasAge = ma.age !== null && ma.age !== undefined;
    const age = section('age', 'Minimum age', hasAge ? 'good' : 'neutral', hasAge ? '#' : '?', hasAge ? String(ma.age) : 'Not stated');
    const facts = [];
    if ((ma.allAges || []).length) facts.push(`Ages mentioned: ${ma.allAges.join(', ')}`);
    facts.push(`Parental consent: ${ma.parentalConsent ? 'yes' : 'no'}`);
    facts.push(`Children mentioned: ${ma.childrenMentioned ? 'yes' : 'no'}`);
    age.append(el('p', { class: 'sub', text: facts.join(' · ') }));
    age.append(quoteList(ma.evidence));
    panel.append(age);

    const c = r.contact || {};
    const first = firstContact(c);
    const con = section('contact', 'Contact', first ? 'good' : 'neutral', first ? '@' : '?', first ? 'Given' : 'Not given');
    const ul = el('ul', { 'data-pl': 'contacts' });
    for (const [k, name] of [['emails', 'Email'], ['phones', 'Phone'], ['urls', 'Web'], ['postalAddresses', 'Post'], ['otherChannels', 'Other']]) {
      for (const v of c[k] || []) ul.append(el('li', { text: `${name}: ${v}` }));
    }
    if (ul.childElementCount) con.append(ul);
    con.append(quoteList(c.evidence));
    panel.append(con);
  }

  globalThis.PolicyLensBadge = Object.freeze({ renderBadge, summarize, findByText, HOST_ID });
})();
