#!/usr/bin/env bash
# What a phone downloads on first visit: the current build's wasm, JS and CSS (named by the
# hash.txt cargo-leptos wrote beside the server binary), raw and brotli-compressed.
# With --budget KB, fails when wasm+JS+CSS brotli exceed it.
set -euo pipefail
cd "$(dirname "$0")/.."
site=target/site
hashfile=target/release/hash.txt
budget=""
[ "${1:-}" = "--budget" ] && budget="$2"
[ -f "$hashfile" ] || { echo "no $hashfile: run 'make build' first" >&2; exit 1; }
h() { awk -F': *' -v k="$1" '$1 == k {print $2}' "$hashfile"; }
files=("$site/pkg/guardpost.$(h wasm).wasm" "$site/pkg/guardpost.$(h js).js" "$site/pkg/guardpost.$(h css).css")
total_raw=0; total_br=0
printf '%-44s %10s %10s\n' "file" "raw KB" "brotli KB"
for f in "${files[@]}"; do
  raw=$(stat -c %s "$f")
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_br=$((total_br + br))
  awk -v n="$(basename "$f")" -v r="$raw" -v b="$br" 'BEGIN {printf "%-44s %10.1f %10.1f\n", n, r/1024, b/1024}'
done
awk -v r="$total_raw" -v b="$total_br" 'BEGIN {printf "%-44s %10.1f %10.1f\n", "total (wasm+js+css)", r/1024, b/1024}'
if [ -n "$budget" ]; then
  if [ "$total_br" -gt $((budget * 1024)) ]; then
    echo "SIZE BUDGET EXCEEDED: $((total_br / 1024)) KB brotli > $budget KB" >&2
    exit 1
  fi
  echo "size budget ok: $((total_br / 1024)) KB brotli <= $budget KB"
fi
