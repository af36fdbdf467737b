#!/usr/bin/env bash
# `make bench BENCH_BEFORE=<commit>`: builds <commit> in a worktree of its own (target/bench-before)
# and runs the phone-store and Lighthouse benchmarks against it, so a change's figures and the
# ones before it come from one run on one machine. The traffic generator is this checkout's.
set -euo pipefail
rev="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/target/bench-before/$(git -C "$root" rev-parse --short "$rev")"
if [ ! -d "$dir" ]; then
  git -C "$root" worktree add --detach "$dir" "$rev"
fi
mkdir -p "$dir/target"
[ -e "$dir/target/tools" ] || ln -s "$root/target/tools" "$dir/target/tools"
if [ ! -x "$dir/target/release/guardpost" ]; then
  (cd "$dir" && make build)
fi
echo "== What a phone downloads on first visit, on $rev"
(cd "$dir" && .ci/size-report.sh)
echo "== What the update from $rev to this checkout downloads (the worker keeps what did not change)"
"$root/.ci/update-bytes.sh" "$dir/target/site" "$root/target/site"
cd "$root/end2end"
BENCH_BUILD="$dir" npx playwright test -c bench.config.ts bench/store.spec.ts bench/lighthouse.spec.ts
