#!/usr/bin/env bash
# Installs what building Guardpost needs, skipping whatever is already there:
# the wasm32 target, cargo-leptos, the wasm-bindgen CLI of the version in Cargo.lock,
# wasm-opt (binaryen 132 from npm, into target/tools: Debian's 108 breaks wasm-bindgen's externref
# table), brotli, and python3 (the layout check in `make lint`). With `--test` also what the tests need:
# Debian's Chromium, a CJK font for screenshots, libfaketime, and the end2end npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  echo "== installing cargo-leptos 0.3.10 (about 20 minutes on 2 cores)"
  cargo install cargo-leptos@0.3.10 --locked --features no_downloads
fi

wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  echo "== installing wasm-bindgen-cli $wbg"
  # Not --locked: the locked build asks for a webpki-roots release the registry does not serve.
  cargo install wasm-bindgen-cli --version "$wbg"
fi

have brotli || need_apt+=(brotli)
have python3 || need_apt+=(python3)
have npm || need_apt+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  have chromium || need_apt+=(chromium)
  # libfaketime: the offline-time spec runs a server three hours in the past, then moves it on.
  [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || need_apt+=(faketime)
  fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk' || need_apt+=(fonts-wqy-microhei)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing from Debian: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${need_apt[@]}"
fi

if ! target/tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  echo "== installing wasm-opt (binaryen 132) from npm into target/tools"
  npm install --prefix target/tools --no-audit --no-fund --no-save binaryen@132.0.0
fi

if [ "${1:-}" = "--test" ]; then
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    echo "== installing the end2end npm packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
