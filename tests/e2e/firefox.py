#!/usr/bin/env python3
"""End-to-end test of dist/firefox in Firefox ESR, driven by Selenium + geckodriver.

Run after ./build.sh:  .venv/bin/python tests/e2e/firefox.py   (hooks and pages: tests/e2e/README.md)
Mirrors tests/e2e/chromium.mjs. Prints one line per check and "N passed, N failed"; exit 1 on a failure.
"""
import functools
import http.server
import json
import os
import sys
import threading
import time
import traceback
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import launch  # noqa: E402
from launch import EXT, EXT_BASE, FIREFOX, GECKO_ID, GECKODRIVER  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PAGES = os.path.join(HERE, "pages")
ARTIFACTS = os.path.join(HERE, "artifacts")
WAIT = 15  # seconds, upper bound for every WebDriverWait

EXPECTED = {"sharing": "yes", "dnt": "notHonored", "age": "16", "contact": "privacy@lumen-notes.example"}
ACTION_BADGE = "SHR"

FIREFOX_QUIET = {
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True, "network.prefetch-next": False, "network.http.speculative-parallel-limit": 0,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False, "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "", "browser.safebrowsing.provider.google4.updateURL": "",
    "toolkit.telemetry.enabled": False, "toolkit.telemetry.unified": False, "toolkit.telemetry.server": "",
    "datareporting.healthreport.uploadEnabled": False, "app.normandy.enabled": False, "app.shield.optoutstudies.enabled": False,
    "extensions.getAddons.cache.enabled": False, "extensions.update.enabled": False, "extensions.blocklist.enabled": False,
    "services.settings.server": "http://127.0.0.1:1/v1", "browser.region.network.url": "", "browser.region.update.enabled": False,
    "browser.search.update": False, "browser.newtabpage.enabled": False, "browser.startup.page": 0,
    "browser.newtabpage.activity-stream.feeds.topsites": False, "browser.topsites.contile.enabled": False,
    "browser.ping-centre.telemetry": False, "media.gmp-manager.url": "", "media.gmp-gmpopenh264.enabled": False,
    "geo.provider.network.url": "", "network.trr.mode": 5, "privacy.query_stripping.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False, "browser.discovery.enabled": False,
    "extensions.systemAddon.update.enabled": False, "security.OCSP.enabled": 0, "network.cookie.cookieBehavior": 0,
}

passed = 0
failed = 0
_live = {}  # the running driver, so the overall timeout can still quit it


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'ok' if ok else 'FAIL'} - {name}{' — ' + detail if detail else ''}", flush=True)


def attempt(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any error is a failed check
        msg = (getattr(e, "msg", None) or str(e) or type(e).__name__).strip().split("\n")[0]
        check(name, False, f"{type(e).__name__}: {msg}")


def skip(name, why):
    print(f"ok - {name} # SKIP {why}", flush=True)


# ---- static server for the test pages (/strict/X is page X again, with a CSP header).
# It is also Firefox's HTTP and HTTPS proxy for the session (prefs in main()): a request for any
# host but 127.0.0.1 arrives here as an absolute URI or a CONNECT, is recorded in FOREIGN and refused.
# /changing/privacy.html serves pages/changing/v<N>.html; the test sets N with GET /__version/N.
SERVED = []   # paths of the requests to the test server itself
FOREIGN = []  # requests for other hosts (they would have left the machine)
POLICY_VERSION = {"v": 1}


class Handler(http.server.SimpleHTTPRequestHandler):
    def parse_request(self):
        ok = super().parse_request()
        if ok and (self.command == "CONNECT" or not self.path.startswith("/")):
            FOREIGN.append(f"{self.command} {self.path}")
            self.send_error(403, "the test server is not a way out")
            return False
        if ok and not self.path.startswith("/__version/"):
            SERVED.append(self.path)
        return ok

    def do_GET(self):
        if self.path.startswith("/__version/"):
            POLICY_VERSION["v"] = int(self.path.rsplit("/", 1)[1])
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path == "/changing/privacy.html":
            path = f"/changing/v{POLICY_VERSION['v']}.html"
        if path.startswith("/strict/"):
            path = path[len("/strict"):]
        return super().translate_path(path)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        if self.path.startswith("/strict/"):
            self.send_header("Content-Security-Policy", "script-src 'self'")
        super().end_headers()

    def log_message(self, *args):
        pass


Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}


