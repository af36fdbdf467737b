#!/usr/bin/env bash
# What a phone downloads on first visit: the current build's main wasm, JS, CSS and the split
# loader (named by the hash.txt cargo-leptos wrote beside the server binary), raw and
# brotli-compressed; then the lazily loaded chunks (fetched when a page that needs them first
# opens, and cached by the service worker in the background for offline use), and what each
# lazy part downloads in all.
# With --budget KB, fails when the first visit's brotli total exceeds it.
set -euo pipefail
cd "$(dirname "$0")/.."
site=target/site
hashfile=target/release/hash.txt
budget=""
[ "${1:-}" = "--budget" ] && budget="$2"
[ -f "$hashfile" ] || { echo "no $hashfile: run 'make build' first" >&2; exit 1; }
h() { awk -F': *' -v k="$1" '$1 == k {print $2}' "$hashfile"; }
files=("$site/pkg/guardpost.$(h wasm).wasm" "$site/pkg/guardpost.$(h js).js" "$site/pkg/guardpost.$(h css).css")
[ -n "$(h split)" ] && files+=("$site/pkg/__wasm_split.$(h split).js")
total_raw=0; total_br=0
row() { awk -v n="$1" -v r="$2" -v b="$3" 'BEGIN {printf "%-56s %10.1f %10.1f\n", n, r/1024, b/1024}'; }
printf '%-56s %10s %10s\n' "first visit" "raw KB" "brotli KB"
for f in "${files[@]}"; do
  raw=$(stat -c %s "$f")
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_br=$((total_br + br))
  row "$(basename "$f")" "$raw" "$br"
done
row "total (first visit)" "$total_raw" "$total_br"
manifest="$site/pkg/__wasm_split_manifest.$(h manifest).json"
if [ -n "$(h manifest)" ] && [ -f "$manifest" ]; then
  printf '%-56s %10s %10s\n' "lazy chunks" "raw KB" "brotli KB"
  lazy_raw=0; lazy_br=0; big=0; big_name=""; chunk_files=()
  sizes=$(mktemp); trap 'rm -f "$sizes"' EXIT
  for c in $(tr -d '[]{}"' < "$manifest" | tr ',:' '\n\n' | grep -E '^(chunk_|split_)' | sort -u); do
    f="$site/pkg/$c.wasm"; chunk_files+=("$f")
    raw=$(stat -c %s "$f"); br=$(brotli -q 11 -c "$f" | wc -c)
    lazy_raw=$((lazy_raw + raw)); lazy_br=$((lazy_br + br))
    [ "$br" -gt "$big" ] && { big=$br; big_name=$c; }
    row "$c.wasm" "$raw" "$br"
    echo "$c $br" >> "$sizes"
  done
  row "total (lazy chunks)" "$lazy_raw" "$lazy_br"
  awk -v n="$big_name" -v b="$big" 'BEGIN {printf "largest lazy chunk: %s, %.1f KB brotli\n", n, b/1024}'
  python3 .ci/split-closures.py "$manifest" "$sizes"
  # The chunks' own words and tables: the split tool falls back to keeping every byte of data
  # in the main module when its packing overflows (SPLIT_DATA_SLACK in app/src/lib.rs).
  main_data=$(python3 .ci/wasm-data.py "${files[0]}")
  lazy_data=$(python3 .ci/wasm-data.py "${chunk_files[@]}")
  awk -v m="$main_data" -v l="$lazy_data" 'BEGIN {printf "data (words, tables): main %.1f KB raw, lazy chunks %.1f KB raw\n", m/1024, l/1024}'
  if [ "${#chunk_files[@]}" -gt 10 ] && [ "$lazy_data" -lt 4096 ]; then
    echo "SPLIT DATA KEPT IN MAIN: the lazy chunks hold no data; the split tool could not place it (see SPLIT_DATA_SLACK in app/src/lib.rs)" >&2
    exit 1
  fi
fi
if [ -n "$budget" ]; then
  if [ "$total_br" -gt $((budget * 1024)) ]; then
    echo "SIZE BUDGET EXCEEDED: first visit $((total_br / 1024)) KB brotli > $budget KB" >&2
    exit 1
  fi
  echo "size budget ok: first visit $((total_br / 1024)) KB brotli <= $budget KB"
fi
