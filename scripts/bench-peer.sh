#!/usr/bin/env bash
# Whole-process speed of `claimdiff extract --format jsonl DIR` against the peer of issue 15
# (the duckling crate, numeral dimension only: benches/src/bin/duckling_numerals.rs), in one
# run, on the same files:
#
#   seeds x460     460 copies of the five seed articles (seeds/*.txt), 19.9 MB: the corpus of
#                  issue 15, made by a copy loop (make-corpus varies the figures; this is the
#                  issue's corpus exactly), no manifest;
#   clusters x400  400 copies of the 41 articles of ../shared/eval/clusters/*/ (Arabic and
#                  English), 20.3 MB, no manifest; skipped when ../shared is absent.
#
# For each it prints CPU-seconds (user+sys of /usr/bin/time, the median of RUNS runs, default
# 3), MB per CPU-second and claimdiff's ratio to the peer. This machine's timings vary by
# +-20 %, so it then counts instructions with callgrind on a smaller input (5 copies of the
# seeds, 216 KB, and one of the clusters), start-up included, and on an empty folder (start-up
# alone).
#
#   scripts/bench-peer.sh            # RUNS=5 scripts/bench-peer.sh; NO_CALLGRIND=1 to skip it
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --locked --quiet --bin claimdiff
cargo build --release --locked --quiet -p claimdiff-bench --bin duckling_numerals
target=${CARGO_TARGET_DIR:-target}
claimdiff=$target/release/claimdiff
peer=$target/release/duckling_numerals
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# copies N SRC_FILES... DEST: DEST/i_name for i in 1..N
copies() {
    local n=$1 dest=${!#} i f
    mkdir -p "$dest"
    for ((i = 1; i <= n; i++)); do
        for f in "${@:2:$#-2}"; do cp "$f" "$dest/${i}_$(basename "$f")"; done
    done
}

# cpu_seconds CMD...: the median user+sys of RUNS runs, stdout discarded
cpu_seconds() {
    local i
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null
        awk '{ printf "%.2f\n", $1 + $2 }' "$work/time"
    done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

corpora=(seeds)
copies 460 seeds/*.txt "$work/seeds"
clusters=../shared/eval/clusters
if compgen -G "$clusters/*/*.txt" >/dev/null; then
    copies 400 "$clusters"/*/*.txt "$work/clusters"
    corpora+=(clusters)
else
    echo "($clusters is absent: clusters skipped)"
fi

echo "## Whole process, CPU-seconds (median of $RUNS runs), $(date -u +%F)"
echo
echo "| input | MB | claimdiff CPU-s | claimdiff MB/CPU-s | peer CPU-s | peer MB/CPU-s | ratio |"
echo "|---|---|---|---|---|---|---|"
for c in "${corpora[@]}"; do
    bytes=$(cat "$work/$c"/*.txt | wc -c)
    ours=$(cpu_seconds "$claimdiff" extract --format jsonl "$work/$c")
    theirs=$(cpu_seconds "$peer" "$work/$c")
    awk -v name="$c" -v b="$bytes" -v o="$ours" -v t="$theirs" 'BEGIN {
        mb = b / 1e6
        printf "| %s | %.1f | %.2f | %.1f | %.2f | %.1f | %.2fx |\n",
            name, mb, o, mb / o, t, mb / t, t / o
    }'
done

[ -n "${NO_CALLGRIND:-}" ] && exit 0
command -v valgrind >/dev/null || { echo "(valgrind is absent: no instruction counts)"; exit 0; }
mkdir -p "$work/small-seeds" "$work/empty"
copies 5 seeds/*.txt "$work/small-seeds"
small=(small-seeds)
if [ -d "$work/clusters" ]; then
    copies 1 "$clusters"/*/*.txt "$work/small-clusters"
    small+=(small-clusters)
fi
# instructions CMD...: instructions executed (callgrind's "Collected"), stdout discarded
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        awk '/Collected :/ { print $NF }'
}
echo
echo "## Instructions (callgrind, start-up included)"
echo
echo "| input | bytes | claimdiff | claimdiff / byte | peer | peer / byte |"
echo "|---|---|---|---|---|---|"
ours=$(instructions "$claimdiff" extract --format jsonl "$work/empty")
theirs=$(instructions "$peer" "$work/empty")
echo "| empty folder (start-up) | 0 | $ours | — | $theirs | — |"
for c in "${small[@]}"; do
    bytes=$(cat "$work/$c"/*.txt | wc -c)
    ours=$(instructions "$claimdiff" extract --format jsonl "$work/$c")
    theirs=$(instructions "$peer" "$work/$c")
    awk -v name="$c" -v b="$bytes" -v o="$ours" -v t="$theirs" 'BEGIN {
        printf "| %s | %d | %d | %.0f | %d | %.0f |\n", name, b, o, o / b, t, t / b
    }'
done
