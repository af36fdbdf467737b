#!/usr/bin/env bash
# Writes .br (quality 11) and .gz beside each file of the built pkg folder, so the server sends
# the smallest form without compressing on every request. Leaves old hashed files alone.
set -euo pipefail
site="${1:-target/site}"
find "$site/pkg" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) | while read -r f; do
  [ "$f.br" -nt "$f" ] || brotli -q 11 -f -k "$f"
  [ "$f.gz" -nt "$f" ] || gzip -9 -f -k "$f"
done