def start_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=PAGES))
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    return httpd


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    if not os.path.exists(os.path.join(EXT, "manifest.json")):
        check("dist/firefox exists", False, "run ./build.sh first")
        return
    for path, what in ((FIREFOX, "firefox-esr"), (GECKODRIVER, "geckodriver")):
        if not os.access(path, os.X_OK):
            check(f"{what} available", False, f"{path} not found")
            return

    httpd = start_server()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    driver = None
    try:
        opts = launch.options({"datareporting.policy.dataSubmissionEnabled": False})
        # Every request for another host goes to the test server (see Handler), which records it.
        port = httpd.server_address[1]
        for scheme in ("http", "ssl"):
            opts.set_preference(f"network.proxy.{scheme}", "127.0.0.1")
            opts.set_preference(f"network.proxy.{scheme}_port", port)
        opts.set_preference("network.proxy.type", 1)
        opts.set_preference("network.proxy.no_proxies_on", "")
        opts.set_preference("network.proxy.allow_hijacking_localhost", False)
        opts.set_preference("network.proxy.socks_remote_dns", False)
        # Firefox's own traffic off, so that what is left is what pages and the extension do.
        for pref, value in FIREFOX_QUIET.items():
            opts.set_preference(pref, value)
        # Release builds honour services.settings.server only with this variable (remote settings off).
        env = {**os.environ, "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}
        driver = launch.start(opts, env)
        _live["driver"] = driver
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        driver.set_window_size(1100, 800)
        gid = driver.install_addon(EXT, temporary=True)
        check("extension installs as a temporary add-on", gid == GECKO_ID, f"id={gid}")
        run_checks(driver, base)
    except Exception as e:  # noqa: BLE001
        check("e2e run", False, "".join(traceback.format_exception_only(type(e), e)).strip().split("\n")[0])
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        httpd.shutdown()
        httpd.server_close()


def run_checks(driver, base):
    wait = WebDriverWait(driver, WAIT)
    main_handle = driver.current_window_handle

    # An extension page (own tab) to talk to the extension: storage, tabs, background state.
    driver.switch_to.new_window("tab")
    ext_handle = driver.current_window_handle
    driver.get(f"{EXT_BASE}/popup.html")

    def ext_async(script, *args):
        """Run an async snippet in the extension page; `done(value)` returns. Restores the current window."""
        cur = driver.current_window_handle
        driver.switch_to.window(ext_handle)
        try:
            return driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "(async (...a) => {" + script + "})(...Array.from(arguments).slice(0, -1))"
                ".then(done, (e) => done({__error: String(e && e.message || e)}));", *args)
        finally:
            driver.switch_to.window(cur)

    def bg_state():
        return ext_async("const bg = await browser.runtime.getBackgroundPage();"
                         "return bg && bg.__policyLens ? JSON.parse(JSON.stringify(bg.__policyLens)) : null;")

    # The recorder works: a page load for another host arrives at the test server as a proxy request.
    driver.switch_to.window(main_handle)
    try:
        driver.get("http://probe.policy-lens.invalid/recorder-check")
    except Exception:  # noqa: BLE001 - the refused load may or may not raise
        pass
    seen = [f for f in FOREIGN if "probe.policy-lens.invalid" in f]
    check("network recorder catches a request for another host", bool(seen), json.dumps(seen[:1]))

    r = ext_async("await browser.storage.local.set({ testHooks: true, dismissed: {} });"
                  "return await browser.storage.local.get(['testHooks', 'dismissed']);")
    check("testHooks set through the extension page", isinstance(r, dict) and r.get("testHooks") is True, json.dumps(r))

    def host_data():
        return driver.execute_script(
            "const h = document.getElementById('policy-lens-badge'); return h ? Object.assign({}, h.dataset) : null;")

    def shadow():
        return driver.find_element(By.ID, "policy-lens-badge").shadow_root

    def wait_host():
        wait.until(lambda d: (host_data() or {}).get("actionBadge") is not None)
        return host_data()

    # ---- policy page
    driver.switch_to.window(main_handle)
    state = {}

    def policy_badge():
        driver.get(f"{base}/privacy.html")
        got = wait_host()
        state["host"] = got
        bad = {k: got.get(k) for k, v in EXPECTED.items() if got.get(k) != v}
        check("policy page: badge appears with the four answers", not bad and got.get("state") == "collapsed",
              f"got {json.dumps(got)}" if bad or got.get("state") != "collapsed" else json.dumps(EXPECTED))
    attempt("policy page: badge appears with the four answers", policy_badge)

    def pill_visible():
        pill = WebDriverWait(driver, 5).until(lambda d: shadow().find_element(By.CSS_SELECTOR, '[data-pl="pill"]'))
        WebDriverWait(driver, 5).until(lambda d: pill.is_displayed())
        rect = pill.rect
        driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-badge.png"))
        check("badge pill is visible despite hostile page CSS (open shadow root)",
              rect["width"] > 50 and rect["height"] > 10, json.dumps(rect))
    attempt("badge pill is visible despite hostile page CSS (open shadow root)", pill_visible)

    def action_badge():
        text = (host_data() or {}).get("actionBadge")
        st = bg_state()
        extra = ""
        if isinstance(st, dict) and st.get("last"):
            extra = f" background.last.actionBadge={json.dumps(st['last'].get('actionBadge'))}"
            ok = text == ACTION_BADGE and st["last"].get("actionBadge") == ACTION_BADGE
        else:
            extra = f" (background state unavailable: {json.dumps(st)})"
            ok = text == ACTION_BADGE
        check("toolbar badge text set for the tab", ok, f"data-action-badge={json.dumps(text)}{extra}")
    attempt("toolbar badge text set for the tab", action_badge)

    def panel_opens():
        shadow().find_element(By.CSS_SELECTOR, '[data-pl="pill"]').click()
        panel = WebDriverWait(driver, 5).until(lambda d: shadow().find_element(By.CSS_SELECTOR, '[data-pl="panel"]'))
        WebDriverWait(driver, 5).until(lambda d: panel.is_displayed())
        st = (host_data() or {}).get("state")
        sr = shadow()
        quotes = len(sr.find_elements(By.CSS_SELECTOR, '[data-pl="quote"]'))
        sections = len(sr.find_elements(By.CSS_SELECTOR, '[data-pl^="finding-"]'))
        parties = [e.get_attribute("textContent").split("“")[0].strip()
                   for e in sr.find_elements(By.CSS_SELECTOR, '[data-pl="named-parties"] li')]
        driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-panel.png"))
        check("panel opens on click and lists findings with quotes", st == "open" and quotes >= 4 and sections >= 6,
              f"state={st} quotes={quotes} sections={sections} parties={json.dumps(parties)}")
    attempt("panel opens on click and lists findings with quotes", panel_opens)

    def quote_scrolls():
        driver.execute_script("window.scrollTo(0, 0)")
        before = driver.execute_script("return document.getElementById('dnt').getBoundingClientRect().top")
        q = shadow().find_element(By.CSS_SELECTOR, '[data-pl="finding-dnt"] [data-pl="quote"]')
        q.click()
        WebDriverWait(driver, 5).until(lambda d: (host_data() or {}).get("highlightBlock") is not None)

        def in_view(_):
            return driver.execute_script(
                "const r = document.getElementById('dnt').getBoundingClientRect();"
                "return r.top >= 0 && r.bottom <= window.innerHeight;")
        try:
            WebDriverWait(driver, 3).until(in_view)
        except Exception:  # noqa: BLE001 - reported below
            pass
        inview = in_view(None)
        hb = (host_data() or {}).get("highlightBlock")
        hl = len(shadow().find_elements(By.CSS_SELECTOR, '[data-pl="highlight"]'))
        driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-highlight.png"))
        check("quote click scrolls to its passage and highlights it", inview and before > 800 and hl == 1,
              f"top before={round(before)} inViewAfter={inview} data-highlight-block={hb} "
              f"quote data-block={q.get_attribute('data-block')} highlight={hl}")
    attempt("quote click scrolls to its passage and highlights it", quote_scrolls)

    def escape_closes():
        # Escape as a real key press to whatever has focus (the quote button inside the shadow root, after the click);
        # element.send_keys on the host is refused ("not reachable by keyboard").
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        try:
            WebDriverWait(driver, 3).until(lambda d: (host_data() or {}).get("state") == "collapsed")
        except Exception:  # noqa: BLE001
            pass
        d = host_data() or {}
        panels = shadow().find_elements(By.CSS_SELECTOR, '[data-pl="panel"]')
        hidden = not panels or not panels[0].is_displayed()
        page_script = driver.execute_script("return document.documentElement.dataset.pageScript")
        dnt_style = driver.execute_script("return document.getElementById('dnt').getAttribute('style')")
        check("Escape closes the panel; page untouched",
              d.get("state") == "collapsed" and hidden and page_script == "ran" and dnt_style is None,
              f"state={d.get('state')} panelHidden={hidden} pageScript={page_script} dntStyle={dnt_style}")
    attempt("Escape closes the panel; page untouched", escape_closes)

    def find_tab(url):
        return ext_async("const tabs = await browser.tabs.query({}); const m = tabs.filter((t) => t.url === a[0]);"
                         "return m.length ? m[m.length - 1].id : null;", url)

    def popup_summary():
        tab_id = find_tab(f"{base}/privacy.html")
        if not isinstance(tab_id, int):
            check("popup page renders the summary", False, f"tab id not found: {json.dumps(tab_id)}")
            return
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{EXT_BASE}/popup.html?tabId={tab_id}")
            WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.body.dataset.state") in ("shown", "empty"))
            d = driver.execute_script("return Object.assign({}, document.body.dataset)")
            txt = " ".join(driver.find_element(By.CSS_SELECTOR, '[data-pl="summary"]').text.split())
            driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-popup.png"))
            ok = d.get("state") == "shown" and all(d.get(k) == v for k, v in EXPECTED.items())
            check("popup page renders the summary", ok, f"tabId={tab_id} {txt}" if ok else f"tabId={tab_id} {json.dumps(d)} {txt}")
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt("popup page renders the summary", popup_summary)

    def dismiss():
        shadow().find_element(By.CSS_SELECTOR, '[data-pl="dismiss"]').click()
        time.sleep(0.3)
        stored = ext_async("return await browser.storage.local.get('dismissed');")
        driver.refresh()
        WebDriverWait(driver, 10).until(lambda d: (host_data() or {}).get("state"))
        d = host_data() or {}
        pills = len(shadow().find_elements(By.CSS_SELECTOR, '[data-pl="pill"]'))
        visible = pills and shadow().find_element(By.CSS_SELECTOR, '[data-pl="pill"]').is_displayed()
        ok = isinstance(stored, dict) and (stored.get("dismissed") or {}).get("127.0.0.1") is True \
            and d.get("state") == "dismissed" and not visible
        check("dismiss hides the badge for the site", ok, f"stored={json.dumps(stored)} state={d.get('state')} pills={pills}")
        ext_async("await browser.storage.local.set({ dismissed: {} }); return true;")
    attempt("dismiss hides the badge for the site", dismiss)

    # ---- strict CSP page
    def strict():
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{base}/strict/privacy.html")
            d = wait_host()
            # the header itself (WebDriver has no response headers; a page fetch reads them)
            csp = driver.execute_async_script(
                "fetch(location.href, {cache: 'no-store'}).then((r) => arguments[0](r.headers.get('content-security-policy')),"
                " (e) => arguments[0]('fetch failed: ' + e))")
            inline_blocked = driver.execute_script(
                "try { const s = document.createElement('script'); s.textContent = 'window.__inl = 1';"
                " document.head.appendChild(s); } catch (e) {} return window.__inl === undefined;")
            ok = csp == "script-src 'self'" and all(d.get(k) == v for k, v in EXPECTED.items()) \
                and d.get("actionBadge") == ACTION_BADGE
            check("strict CSP page (script-src 'self') works", ok,
                  f"csp={csp} inlineScriptBlocked={inline_blocked} {json.dumps(d)}")
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt("strict CSP page (script-src 'self') works", strict)

    # ---- non-policy page
    def non_policy():
        before = (bg_state() or {}).get("analyzeCount")
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{base}/recipes.html")
            time.sleep(1.5)
            hosts = len(driver.find_elements(By.ID, "policy-lens-badge"))
            after = (bg_state() or {}).get("analyzeCount")
            ok = hosts == 0 and (before is None or after == before)
            note = "" if before is not None else " (background state unavailable; count not checked)"
            check("non-policy page: no badge, no analyze message", ok, f"hosts={hosts} analyzeCount {before}→{after}{note}")
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt("non-policy page: no badge, no analyze message", non_policy)

    def heading_only():
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{base}/about/statement.html")
            wait.until(lambda d: (host_data() or {}).get("actionBadge") is not None)
            got = host_data() or {}
            check("a policy known only by its first h2 (neutral address, title and h1) gets its badge",
                  got.get("dnt") == "honored" and got.get("age") == "16"
                  and got.get("contact") == "privacy@northwind-outfitters.example",
                  json.dumps({k: got.get(k) for k in ("dnt", "age", "contact")}))
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt("a policy known only by its first h2 (neutral address, title and h1) gets its badge", heading_only)

    # ---- popup "Analyze this page" on the non-policy page (on-demand analysis)
    def analyze_on_demand():
        driver.switch_to.new_window("tab")
        page_handle = driver.current_window_handle
        try:
            driver.get(f"{base}/recipes.html")
            time.sleep(0.3)
            before = (bg_state() or {}).get("analyzeCount")
            tab_id = find_tab(f"{base}/recipes.html")
            driver.switch_to.new_window("tab")
            try:
                driver.get(f"{EXT_BASE}/popup.html?tabId={tab_id}")
                WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.state") == "empty")
                driver.find_element(By.CSS_SELECTOR, '[data-pl="analyze"]').click()
                try:
                    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.body.dataset.state") == "shown")
                except Exception:  # noqa: BLE001 - reported below
                    pass
                status = driver.find_element(By.CSS_SELECTOR, '[data-pl="status"]').text
                pstate = driver.execute_script("return document.body.dataset.state")
            finally:
                driver.close()
                driver.switch_to.window(page_handle)
            after = (bg_state() or {}).get("analyzeCount")
            hosts = len(driver.find_elements(By.ID, "policy-lens-badge"))
            count_ok = before is None or after == before + 1
            check('popup "Analyze this page" analyzes on demand',
                  pstate == "shown" and count_ok and hosts == 1 and "does not look" in status,
                  f"tabId={tab_id} popupState={pstate} analyzeCount {before}→{after} badge={hosts} status={json.dumps(status)}")
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt('popup "Analyze this page" analyzes on demand', analyze_on_demand)

    # ---- policy text containing markup must be shown as text (only if such a page exists)
    xss = [p for p in ("xss.html", "markup.html", "hostile.html") if os.path.exists(os.path.join(PAGES, p))]
    if not xss:
        skip("policy containing <script>/<img onerror> text is shown as text",
             "no such page in tests/e2e/pages/ (privacy.html has no <script>/onerror text in its policy)")
    else:
        def markup_as_text():
            driver.get(f"{base}/{xss[0]}")
            wait_host()
            shadow().find_element(By.CSS_SELECTOR, '[data-pl="pill"]').click()
            sr = shadow()
            injected = len(sr.find_elements(By.CSS_SELECTOR, "script, img, iframe, [onerror]"))
            text = " ".join(e.get_attribute("textContent") for e in sr.find_elements(By.CSS_SELECTOR, '[data-pl="panel"]'))
            fired = driver.execute_script("return !!(window.__xss || document.documentElement.dataset.xss)")
            check("policy containing <script>/<img onerror> text is shown as text",
                  injected == 0 and not fired and ("<script" in text or "onerror" in text),
                  f"page={xss[0]} injectedElements={injected} fired={fired}")
        attempt("policy containing <script>/<img onerror> text is shown as text", markup_as_text)

    # ---- single-page app: a policy that arrives after load
    def spa():
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{base}/spa.html")
            wait.until(lambda d: (host_data() or {}).get("age") not in (None, "none"))
            got = host_data() or {}
            check("single-page app: a policy that arrives after load is analyzed once it settles",
                  got.get("dnt") == "notHonored" and got.get("age") == "13" and got.get("contact") == "privacy@orbit-planner.example",
                  json.dumps({k: got.get(k) for k in ("dnt", "age", "contact")}))
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
    attempt("single-page app: a policy that arrives after load is analyzed once it settles", spa)

    # ---- hostile page scripts and CSS (closed shadow root: testHooks off for this page)
    guard = {}

    def pill_point():
        return driver.execute_script("""
            const x = document.documentElement.clientWidth - 100, y = document.documentElement.clientHeight - 25;
            const top = document.elementFromPoint(x, y), host = document.getElementById('policy-lens-badge');
            const cs = host ? getComputedStyle(host) : null;
            return { x, y, onTop: !!host && top === host, top: top && top.localName, connected: !!(host && host.isConnected),
              display: cs && cs.display, visibility: cs && cs.visibility, opacity: cs && cs.opacity,
              attrs: host ? [...host.attributes].map((a) => a.name).filter((n) => !n.startsWith('data-')).join(' ') : '' };""")

    def guard_read():
        ext_async("await browser.storage.local.set({ testHooks: false }); return true;")
        driver.switch_to.new_window("tab")
        guard["handle"] = driver.current_window_handle
        try:
            driver.get(f"{base}/guard.html")
            wait_host()
            probe = driver.execute_script("return window.__probe()")
        finally:
            ext_async("await browser.storage.local.set({ testHooks: true }); return true;")
        check("page scripts cannot read the badge (closed shadow root, patched attachShadow)",
              probe.get("shadowRoot") == "null" and probe.get("innerHTML") == 0 and probe.get("textContent") == 0
              and probe.get("children") == 0 and probe.get("captured") == 0 and probe.get("reattach") == "threw",
              json.dumps(probe))
    attempt("page scripts cannot read the badge (closed shadow root, patched attachShadow)", guard_read)

    def in_guard(fn):
        def run():
            if "handle" not in guard:
                raise RuntimeError("guard page not open")
            driver.switch_to.window(guard["handle"])
            try:
                fn()
            finally:
                driver.switch_to.window(main_handle)
        return run

    def guard_css():
        got = pill_point()
        check("page !important CSS does not hide the badge", got["onTop"] and got["display"] == "block"
              and got["visibility"] == "visible" and got["opacity"] == "1", json.dumps(got))
    attempt("page !important CSS does not hide the badge", in_guard(guard_css))

    def guard_forge():
        before = (bg_state() or {}).get("analyzeCount")
        data_before = json.dumps(host_data(), sort_keys=True)
        forged = driver.execute_async_script("window.__forge(null).then(arguments[0], (e) => arguments[0]({error: String(e)}))")
        time.sleep(0.6)
        after = (bg_state() or {}).get("analyzeCount")
        d = host_data() or {}
        runtime = forged.get("runtime", "")
        api_hidden = driver.execute_script("return typeof browser === 'undefined' && "
                                           "(typeof chrome === 'undefined' || !chrome.runtime || !chrome.runtime.id)")
        check("a page cannot forge results (postMessage, events, chrome.runtime)",
              before is not None and after == before and json.dumps(d, sort_keys=True) == data_before and d.get("sharing") == "yes"
              and d.get("age") == "16" and (runtime == "none" or runtime.startswith(("refused", "threw"))) and api_hidden,
              f"forged={forged.get('forged')} runtime={runtime} extensionApiHidden={api_hidden} analyzeCount {before}→{after} "
              f"sharing={d.get('sharing')} age={d.get('age')}")
    attempt("a page cannot forge results (postMessage, events, chrome.runtime)", in_guard(guard_forge))

    def guard_hide():
        did = driver.execute_script("return window.__hide()")
        time.sleep(0.3)
        got = pill_point()
        check("page scripts cannot hide or remove the badge", did and got["connected"] and got["onTop"]
              and got["attrs"] == "id style" and got["display"] == "block", json.dumps(got))
    attempt("page scripts cannot hide or remove the badge", in_guard(guard_hide))

    def guard_styles():
        got = pill_point()
        ab = ActionBuilder(driver)
        ab.pointer_action.move_to_location(int(got["x"]), int(got["y"]))
        ab.pointer_action.click()
        ab.perform()
        WebDriverWait(driver, 5).until(lambda d: (host_data() or {}).get("state") == "open")
        diff = driver.execute_script("""
            const now = window.__styles();
            return Object.keys(now).filter((k) => now[k] !== window.__stylesBefore[k]).map((k) => `${k}: ${window.__stylesBefore[k]} ⇒ ${now[k]}`);""")
        driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-guard.png"))
        check("the badge does not restyle the page", not diff,
              " | ".join(diff)[:400] if diff else "html, body, main, h1, p, button, a unchanged with the panel open")
        driver.close()
        guard.pop("handle", None)
    attempt("the badge does not restyle the page", in_guard(guard_styles))

    # ---- from any page to its policy
    linked = {"policy": f"{base}/legal/lumen-privacy.html?utm_source=footer"}

    def popup_for(url_of_tab):
        tab_id = find_tab(url_of_tab)
        driver.switch_to.new_window("tab")
        driver.get(f"{EXT_BASE}/popup.html?tabId={tab_id}")
        return tab_id

    def linked_find():
        before = (bg_state() or {}).get("analyzeCount")
        driver.switch_to.new_window("tab")
        linked["page"] = driver.current_window_handle
        driver.get(f"{base}/home.html")
        time.sleep(0.4)
        hosts = len(driver.find_elements(By.ID, "policy-lens-badge"))
        tab_id = popup_for(f"{base}/home.html")
        linked["popup"] = driver.current_window_handle
        WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.linked"))
        found = driver.execute_script("return document.body.dataset.linked")
        href = driver.find_element(By.CSS_SELECTOR, '[data-pl="linked-url"]').get_attribute("href") if found == "found" else None
        after = (bg_state() or {}).get("analyzeCount")
        driver.switch_to.window(main_handle)
        check('non-policy page with a footer "Privacy Policy": popup finds the link',
              found == "found" and href == linked["policy"] and hosts == 0 and after == before,
              f"tabId={tab_id} linked={found} href={href} badge={hosts} analyzeCount {before}→{after}")
    attempt('non-policy page with a footer "Privacy Policy": popup finds the link', linked_find)

    def linked_analyze():
        driver.switch_to.window(linked["popup"])
        fetches_before = len([u for u in SERVED if u.startswith("/legal/")])
        driver.find_element(By.CSS_SELECTOR, '[data-pl="analyze-linked"]').click()
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.body.dataset.state") in ("shown", "error"))
        d = driver.execute_script("return Object.assign({status: document.getElementById('status').textContent}, document.body.dataset)")
        driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-popup-linked.png"))
        driver.close()
        driver.switch_to.window(linked["page"])
        h = wait_host()
        fetches = len([u for u in SERVED if u.startswith("/legal/")]) - fetches_before
        extra = [u for u in SERVED if u.startswith("/linked-only/")]
        here = driver.current_url
        driver.switch_to.window(main_handle)
        ok = d.get("state") == "shown" and d.get("source") == "linked" and d.get("policyUrl") == linked["policy"] \
            and d.get("sharing") == "yes" and d.get("dnt") == "honored" and d.get("age") == "13" \
            and d.get("contact") == "privacy@lumen-notes.example" and h.get("source") == "linked" \
            and h.get("policyUrl") == linked["policy"] and h.get("sharing") == "yes" and here == f"{base}/home.html" \
            and fetches == 1 and not extra
        check("\"Analyze this site's privacy policy\": summary in the popup, badge on the page", ok,
              f"popup={json.dumps(d)} host.source={h.get('source')} policyFetches={fetches} subresources={extra}")
    attempt("\"Analyze this site's privacy policy\": summary in the popup, badge on the page", linked_analyze)

    def linked_quotes():
        driver.switch_to.window(linked["page"])
        try:
            shadow().find_element(By.CSS_SELECTOR, '[data-pl="pill"]').click()
            sr = shadow()
            quotes = sr.find_elements(By.CSS_SELECTOR, '[data-pl="quote"]')
            links = [(q.tag_name, q.get_attribute("href"), q.get_attribute("target")) for q in quotes]
            prefix = linked["policy"] + "#:~:text="
            all_links = bool(links) and all(t == "a" and (h or "").startswith(prefix) and tg == "_blank" for t, h, tg in links)
            driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-linked-panel.png"))
            handles = set(driver.window_handles)
            sr.find_element(By.CSS_SELECTOR, '[data-pl="finding-dnt"] [data-pl="quote"]').click()
            WebDriverWait(driver, 10).until(lambda d: len(set(d.window_handles) - handles) == 1)
            new = (set(driver.window_handles) - handles).pop()
            driver.switch_to.window(new)
            WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith("http"))
            opened = driver.current_url
            driver.close()
            driver.switch_to.window(linked["page"])
            check("evidence of a fetched policy links to the policy page (text fragment)",
                  all_links and opened.startswith(linked["policy"]) and driver.current_url == f"{base}/home.html",
                  f"{len(links)} quotes, first {links[0] if links else None}; opened {opened}")
        finally:
            driver.switch_to.window(main_handle)
    attempt("evidence of a fetched policy links to the policy page (text fragment)", linked_quotes)

    def linked_groups():
        driver.switch_to.window(linked["page"])
        try:
            order = driver.execute_script("""
                const sr = document.getElementById('policy-lens-badge').shadowRoot;
                return [...sr.querySelectorAll('[data-pl="panel"] [data-pl^="group-"], [data-pl="panel"] > [data-pl="finding-sharing"]')]
                  .map((e) => e.dataset.pl);""")
        finally:
            driver.switch_to.window(main_handle)
        driver.switch_to.new_window("tab")
        try:
            driver.get(f"{EXT_BASE}/popup.html?tabId=-1")
            old = driver.execute_script("""
                const out = {};
                const reports = {
                  old: { isPolicy: { likely: true, score: 1 }, thirdPartySharing: { verdict: 'yes', evidence: [], purposes: [],
                    marketing: { verdict: 'no', evidence: [] }, sells: { verdict: 'no', evidence: [] }, namedThirdParties: [] },
                    doNotTrack: { verdict: 'honored', evidence: [] }, minimumAge: { age: 13, allAges: [13], evidence: [] },
                    contact: { emails: ['a@b.example'], evidence: [] } },
                  odd: { isPolicy: { likely: true }, rights: 'x', optOuts: {}, tracking: [], retention: { periods: 'no' },
                    security: { measures: null }, policyChanges: { updated: 'soon', notices: 3 }, internationalTransfers: { safeguards: [null] } },
                  empty: {},
                };
                for (const [k, r] of Object.entries(reports)) {
                  try {
                    const b = PolicyLensBadge.renderBadge(r, { shadowMode: 'open', parent: document.body });
                    const sr = b.host.shadowRoot;
                    out[k] = { sections: sr.querySelectorAll('[data-pl^="finding-"]').length,
                               groups: [...sr.querySelectorAll('[data-pl^="group-"]')].map((g) => g.dataset.pl) };
                    b.destroy();
                  } catch (e) { out[k] = 'threw ' + e.message; }
                }
                return out;""")
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
        want = ["group-attention", "finding-sharing", "group-rights", "group-tracking", "group-data", "group-policy"]
        check("panel draws the groups and copes with older reports",
              order == want and isinstance(old.get("old"), dict) and old["old"]["sections"] >= 5 and old["old"]["groups"] == []
              and isinstance(old.get("odd"), dict) and isinstance(old.get("empty"), dict),
              f"order={json.dumps(order)} older={json.dumps(old)}")
    attempt("panel draws the groups and copes with older reports", linked_groups)

    # Needs the Rust side of docs/findings.md: until it is merged the analyzer returns empty findings.
    def new_findings():
        driver.switch_to.window(linked["page"])
        try:
            got = driver.execute_script("""
                const sr = document.getElementById('policy-lens-badge').shadowRoot;
                const t = (sel) => (sr.querySelector(sel) ? sr.querySelector(sel).textContent.replace(/\\s+/g, ' ') : null);
                const kinds = (sel) => [...sr.querySelectorAll(sel)].map((e) => e.dataset.kind);
                return {
                  attention: [...sr.querySelectorAll('[data-pl="group-attention"] > section')].map((e) => e.dataset.pl),
                  rights: kinds('[data-pl="rights-list"] li'), exercise: t('[data-pl="exercise-list"]'),
                  optOuts: kinds('[data-pl="optouts-list"] li'), retention: t('[data-pl="finding-retention"]'),
                  tracking: t('[data-pl="finding-tracking"] h3'), security: kinds('[data-pl="security-measures"] li'),
                  transfers: kinds('[data-pl="transfer-safeguards"] li'), notices: kinds('[data-pl="change-notices"] li'),
                  updated: t('[data-pl="policy-updated"]'),
                  quotes: sr.querySelectorAll('[data-pl^="group-"] [data-pl="quote"]').length,
                };""")
            driver.close()
        finally:
            driver.switch_to.window(main_handle)
        ok = "attention-ads" in got["attention"] and "attention-deletion" not in got["attention"] \
            and "deletion" in got["rights"] and "privacy@lumen-notes.example" in (got["exercise"] or "") \
            and "marketingEmails" in got["optOuts"] and "as long as your account is active" in (got["retention"] or "") \
            and "tracking: Cookies" in (got["tracking"] or "") and "encryption" in got["security"] \
            and "standardContractualClauses" in got["transfers"] and "email" in got["notices"] \
            and "March 1, 2026" in (got["updated"] or "") and got["quotes"] >= 7
        check("panel groups the new findings", ok, json.dumps(got)[:600])
    attempt("panel groups the new findings", new_findings)

    # find-policy.js is injected by the popup (scripting.executeScript), not declared: it must work
    # on a page whose CSP allows only its own scripts too.
    def strict_linked():
        name = "strict CSP page: the popup injects the link search and analyzes the site's policy"
        driver.switch_to.new_window("tab")
        page = driver.current_window_handle
        try:
            driver.get(f"{base}/strict/home.html")
            time.sleep(0.4)
            popup_for(f"{base}/strict/home.html")
            try:
                WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.linked"))
                found = driver.execute_script("return document.body.dataset.linked")
                href = driver.find_element(By.CSS_SELECTOR, '[data-pl="linked-url"]').get_attribute("href") if found == "found" else None
                d = {}
                if found == "found":
                    driver.find_element(By.CSS_SELECTOR, '[data-pl="analyze-linked"]').click()
                    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.body.dataset.state") in ("shown", "error"))
                    d = driver.execute_script("return Object.assign({}, document.body.dataset)")
            finally:
                driver.close()
            driver.switch_to.window(page)
            h = wait_host() if found == "found" else {}
            driver.close()
        finally:
            driver.switch_to.window(main_handle)
        check(name, href == linked["policy"] and d.get("state") == "shown" and d.get("source") == "linked"
              and d.get("sharing") == "yes" and h.get("source") == "linked" and h.get("age") == "13",
              f"linked={found} href={href} popup.state={d.get('state')} popup.sharing={d.get('sharing')} "
              f"host={json.dumps({'source': h.get('source'), 'age': h.get('age')})}")
    attempt("strict CSP page: the popup injects the link search and analyzes the site's policy", strict_linked)

    # ---- changes since the last visit, and "Forget everything"
    changing = {"url": f"{base}/changing/privacy.html"}

    def set_version(v):
        urllib.request.urlopen(f"{base}/__version/{v}", timeout=5).read()

    def changed_visits():
        set_version(1)
        driver.switch_to.new_window("tab")
        changing["handle"] = driver.current_window_handle
        try:
            driver.get(changing["url"])
            first = wait_host()
            stored = ext_async("return (await browser.storage.local.get('policies')).policies || {};")
            rec = stored.get(changing["url"])
            no_text = rec is not None and "Tidepool" not in json.dumps(rec) and "evidence" not in json.dumps(rec)
            set_version(2)
            driver.refresh()
            WebDriverWait(driver, WAIT).until(lambda d: (host_data() or {}).get("age") == "16")
            second = host_data() or {}
            sr = shadow()
            marker = len(sr.find_elements(By.CSS_SELECTOR, '[data-pl="pill-changed"]'))
            sr.find_element(By.CSS_SELECTOR, '[data-pl="pill"]').click()
            changes = [(e.get_attribute("data-key"), e.get_attribute("textContent"))
                       for e in shadow().find_elements(By.CSS_SELECTOR, '[data-pl="change"]')]
            keys = [k for k, _ in changes]
            driver.save_screenshot(os.path.join(ARTIFACTS, "firefox-changed.png"))
        finally:
            driver.switch_to.window(main_handle)
        check('policy changed between two visits: badge says "changed", panel lists it',
              first.get("changed") == "false" and no_text and second.get("changed") == "true" and marker == 1
              and "sharing" in keys and "age" in keys and any(k == "age" and "13 → 16" in t for k, t in changes)
              and any(k == "sharing" and "No → Yes" in t for k, t in changes),
              f"first.changed={first.get('changed')} stored={json.dumps(rec and rec.get('f'))} second.changed={second.get('changed')} "
              f"changes={json.dumps(changes)}")
    attempt('policy changed between two visits: badge says "changed", panel lists it', changed_visits)

    def reanalysis_keeps():
        driver.switch_to.window(changing["handle"])
        popup_for(changing["url"])
        try:
            WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.state") == "shown")
            shown = driver.execute_script("return document.body.dataset.changed")
            driver.find_element(By.CSS_SELECTOR, '[data-pl="analyze"]').click()
            time.sleep(0.8)
        finally:
            driver.close()
            driver.switch_to.window(changing["handle"])
        h = (host_data() or {}).get("changed")
        driver.switch_to.window(main_handle)
        check("a re-analysis within the same visit keeps the changes", shown == "true" and h == "true",
              f"popup data-changed={shown} badge after re-analysis data-changed={h}")
    attempt("a re-analysis within the same visit keeps the changes", reanalysis_keeps)

    def bounded():
        ext_async("const { policies = {} } = await browser.storage.local.get('policies');"
                  "for (let i = 0; i < 505; i++) policies['https://seed.example/p' + i] = { at: 1000 + i, visit: 'seed', f: { sharing: 'no' }, base: null, baseAt: null };"
                  "await browser.storage.local.set({ policies }); return true;")
        driver.switch_to.window(changing["handle"])
        try:
            driver.refresh()
            wait_host()
            time.sleep(0.2)
        finally:
            driver.switch_to.window(main_handle)
        got = ext_async("const { policies = {} } = await browser.storage.local.get('policies'); const keys = Object.keys(policies);"
                        "return { n: keys.length, seeds: keys.filter((k) => k.startsWith('https://seed.example/')).length,"
                        " oldestGone: !('https://seed.example/p0' in policies), newestKept: 'https://seed.example/p504' in policies,"
                        " here: a[0] in policies };", changing["url"])
        check("remembered findings are bounded (500 policies, the oldest forgotten first)",
              got.get("n") == 500 and got.get("oldestGone") and got.get("newestKept") and got.get("here"), json.dumps(got))
    attempt("remembered findings are bounded (500 policies, the oldest forgotten first)", bounded)

    def forget_all():
        ext_async("await browser.storage.local.set({ dismissed: { 'forgotten.example': true } }); return true;")
        before = ext_async("return await browser.storage.local.get(null);")
        driver.switch_to.window(changing["handle"])
        popup_for(changing["url"])
        try:
            WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.state") == "shown")
            shown_changed = driver.execute_script("return document.body.dataset.changed")
            driver.find_element(By.CSS_SELECTOR, "details.forget summary").click()
            driver.find_element(By.CSS_SELECTOR, '[data-pl="forget"]').click()
            WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.body.dataset.forgot"))
            said = driver.find_element(By.CSS_SELECTOR, '[data-pl="forget-result"]').text
        finally:
            driver.close()
            driver.switch_to.window(main_handle)
        after = ext_async("return await browser.storage.local.get(null);")
        session = ext_async("return Object.keys(await browser.storage.session.get(null));")
        driver.switch_to.window(changing["handle"])
        try:
            driver.refresh()
            h = wait_host()
            driver.close()
        finally:
            driver.switch_to.window(main_handle)
        n = len((before or {}).get("policies") or {})
        left = [k for k in (after or {}) if k != "testHooks"]
        check('"Forget everything" clears storage; the next visit does not say changed',
              n >= 3 and not left and session == [] and h.get("changed") == "false"
              and f"{n} policies" in said and "1 site" in said,
              f"remembered {n} policies; popup data-changed={shown_changed}; after: {sorted(after or {})} session={session}; "
              f"said {json.dumps(said)}; next visit changed={h.get('changed')}")
    attempt('"Forget everything" clears storage; the next visit does not say changed', forget_all)

    # ---- no request left the machine (every other host reaches the test server as a proxy request)
    foreign = sorted({f for f in FOREIGN if "probe.policy-lens.invalid" not in f})  # the recorder check's own load
    check("no request leaves the machine during the session", not foreign,
          f"{len(SERVED)} requests to the test server; for other hosts: {json.dumps(foreign[:8])}")

    st = bg_state()
    if isinstance(st, dict) and "__error" not in st:
        check("background wasm ready", st.get("ready") is True and not st.get("error"),
              f"initMs={st.get('initMs')} error={st.get('error')}")
    else:
        check("background wasm ready", False, f"background state unavailable via runtime.getBackgroundPage(): {json.dumps(st)}")


if __name__ == "__main__":
    def on_timeout():
        print("FAIL - overall timeout (240 s)", flush=True)
        try:
            _live["driver"].quit()
        except Exception:  # noqa: BLE001
            pass
        print(f"{passed} passed, {failed + 1} failed", flush=True)
        os._exit(1)
    deadline = threading.Timer(240, on_timeout)
    deadline.daemon = True
    deadline.start()
    try:
        main()
    except Exception as e:  # noqa: BLE001
        check("e2e run", False, str(e).split("\n")[0])
    deadline.cancel()
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
