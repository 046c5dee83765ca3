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
//   policyUrl: string                    the report is of another page (a policy fetched from this
//                                        site): quotes are links to it (with a #:~:text= fragment where
//                                        the browser supports text fragments) instead of scrolling here
//   changes: [{ key, before, after }]    findings that differ from the last visit (see background.js);
//   changedSince: number                 when that visit was (ms since the epoch)
//
// The panel: what changed (if anything), then the most consequential findings (sells data, shares
// for ads or marketing, no way to delete), the first answers (sharing, signals, age, contact), then
// the other findings grouped (rights, tracking, keeping data, transfers, security, policy changes).
// Every field beyond the first answers may be missing (reports of older analyzers).
//
// The host element <policy-lens-badge id="policy-lens-badge"> carries the summary for tests:
//   data-sharing  yes | no | notMentioned
//   data-dnt      honored | notHonored | unclear | notMentioned
//   data-age      the minimum age ("16") or "none"
//   data-contact  the first contact (email, else url, else phone, else address, else channel) or "none"
//   data-state    collapsed | open | dismissed
//   data-action-badge  the toolbar badge text the background set for this tab
//   data-highlight-block  block index of the passage highlighted last (after a quote click)
//   data-changed  "true" when the findings differ from the last visit, else "false"
//   data-source   "page" (this page was analyzed) | "linked" (a policy fetched from this site)
//   data-policy-url  the analyzed policy's URL (linked only)
//
// Policy text is only ever inserted with textContent.
(() => {
  'use strict';
  if (globalThis.PolicyLensBadge) return;

  const HOST_ID = 'policy-lens-badge';
  let current = null; // the badge drawn last

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
  const RIGHTS = {
    access: 'Access or a copy', correction: 'Correction', deletion: 'Deletion', portability: 'Portability',
    objection: 'Objection', restriction: 'Restriction', withdrawConsent: 'Withdraw consent',
    optOutOfSale: 'Opt out of sale or sharing', optOutOfTargetedAds: 'Opt out of targeted ads',
    limitSensitiveUse: 'Limit use of sensitive data', nonDiscrimination: 'No discrimination for using them',
    complaint: 'Complain to an authority',
  };
  const OPTOUTS = { marketingEmails: 'Marketing emails', saleOrSharing: 'Sale or sharing', targetedAds: 'Targeted ads' };
  const TECH = { cookies: 'Cookies', webBeacons: 'Web beacons or pixels', localStorage: 'Local storage', sdks: 'SDKs', fingerprinting: 'Fingerprinting' };
  const MEASURES = { encryption: 'Encryption', accessControls: 'Access controls', monitoring: 'Monitoring and audits',
    physical: 'Physical safeguards', training: 'Staff training', pseudonymization: 'Pseudonymisation' };
  const NOTICES = { email: 'By email', siteNotice: 'A notice on the site', postedOnly: 'Only by posting the new version' };
  const SAFEGUARDS = { adequacy: 'Adequacy decision', standardContractualClauses: 'Standard contractual clauses',
    bindingCorporateRules: 'Binding corporate rules', dataPrivacyFramework: 'Data Privacy Framework',
    privacyShield: 'Privacy Shield (invalid since 2020)', consent: 'Your consent' };
  // Names of the remembered findings (background.js findingsOf) for "changed since the last visit".
  const CHANGE_NAMES = {
    sharing: 'Sharing with third parties', sells: 'Sells data', marketing: 'For their marketing', purposes: 'Sharing purposes',
    dnt: 'Do Not Track', gpc: 'Global Privacy Control', age: 'Minimum age', contact: 'Contact',
    retention: 'Retention', rights: 'Your rights', exercise: 'How to make a request', optOuts: 'Opt-outs',
    tracking: 'Tracking', trackingTech: 'Tracking technologies', thirdPartyTracking: 'Third-party tracking',
    security: 'Security measures stated', securityMeasures: 'Security measures', breachNotice: 'Breach notification',
    updated: 'Last updated', changeNotices: 'How changes are announced', transfers: 'International transfers',
    safeguards: 'Transfer safeguards',
  };
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

  const arr = (v) => (Array.isArray(v) ? v : []);
  const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);

  function changeValue(v) {
    if (v === null || v === undefined || v === '') return 'none';
    if (Array.isArray(v)) return v.length ? v.map(changeValue).join(', ') : 'none';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    const s = String(v);
    return YESNO[s] || SIGNAL_WORDS[s] || RIGHTS[s] || OPTOUTS[s] || TECH[s] || MEASURES[s] || NOTICES[s] || SAFEGUARDS[s] ||
      PURPOSES[s] || s.replace(/^(\w+):(no|notMentioned)$/, (m, k, v2) => `${RIGHTS[k] || k} (${YESNO[v2].toLowerCase()})`);
  }

  /** A text fragment (#:~:text=) for a quoted sentence: the whole of a short one, else its first and last words. */
  function textFragment(text) {
    const words = normalizeSpace(text).replace(/^[“"']+|[”"']+$/g, '').split(' ').filter(Boolean);
    if (!words.length) return '';
    const enc = (w) => encodeURIComponent(w.join(' ')).replace(/-/g, '%2D');
    return words.length <= 8 ? `#:~:text=${enc(words)}` : `#:~:text=${enc(words.slice(0, 4))},${enc(words.slice(-4))}`;
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
a.quote { text-decoration: none; }
a.quote:hover { text-decoration: underline; }
.changed .ico { background: var(--warn); }
.group { margin-top: 6px; }
.group > h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 8px 0 2px; }
.changes { border: 1px solid var(--warn); border-radius: 8px; padding: 6px 8px; margin: 4px 0; }
.changes li { margin: 2px 0; }
.src { margin: 0 0 4px; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
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
    if (current) current.destroy(); // one badge at a time (its guard would put it back otherwise)
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
    const changes = arr(opts.changes).filter((c) => c && typeof c.key === 'string');
    host.dataset.changed = String(changes.length > 0);
    host.dataset.source = opts.policyUrl ? 'linked' : 'page';
    if (opts.policyUrl) host.dataset.policyUrl = opts.policyUrl;

    const shadow = host.attachShadow({ mode: opts.shadowMode === 'open' ? 'open' : 'closed' });
    shadow.append(el('style', { text: CSS }));
    const root = el('div', { class: `root ${opts.corner}${opts.dismissed ? ' dismissed' : ''}`, 'data-pl': 'root' });
    shadow.append(root);
    const parent = opts.parent || document.documentElement;
    parent.append(host);
    const guard = guardHost(host, parent);

    const api = {
      host,
      summary,
      open: () => setOpen(true),
      close: () => setOpen(false),
      destroy: () => {
        guard.disconnect();
        document.removeEventListener('keydown', onKey, true);
        host.remove();
        if (current === api) current = null;
      },
      setActionBadge: (text) => { host.dataset.actionBadge = text; },
    };
    current = api;
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
    if (changes.length) items.push({ key: 'changed', tone: 'changed', icon: '!', text: 'Changed' });
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
    const ctx = { policyUrl: opts.policyUrl || null, fragments: 'fragmentDirective' in document };
    if (ctx.policyUrl) {
      panel.append(el('p', { class: 'src', 'data-pl': 'source' }, el('span', { text: 'The privacy policy of this site: ' }),
        el('a', { href: ctx.policyUrl, target: '_blank', rel: 'noopener noreferrer', 'data-pl': 'source-link', text: ctx.policyUrl })));
    }
    if (changes.length) panel.append(changeList(changes, opts.changedSince));
    buildFindings(panel, report || {}, ctx);
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
      if (q && q.__evidence && q.localName === 'button') highlight(q.__evidence);
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

  // Quotes: buttons that scroll to the passage on this page, or links to the fetched policy.
  function quoteList(evidence, ctx) {
    const frag = document.createDocumentFragment();
    for (const ev of arr(evidence)) {
      if (!ev || typeof ev.text !== 'string') continue;
      const where = ev.section ? `in “${ev.section}”` : '';
      const body = [el('span', { text: `“${ev.text}”` }), where ? el('span', { class: 'where', text: where }) : null];
      let b;
      if (ctx && ctx.policyUrl) {
        const href = ctx.policyUrl.split('#')[0] + (ctx.fragments ? textFragment(ev.text) : '');
        b = el('a', { class: 'quote', href, target: '_blank', rel: 'noopener noreferrer', 'data-pl': 'quote',
          'data-block': ev.block, 'data-start': ev.start, 'aria-label': `Open in the policy: ${String(ev.text).slice(0, 120)}` }, ...body);
      } else {
        b = el('button', { type: 'button', class: 'quote', 'data-pl': 'quote', 'data-block': ev.block,
          'data-start': ev.start, 'aria-label': `Show in page: ${String(ev.text).slice(0, 120)}` }, ...body);
      }
      b.__evidence = ev;
      frag.append(b);
    }
    return frag;
  }

  function changeList(changes, since) {
    const when = Number.isFinite(since) && since > 0 ? ` (${new Date(since).toLocaleDateString()})` : '';
    const sec = el('section', { class: 'changes', 'data-pl': 'changes', role: 'note' },
      el('h3', { class: 'changed' }, el('span', { class: 'ico', 'aria-hidden': 'true', text: '!' }),
        el('span', { text: `Changed since your last visit${when}` })));
    const ul = el('ul');
    for (const c of changes) {
      ul.append(el('li', { 'data-pl': 'change', 'data-key': c.key,
        text: `${CHANGE_NAMES[c.key] || c.key}: ${changeValue(c.before)} → ${changeValue(c.after)}` }));
    }
    sec.append(ul);
    return sec;
  }

  // Page scripts may try to hide the host (inline style, attributes) or remove it: put it back, a
  // bounded number of times (a page that fights forever wins eventually, without a loop).
  function guardHost(host, parent) {
    const style = host.getAttribute('style');
    let repairs = 0;
    const mo = new MutationObserver(() => {
      if (repairs >= 50) { mo.disconnect(); return; }
      let fixed = false;
      if (host.getAttribute('style') !== style) { host.setAttribute('style', style); fixed = true; }
      for (const a of Array.from(host.attributes)) {
        if (a.name !== 'id' && a.name !== 'style' && !a.name.startsWith('data-')) { host.removeAttribute(a.name); fixed = true; }
      }
      if (host.id !== HOST_ID) { host.id = HOST_ID; fixed = true; }
      if (!host.isConnected && parent.isConnected) { parent.append(host); fixed = true; }
      if (fixed) repairs++;
    });
    mo.observe(host, { attributes: true });
    mo.observe(parent, { childList: true });
    return mo;
  }

  function section(key, title, tone, icon, answer) {
    return el('section', { 'data-pl': `finding-${key}` },
      el('h3', { class: tone }, el('span', { class: 'ico', 'aria-hidden': 'true', text: icon }),
        el('span', { text: `${title}: ${answer}` })));
  }

  function buildFindings(panel, r, ctx) {
    if (r.meta && r.meta.truncated) {
      panel.append(el('p', { class: 'sub', 'data-pl': 'truncated', role: 'note',
        text: 'This page is very long: only its first part was analyzed.' }));
    }
    const tps = r.thirdPartySharing || {};
    const att = attentionGroup(r, ctx);
    if (att) panel.append(att);
    const s = SHARING[tps.verdict] || SHARING.notMentioned;
    const sh = section('sharing', 'Sharing with third parties', s.tone, s.icon, YESNO[tps.verdict] || 'Not mentioned');
    sh.append(quoteList(tps.evidence, ctx));
    if ((tps.purposes || []).length) {
      sh.append(el('p', { class: 'sub', text: 'Purposes' }));
      const ul = el('ul');
      for (const p of tps.purposes) {
        const li = el('li', {}, el('span', { text: PURPOSES[p.purpose] || p.purpose }));
        li.append(quoteList(p.evidence, ctx));
        ul.append(li);
      }
      sh.append(ul);
    }
    for (const [k, name] of [['marketing', 'For their marketing'], ['sells', 'Sells data']]) {
      const v = tps[k] || {};
      sh.append(el('p', { class: 'sub', 'data-pl': `finding-${k}`, text: `${name}: ${YESNO[v.verdict] || 'Not mentioned'}` }));
      sh.append(quoteList(v.evidence, ctx));
    }
    if ((tps.namedThirdParties || []).length) {
      sh.append(el('p', { class: 'sub', text: 'Named third parties' }));
      const ul = el('ul', { 'data-pl': 'named-parties' });
      for (const p of tps.namedThirdParties) {
        const li = el('li', {}, el('span', { text: p.name }));
        li.append(quoteList(p.evidence, ctx));
        ul.append(li);
      }
      sh.append(ul);
    }
    panel.append(sh);

    for (const [key, title, f] of [['dnt', 'Do Not Track', r.doNotTrack], ['gpc', 'Global Privacy Control', r.globalPrivacyControl]]) {
      const v = (f && f.verdict) || 'notMentioned';
      const t = SIGNAL[v] || SIGNAL.notMentioned;
      const sec = section(key, title, t.tone, t.icon, SIGNAL_WORDS[v] || v);
      sec.append(quoteList(f && f.evidence, ctx));
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
    age.append(quoteList(ma.evidence, ctx));
    panel.append(age);

    const c = r.contact || {};
    const first = firstContact(c);
    const con = section('contact', 'Contact', first ? 'good' : 'neutral', first ? '@' : '?', first ? 'Given' : 'Not given');
    const ul = el('ul', { 'data-pl': 'contacts' });
    for (const [k, name] of [['emails', 'Email'], ['phones', 'Phone'], ['urls', 'Web'], ['postalAddresses', 'Post'], ['otherChannels', 'Other']]) {
      for (const v of c[k] || []) ul.append(el('li', { text: `${name}: ${v}` }));
    }
    if (ul.childElementCount) con.append(ul);
    con.append(quoteList(c.evidence, ctx));
    panel.append(con);
    moreFindings(panel, r, ctx);
  }

  // The most consequential findings, first and together: sells data, shares for ads or
  // marketing, no way to delete. Only those that apply; nothing when none does.
  function attentionGroup(r, ctx) {
    const tps = obj(r.thirdPartySharing) || {};
    const items = [];
    if (obj(tps.sells) && tps.sells.verdict === 'yes') {
      items.push({ key: 'sells', text: 'Sells personal data', evidence: tps.sells.evidence });
    }
    const ads = arr(tps.purposes).filter((p) => p && (p.purpose === 'advertising' || p.purpose === 'marketing'));
    if ((obj(tps.marketing) && tps.marketing.verdict === 'yes') || ads.length) {
      const seen = new Set();
      const evidence = [...arr(tps.marketing && tps.marketing.evidence), ...ads.flatMap((p) => arr(p.evidence))]
        .filter((e) => e && !seen.has(e.start) && seen.add(e.start));
      items.push({ key: 'ads', text: 'Shares data for advertising or marketing', evidence });
    }
    const rights = obj(r.rights);
    if (rights && Array.isArray(rights.rights)) {
      const del = rights.rights.find((x) => x && x.right === 'deletion');
      if (!del || del.verdict === 'notMentioned') items.push({ key: 'deletion', text: 'No way to delete your data is stated', evidence: [] });
      else if (del.verdict === 'no') items.push({ key: 'deletion', text: 'Says you cannot delete your data', evidence: del.evidence });
    }
    if (!items.length) return null;
    const g = el('div', { class: 'group', 'data-pl': 'group-attention' }, el('h2', { text: 'Worth knowing first' }));
    for (const i of items) {
      const sec = el('section', { 'data-pl': `attention-${i.key}` },
        el('h3', { class: 'bad' }, el('span', { class: 'ico', 'aria-hidden': 'true', text: '!' }), el('span', { text: i.text })));
      sec.append(quoteList(i.evidence, ctx));
      g.append(sec);
    }
    return g;
  }

  function kindList(pl, items, names, ctx, keyOf) {
    const ul = el('ul', { 'data-pl': pl });
    for (const it of arr(items)) {
      if (!it) continue;
      const li = el('li', { 'data-kind': keyOf(it) }, el('span', { text: names(it) }));
      li.append(quoteList(it.evidence, ctx));
      ul.append(li);
    }
    return ul.childElementCount ? ul : null;
  }

  /** The evidence of several lists, each passage once (by its offset), in order. */
  function unique(...lists) {
    const seen = new Set();
    return lists.flatMap(arr).filter((e) => e && !seen.has(e.start) && seen.add(e.start));
  }
  const minus = (evidence, items) => {
    const taken = new Set(arr(items).flatMap((i) => arr(i && i.evidence)).map((e) => e && e.start));
    return unique(evidence).filter((e) => !taken.has(e.start));
  };

  const words = (list, names) => arr(list).map((k) => names[k] || String(k)).join(', ');

  // Everything beyond the first answers, grouped; a group is drawn only for fields the report has.
  function moreFindings(panel, r, ctx) {
    const group = (key, title) => el('div', { class: 'group', 'data-pl': `group-${key}` }, el('h2', { text: title }));

    const rights = obj(r.rights);
    const optOuts = Array.isArray(r.optOuts) ? r.optOuts : null;
    if (rights || optOuts) {
      const g = group('rights', 'Your rights and choices');
      if (rights) {
        const list = arr(rights.rights);
        const granted = list.filter((x) => x && x.verdict === 'yes');
        const sec = section('rights', 'Your rights', granted.length ? 'good' : 'neutral', granted.length ? '✓' : '?',
          list.length ? `${granted.length} stated` : 'Not mentioned');
        const ul = kindList('rights-list', list, (x) => `${RIGHTS[x.right] || x.right}${x.verdict === 'no' ? ': no' : ''}`, ctx, (x) => x.right);
        if (ul) sec.append(ul);
        g.append(sec);
        const ex = obj(rights.exercise);
        if (ex) {
          const ways = [...arr(ex.emails).map((v) => `Email: ${v}`), ...arr(ex.urls).map((v) => `Web: ${v}`),
            ...arr(ex.phones).map((v) => `Phone: ${v}`), ...arr(ex.other).map((v) => String(v))];
          const es = section('exercise', 'How to make a request', ways.length ? 'good' : 'neutral', ways.length ? '@' : '?',
            ways.length ? 'Given' : 'Not given');
          if (ways.length) {
            const wl = el('ul', { 'data-pl': 'exercise-list' });
            for (const w of ways) wl.append(el('li', { text: w }));
            es.append(wl);
          }
          es.append(quoteList(ex.evidence, ctx));
          g.append(es);
        }
      }
      if (optOuts) {
        const sec = section('optouts', 'Ways to opt out', optOuts.length ? 'good' : 'neutral', optOuts.length ? '✓' : '?',
          optOuts.length ? words(optOuts.map((o) => o && o.kind), OPTOUTS) : 'Not mentioned');
        const ul = kindList('optouts-list', optOuts, (o) => OPTOUTS[o.kind] || String(o.kind), ctx, (o) => o.kind);
        if (ul) {
          for (const [i, o] of optOuts.filter(Boolean).entries()) {
            for (const link of arr(o.links)) {
              if (/^https?:/i.test(link)) ul.children[i].append(el('a', { href: link, target: '_blank', rel: 'noopener noreferrer', class: 'sub', text: link }));
            }
          }
          sec.append(ul);
        }
        g.append(sec);
      }
      panel.append(g);
    }

    const tr = obj(r.tracking);
    if (tr) {
      const g = group('tracking', 'Tracking');
      const v = tr.verdict || 'notMentioned';
      const sec = section('tracking', 'Cookies and tracking', v === 'yes' ? 'bad' : v === 'no' ? 'good' : 'neutral',
        v === 'yes' ? '◉' : v === 'no' ? '✓' : '?', v === 'yes' ? (words(tr.technologies, TECH) || 'Yes') : YESNO[v] || v);
      if (tr.thirdParty === 'yes' || tr.thirdParty === 'no') {
        sec.append(el('p', { class: 'sub', 'data-pl': 'tracking-third-party',
          text: `Third parties track on the site: ${YESNO[tr.thirdParty]}` }));
      }
      sec.append(quoteList(minus(tr.evidence, tr.services), ctx));
      const ul = kindList('tracking-services', tr.services, (x) => String(x.name), ctx, (x) => x.name);
      if (ul) { sec.append(el('p', { class: 'sub', text: 'Services named' }), ul); }
      g.append(sec);
      panel.append(g);
    }

    const ret = obj(r.retention);
    const sec = obj(r.security);
    const it = obj(r.internationalTransfers);
    if (ret || sec || it) {
      const g = group('data', 'Keeping your data');
      if (ret) {
        const periods = arr(ret.periods).filter(Boolean);
        const s2 = section('retention', 'How long it is kept', ret.stated ? 'good' : ret.mentioned ? 'warn' : 'neutral',
          ret.stated ? '⧗' : '?', periods.length ? periods.map((p) => p.period).join('; ') : ret.stated ? 'Stated'
            : ret.mentioned ? 'Only vaguely' : 'Not mentioned');
        s2.dataset.periods = periods.map((p) => p.period).join(' | ');
        s2.append(quoteList(unique(...periods.map((p) => p.evidence), ret.evidence), ctx));
        g.append(s2);
      }
      if (it) {
        const v = it.verdict || 'notMentioned';
        const s2 = section('transfers', 'Transfers to other countries', v === 'yes' ? 'warn' : v === 'no' ? 'good' : 'neutral',
          v === 'yes' ? '⇢' : v === 'no' ? '✓' : '?', YESNO[v] || v);
        s2.append(quoteList(minus(it.evidence, it.safeguards), ctx));
        const ul = kindList('transfer-safeguards', it.safeguards, (x) => SAFEGUARDS[x.safeguard] || String(x.safeguard), ctx, (x) => x.safeguard);
        if (ul) { s2.append(el('p', { class: 'sub', text: 'Safeguards' }), ul); }
        g.append(s2);
      }
      if (sec) {
        const s2 = section('security', 'Security', sec.stated ? 'good' : 'neutral', sec.stated ? '✓' : '?',
          sec.stated ? (arr(sec.measures).length ? words(arr(sec.measures).map((m) => m && m.measure), MEASURES) : 'Stated') : 'Not mentioned');
        s2.append(quoteList(minus(sec.evidence, sec.measures), ctx));
        const ul = kindList('security-measures', sec.measures, (m) => MEASURES[m.measure] || String(m.measure), ctx, (m) => m.measure);
        if (ul) s2.append(ul);
        const bn = obj(sec.breachNotification);
        if (bn && bn.verdict && bn.verdict !== 'notMentioned') {
          s2.append(el('p', { class: 'sub', 'data-pl': 'breach-notification', text: `Tells you of a breach: ${YESNO[bn.verdict] || bn.verdict}` }));
          s2.append(quoteList(bn.evidence, ctx));
        }
        g.append(s2);
      }
      panel.append(g);
    }

    const pc = obj(r.policyChanges);
    if (pc) {
      const g = group('policy', 'This policy');
      const up = obj(pc.updated);
      const notices = arr(pc.notices).filter(Boolean);
      const s2 = section('policy-changes', 'Changes to the policy', notices.length ? 'good' : 'neutral', notices.length ? '✉' : '?',
        notices.length ? words(notices.map((n) => n.notice), NOTICES) : 'How you are told is not stated');
      if (up && up.date) {
        s2.append(el('p', { class: 'sub', 'data-pl': 'policy-updated', text: `Last updated: ${up.date}` }));
        s2.append(quoteList(up.evidence, ctx));
      }
      const ul = kindList('change-notices', notices, (n) => NOTICES[n.notice] || String(n.notice), ctx, (n) => n.notice);
      if (ul) s2.append(ul);
      s2.append(quoteList(minus(pc.evidence, [...notices, up || {}]), ctx));
      g.append(s2);
      panel.append(g);
    }
  }

  globalThis.PolicyLensBadge = Object.freeze({ renderBadge, summarize, findByText, textFragment, changeValue, CHANGE_NAMES, HOST_ID });
})();
