"""Starting headless Firefox ESR with the built extension: one recipe for the e2e suite
(tests/e2e/firefox.py) and the benchmark (bench/browser-firefox.py)."""

import json
import os
import uuid

from selenium import webdriver
from selenium.webdriver.firefox.options import Options
from selenium.webdriver.firefox.service import Service

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXT = os.path.join(ROOT, "dist", "firefox")
FIREFOX = os.environ.get("FIREFOX_BIN", "/usr/bin/firefox-esr")
GECKODRIVER = os.environ.get("GECKODRIVER", os.path.expanduser("~/.cargo/bin/geckodriver"))
GECKO_ID = "policy-lens@policy-lens.example"
# A fixed internal UUID per run, so that moz-extension://UUID/popup.html can be opened.
UUID = str(uuid.uuid4())
EXT_BASE = f"moz-extension://{UUID}"


def options(prefs=None):
    """Headless Firefox, 1100×800, the extension's UUID fixed, no update or default-browser checks,
    and `prefs` on top."""
    opts = Options()
    opts.binary_location = FIREFOX
    opts.add_argument("-headless")
    opts.add_argument("--width=1100")
    opts.add_argument("--height=800")
    opts.set_preference("extensions.webextensions.uuids", json.dumps({GECKO_ID: UUID}))
    opts.set_preference("browser.shell.checkDefaultBrowser", False)
    opts.set_preference("app.update.auto", False)
    for pref, value in (prefs or {}).items():
        opts.set_preference(pref, value)
    return opts


def start(opts, env=None):
    """The driver for `opts` (geckodriver with system access, for the add-on install)."""
    service = Service(GECKODRIVER, service_args=["--allow-system-access"], log_output=os.devnull, env=env)
    return webdriver.Firefox(options=opts, service=service)
