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
import uuid

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.firefox.options import Options
from selenium.webdriver.firefox.service import Service
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EXT = os.path.join(ROOT, "dist", "firefox")
PAGES = os.path.join(HERE, "pages")
ARTIFACTS = os.path.join(HERE, "artifacts")
FIREFOX = os.environ.get("FIREFOX_BIN", "/usr/bin/firefox-esr")
GECKODRIVER = os.environ.get("GECKODRIVER", os.path.expanduser("~/.cargo/bin/geckodriver"))
GECKO_ID = "policy-lens@policy-lens.example"
UUID = str(uuid.uuid4())
EXT_BASE = f"moz-extension://{UUID}"
WAIT = 15  # seconds, upper bound for every WebDriverWait

EXPECTED = {"sharing": "yes", "dnt": "notHonored", "age": "16", "contact": "privacy@lumen-notes.example"}
ACTION_BADGE = "SHR"

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


# ---- static server for the test pages (/strict/X is page X again, with a CSP header)
class Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
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
        opts = Options()
        opts.binary_location = FIREFOX
        opts.add_argument("-headless")
        opts.add_argument("--width=1100")
        opts.add_argument("--height=800")
        opts.set_preference("extensions.webextensions.uuids", json.dumps({GECKO_ID: UUID}))
        opts.set_preference("browser.shell.checkDefaultBrowser", False)
        opts.set_preference("datareporting.policy.dataSubmissionEnabled", False)
        opts.set_preference("app.update.auto", False)
        service = Service(GECKODRIVER, service_args=["--allow-system-access"], log_output=os.devnull)
        driver = webdriver.Firefox(options=opts, service=service)
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
