#!/usr/bin/env bash
# The Spark job on the real engine (local[2]), proven equal to one process: a generated corpus
# plus seeds/ plus the development clusters (when ../shared/eval/clusters exists). Called by
# .ci/run; run it by hand from the repository root. Needs Java 17+ and pip (pyspark is installed
# in a virtual environment under the cache folder). Without Java or pyspark it says so, and
# fails when CI is set.
#   SPARK_TEST_SIZE   size of the generated corpus (default 30MB, about 3,600 articles)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYSPARK_VERSION=3.5.8 # supports Java 8, 11 and 17, Python 3.8 to 3.12
cache="${XDG_CACHE_HOME:-$HOME/.cache}/claimdiff-ci"
venv="$cache/venv"
work="$cache/spark-test"

missing() {
    echo "spark test: $1"
    if [ -n "${CI:-}" ]; then exit 1; fi
    echo "spark test: skipped (not in CI)"
    exit 0
}

java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}
if ! command -v java >/dev/null && [ -n "${CI:-}" ] && command -v apt-get >/dev/null; then
    apt-get update && apt-get install -y openjdk-17-jre-headless || true
fi
command -v java >/dev/null || missing "no Java (Spark needs Java 17+: apt-get install openjdk-17-jre-headless)"
[ "$(java_major)" -ge 17 ] 2>/dev/null || missing "Java $(java_major) found; Spark here needs Java 17+"

if ! "$venv/bin/python" -c "import pyspark; assert pyspark.__version__ == '$PYSPARK_VERSION'" 2>/dev/null; then
    python3 -m venv "$venv" || missing "cannot create a Python virtual environment in $venv"
    "$venv/bin/pip" install --quiet "pyspark==$PYSPARK_VERSION" ||
        missing "cannot install pyspark==$PYSPARK_VERSION"
fi

cargo build --release --locked --quiet
cargo build --release --locked --quiet --example make-corpus
rm -rf "$work" && mkdir -p "$work"
target/release/examples/make-corpus --size "${SPARK_TEST_SIZE:-30MB}" --out "$work/corpus"
rm -rf "$work/corpus/articles" # the .txt copies; the job reads articles.jsonl

clusters=()
[ -d ../shared/eval/clusters ] && clusters=(--clusters ../shared/eval/clusters)
started=$(date +%s)
export SPARK_LOCAL_IP=127.0.0.1 # local mode: loopback, whatever the host name resolves to
"$venv/bin/python" scripts/spark/test_spark.py --claimdiff target/release/claimdiff \
    --corpus "$work/corpus/articles.jsonl" --seeds seeds "${clusters[@]}" --work "$work" \
    2> >(grep -v -e '^\s*$' -e 'WARN Utils' -e 'NativeCodeLoader' -e 'setLogLevel' \
        -e 'Setting default log level' >&2)
echo "spark test: $(($(date +%s) - started)) s wall time"
