#!/usr/bin/env bash
# Runs each cargo-fuzz target:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]          for a while (default 60 s each)
#   scripts/fuzz.sh --runs N [TARGET ...]         until N executions each (e.g. --runs 10000000)
#   --install                                     first install cargo-fuzz from crates.io into
#                                                 .tools/ (not on PATH otherwise; CI does not)
#   --sanitizer none|address|...                  cargo fuzz's -s (default address); the code
#                                                 forbids unsafe, so `none` loses little
#
# cargo fuzz builds with sanitizer flags that need a nightly compiler. Where only a stable
# toolchain exists, RUSTC_BOOTSTRAP=1 lets it accept them. When cargo-fuzz is missing and
# --install is not given, the script says so and exits 0: the corpus is still replayed on stable
# by `cargo test` (tests/fuzz_regressions.rs). New crashes land in fuzz/artifacts/<target>/; copy
# each into fuzz/corpus/<target>/ and add a regression test named after what broke.
# Each target prints its executions (stat::number_of_executed_units) and its exit status.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=60
runs=""
install=0
sanitizer=address
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?--runs needs a count}; shift 2 ;;
    --install) install=1; shift ;;
    --sanitizer) sanitizer=${2:?--sanitizer needs a name}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    [0-9]*) secs=$1; shift ;;
    -*) echo "fuzz.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(extract rules manifest jsonl)
export PATH="$PWD/.tools/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  if [ "$install" = 1 ]; then
    cargo install --locked --root .tools cargo-fuzz || { echo "fuzz.sh: could not install cargo-fuzz" >&2; exit 2; }
  else
    echo "fuzz.sh: cargo-fuzz is not installed (scripts/fuzz.sh --install); skipping fuzzing — the corpus is replayed by cargo test"
    exit 0
  fi
fi
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}
status=0
for target in "${targets[@]}"; do
  if [ -n "$runs" ]; then
    echo "== $target ($runs executions)"
    limit=(-runs="$runs")
  else
    echo "== $target ($secs s)"
    limit=(-max_total_time="$secs")
  fi
  mkdir -p "fuzz/corpus/$target"
  start=$(date +%s)
  cargo fuzz run -s "$sanitizer" "$target" "fuzz/corpus/$target" -- "${limit[@]}" -max_len=65536 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-" || true
  rc=${PIPESTATUS[0]}
  echo "$target: exit $rc after $(( $(date +%s) - start )) s"
  [ "$rc" -eq 0 ] || status=1
done
exit $status
