#!/usr/bin/env bash
# Runs each cargo-fuzz target for a while:  scripts/fuzz.sh [SECONDS_PER_TARGET]  (default 60)
#
# cargo fuzz builds with sanitizer flags that need a nightly compiler. Where only a stable
# toolchain exists, RUSTC_BOOTSTRAP=1 lets it accept them. When cargo-fuzz is missing, the script
# says so and exits 0: the corpus is still replayed on stable by `cargo test`
# (tests/fuzz_regressions.rs). New crashes land in fuzz/artifacts/<target>/; copy each into
# fuzz/corpus/<target>/ and add a regression test named after what broke.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is not installed (cargo install cargo-fuzz); skipping fuzzing — the corpus is replayed by cargo test"
  exit 0
fi
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}
status=0
for target in extract rules manifest jsonl; do
  echo "== $target ($secs s)"
  mkdir -p "fuzz/corpus/$target"
  cargo fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time="$secs" -max_len=65536 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-" || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
exit $status
