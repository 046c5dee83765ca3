#!/usr/bin/env bash
# Policy Lens build script.
#
#   ./build.sh         install what is missing, build the wasm, assemble extension/pkg, dist/www,
#                      dist/chrome, dist/firefox and their zips
#   ./build.sh serve   build, then serve dist/www on http://127.0.0.1:8000
#   ./build.sh test    build, then run every check (fmt, clippy, cargo test, wasm tests in Node,
#                      Chromium and Firefox, boundary contract, web-ext lint, e2e) and summarise
#   ./build.sh bench   build, then run the benchmarks (Chromium, Firefox, native throughput,
#                      criterion); they print figures and assert nothing (bench/README.md)
#
# Every install step is skipped when what it installs is already present.
set -eu
cd "$(dirname "$0")"
MODE="${1:-build}"
ROOT="$PWD"
export PATH="$HOME/.cargo/bin:$PATH"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

step() { echo "*** $*"; }

case "$MODE" in build | serve | test | bench) ;; *)
  echo "usage: $0 [build|serve|test|bench]" >&2
  exit 2
  ;;
esac

# ---------------------------------------------------------------- install what is missing
step "rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

WB_VER=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
step "wasm-bindgen-cli $WB_VER"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VER" ]; then
  # --locked fails when the registry lags behind the CLI's lock file (toolchain.md §7.1).
  cargo install wasm-bindgen-cli --version "$WB_VER" --locked ||
    cargo install wasm-bindgen-cli --version "$WB_VER" --force
fi

step "geckodriver"
if ! command -v geckodriver >/dev/null; then
  cargo install geckodriver --locked
fi

step "browsers (apt: chromium chromium-driver firefox-esr)"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/firefox-esr ]; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
    chromium chromium-driver firefox-esr
fi

step "npm packages (playwright-core, web-ext, binaryen)"
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
    [ package.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
elif [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
  npm install --no-audit --no-fund
fi

step "python venv with selenium 4.51.0"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import selenium' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install -q 'selenium==4.51.0'
fi

# ---------------------------------------------------------------- build
step "cargo build (profile wasm, wasm32, no default features)"
cargo build --profile wasm --target wasm32-unknown-unknown --lib --no-default-features
WASM=target/wasm32-unknown-unknown/wasm/policy_lens.wasm

step "wasm-bindgen --target web -> extension/pkg"
rm -rf extension/pkg
wasm-bindgen --target web --no-typescript --out-dir extension/pkg "$WASM"

step "wasm-opt -Oz (npm binaryen; Debian's wasm-opt 108 miscompiles, toolchain.md §1.4)"
npx --no-install wasm-opt -Oz extension/pkg/policy_lens_bg.wasm -o extension/pkg/policy_lens_bg.wasm

step "www/pkg and dist/www"
rm -rf www/pkg dist/www
cp -r extension/pkg www/pkg
mkdir -p dist/www
cp -r www/. dist/www/
cp extension/badge.js dist/www/badge.js

for browser in chrome firefox; do
  step "dist/$browser"
  rm -rf "dist/$browser" "dist/policy-lens-$browser.zip"
  mkdir -p "dist/$browser"
  (cd extension && tar --exclude='*~' --exclude='*.py' -cf - .) | (cd "dist/$browser" && tar -xf -)
  # The one per-browser difference: Chrome uses background.service_worker, Firefox background.scripts.
  python3 - "dist/$browser/manifest.json" "$browser" <<'PY'
import json, sys
path, browser = sys.argv[1], sys.argv[2]
m = json.load(open(path))
bg = m["background"]
if browser == "chrome":
    bg.pop("scripts", None)
    m.pop("browser_specific_settings", None)
else:
    bg.pop("service_worker", None)
json.dump(m, open(path, "w"), indent=2)
open(path, "a").write("\n")
PY
  (cd "dist/$browser" && python3 -m zipfile -c "../policy-lens-$browser.zip" $(ls -A))
done

step "sizes"
RAW=$(wc -c <extension/pkg/policy_lens_bg.wasm)
GZ=$(gzip -9c extension/pkg/policy_lens_bg.wasm | wc -c)
echo "wasm: $RAW bytes raw, $GZ bytes gzip -9 (extension/pkg/policy_lens_bg.wasm)"
for z in dist/policy-lens-chrome.zip dist/policy-lens-firefox.zip; do
  echo "zip:  $(wc -c <"$z") bytes $z"
done

# ---------------------------------------------------------------- serve
if [ "$MODE" = serve ]; then
  step "serving dist/www on http://127.0.0.1:8000 (Ctrl-C to stop)"
  exec python3 -m http.server --bind 127.0.0.1 --directory dist/www 8000
fi

# ---------------------------------------------------------------- test
if [ "$MODE" = test ]; then
  PASSED=0
  FAILED=0
  FAILED_NAMES=""
  run() {
    local name="$1"
    shift
    step "test: $name"
    if "$@"; then
      PASSED=$((PASSED + 1))
      echo "*** ok: $name"
    else
      FAILED=$((FAILED + 1))
      FAILED_NAMES="$FAILED_NAMES
  - $name"
      echo "*** FAILED: $name"
    fi
  }
  WASM_TEST="cargo test --target wasm32-unknown-unknown --no-default-features"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  GECKO="$(command -v geckodriver)"

  run "cargo fmt --check" cargo fmt --check
  run "cargo clippy (native)" cargo clippy --all-targets -- -D warnings
  run "cargo clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --no-default-features \
    --lib --test node --test browser -- -D warnings
  run "cargo test (native, release: the corpus and robustness tests are heavy)" cargo test --release
  run "wasm-bindgen-test: node" $WASM_TEST --test node
  run "wasm-bindgen-test: chromium" env -u GECKODRIVER CHROMEDRIVER=/usr/bin/chromedriver \
    $WASM_TEST --test browser
  run "wasm-bindgen-test: firefox" env -u CHROMEDRIVER GECKODRIVER="$GECKO" $WASM_TEST --test browser
  run "node --test tests/boundary.test.mjs" node --test tests/boundary.test.mjs
  run "web-ext lint dist/firefox" npx --no-install web-ext lint --source-dir dist/firefox
  run "e2e chromium" node tests/e2e/chromium.mjs
  if [ -f tests/e2e/firefox.py ]; then
    run "e2e firefox" .venv/bin/python tests/e2e/firefox.py
  fi

  if [ -n "$FAILED_NAMES" ]; then
    echo "*** failed steps:$FAILED_NAMES"
  fi
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
fi

# ---------------------------------------------------------------- bench
if [ "$MODE" = bench ]; then
  uptime
  step "bench: Chromium (bench/browser-chromium.mjs)"
  node bench/browser-chromium.mjs
  step "bench: Firefox (bench/browser-firefox.py)"
  .venv/bin/python bench/browser-firefox.py
  step "bench: the WASM module in Node (bench/node.mjs)"
  node bench/node.mjs
  step "bench: native throughput (examples/throughput.rs)"
  cargo run --release --example throughput
  if [ -d ../shared/corpus/ota ]; then
    step "bench: the anchor scan alone (examples/scan.rs, 14 ota policies)"
    # shellcheck disable=SC2046 # one argument per file
    cargo run --release --example scan -- $(ls -S ../shared/corpus/ota/* | awk 'NR%20==0' | head -14)
  fi
  step "bench: criterion (benches/analyze.rs)"
  cargo bench --bench analyze
fi
