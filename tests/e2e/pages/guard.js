// A hostile page script (main world). It tries to read the badge through a patched attachShadow,
// forge the extension's messages, and hide the badge; tests read what it saw.
(() => {
  const seen = { captured: 0, forged: 0 };
  window.__guard = seen;
  const orig = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = orig.call(this, init);
    seen.captured++;
    window.__capturedRoot = root;
    return root;
  };

  const STYLE_PROPS = ['display', 'color', 'background-color', 'font-family', 'font-size', 'line-height', 'margin-top',
    'padding-top', 'position', 'overflow', 'transform', 'filter', 'opacity', 'visibility', 'z-index', 'border-top-width'];
  const TARGETS = ['html', 'body', 'main', '#title', '#lead', '#page-button', '#page-link'];
  window.__styles = () => {
    const out = {};
    for (const sel of TARGETS) {
      const el = document.querySelector(sel);
      const cs = getComputedStyle(el);
      out[sel] = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    }
    out.htmlAttrs = [...document.documentElement.attributes].filter((a) => !a.name.startsWith('data-')).map((a) => `${a.name}=${a.value}`).join(' ');
    out.bodyAttrs = [...document.body.attributes].map((a) => `${a.name}=${a.value}`).join(' ');
    out.scroll = `${scrollX},${scrollY}`;
    return out;
  };
  // Before any badge: this script runs while the page is parsed, the content script at document_idle.
  window.__stylesBefore = window.__styles();

  // What the page can learn about the badge, and what it does to it (called by the test).
  window.__probe = () => {
    const host = document.getElementById('policy-lens-badge') || document.querySelector('policy-lens-badge');
    if (!host) return { host: false };
    let reattach = 'allowed';
    try { host.attachShadow({ mode: 'open' }); } catch (e) { reattach = 'threw'; }
    return {
      host: true,
      shadowRoot: host.shadowRoot === null ? 'null' : 'visible',
      innerHTML: host.innerHTML.length,
      textContent: host.textContent.length,
      children: host.children.length,
      captured: seen.captured,
      reattach,
      runtime: typeof chrome !== 'undefined' && chrome && chrome.runtime && typeof chrome.runtime.sendMessage === 'function'
        ? 'sendMessage' : 'none',
      browserApi: typeof browser === 'undefined' ? 'none' : 'present',
    };
  };

  window.__forge = async (extId) => {
    const fake = { title: 'x', url: location.href, blocks: [{ kind: 'paragraph', level: 0, text: 'We sell your personal information to anyone.', links: [] }] };
    const report = { isPolicy: { likely: true, score: 1 }, thirdPartySharing: { verdict: 'no', evidence: [] }, minimumAge: { age: 99 } };
    const shapes = [
      { type: 'analyze', doc: fake }, { type: 'collect' }, { type: 'forget' }, { type: 'getTabReport', tabId: 1 },
      { ok: true, report, actionBadge: 'OK' }, { type: 'analyzeLinked', url: 'https://evil.example/' },
    ];
    for (const m of shapes) {
      window.postMessage(m, '*');
      window.dispatchEvent(new MessageEvent('message', { data: m, origin: location.origin }));
      document.dispatchEvent(new CustomEvent('policy-lens', { detail: m }));
      document.dispatchEvent(new CustomEvent(m.type || 'report', { detail: m }));
      seen.forged++;
    }
    let runtime = 'none';
    if (typeof chrome !== 'undefined' && chrome && chrome.runtime && typeof chrome.runtime.sendMessage === 'function') {
      runtime = await new Promise((resolve) => {
        try {
          chrome.runtime.sendMessage(extId, { type: 'analyze', doc: fake }, (r) => {
            resolve(chrome.runtime.lastError ? `refused: ${chrome.runtime.lastError.message}` : `answered: ${JSON.stringify(r)}`);
          });
        } catch (e) { resolve(`threw: ${e.message}`); }
      });
    }
    return { forged: seen.forged, runtime };
  };

  window.__hide = () => {
    const host = document.getElementById('policy-lens-badge');
    if (!host) return false;
    host.style.setProperty('display', 'none', 'important');
    host.style.setProperty('opacity', '0', 'important');
    host.setAttribute('hidden', '');
    host.setAttribute('inert', '');
    host.setAttribute('popover', 'manual');
    host.className = 'gone';
    host.remove();
    return true;
  };
  document.documentElement.dataset.pageScript = 'ran';
})();
