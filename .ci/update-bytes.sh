#!/usr/bin/env bash
# What a phone's service worker downloads to move from one build to the next: every file the
# worker precaches (pkg/, icons/, the manifest) whose path and content the older build's site
# does not hold, brotli-compressed as the server sends it. The worker copies the rest from its
# older cache (public/sw.js). The pages themselves (app::PAGES, rendered per person) are fetched
# again on every update and are not counted here.
# Usage: .ci/update-bytes.sh OLD_SITE NEW_SITE
set -euo pipefail
old="${1:?usage: $0 OLD_SITE NEW_SITE}"; new="${2:?usage: $0 OLD_SITE NEW_SITE}"
total=0; all=0; n=0
printf '%-56s %10s\n' "downloaded by the update" "brotli KB"
while IFS= read -r f; do
  rel="${f#"$new"/}"
  br=$(brotli -q 11 -c "$f" | wc -c)
  all=$((all + br))
  if [ -f "$old/$rel" ] && cmp -s "$f" "$old/$rel"; then continue; fi
  total=$((total + br)); n=$((n + 1))
  awk -v r="$rel" -v b="$br" 'BEGIN {printf "%-56s %10.1f\n", r, b/1024}'
done < <(find "$new/pkg" "$new/icons" "$new/manifest.webmanifest" -type f \
           ! -name '*.br' ! -name '*.gz' 2>/dev/null | sort)
awk -v n="$n" -v t="$total" -v a="$all" 'BEGIN {printf "update: %d files, %.1f KB brotli of %.1f KB the worker holds (%.0f%%)\n", n, t/1024, a/1024, 100*t/a}'
