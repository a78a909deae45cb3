#!/usr/bin/env python3
"""claimdiff as a Spark job: the report one process gives, computed on a cluster.

    spark-submit scripts/spark/claimdiff_spark.py --input day.jsonl --output report.json \\
        --claimdiff target/release/claimdiff [--partitions 64] [--rules my-rules/]

Input: JSON Lines, one article a line ({"id","outlet","date","url","language","text"}), from
any path Spark reads (local, HDFS, S3). Output: the JSON report of `claimdiff compare
--format json` on the same articles, written by the driver to a local file. When claimdiff
fails on a partition (a line that is not an article), the job stops with its message (the
line number counts from the start of that partition) and writes no report.

The stages (docs/scale.md):

1. map: each input partition is piped through `claimdiff extract --jsonl - --format json`
   (documents and claims, each claim carrying its partition key);
2. claims are sorted in report order (document by path and id, then the order extract gave
   within a document) and numbered `c1`, `c2`, ... as one process numbers them;
3. reduce: claims are partitioned by key, sorted by number within a partition, and each key's
   claims are piped through `claimdiff compare --claims - --partial`, which groups them
   keeping their ids; a reducer holds one key's claims at a time;
4. merge: groups are sorted as one process sorts them (verdict, first claim, then key and the
   reducer's order) and numbered `g1`, `g2`, ...; documents, claims and groups are streamed to
   the output in claimdiff's own JSON layout.

The claimdiff binary and the --rules folder are shipped to the executors with addFile.
"""

import argparse
import itertools
import json
import os
import stat
import subprocess
import sys
import threading
import time
import zlib

# the report is written from sorted streams pulled to the driver one partition at a time: at
# least this many partitions, so one holds a few MB of claims (the claims' text and sentences),
# not a whole corpus's share, whatever --partitions says
STREAM_PARTITIONS = 32
VERDICT_RANK = {"conflict": 0, "update": 1, "agree": 2, "single": 3}


class Raw(str):
    """A JSON number kept as the text claimdiff wrote, so it is written back unchanged."""


def loads(text):
    """Parses JSON keeping key order and the exact text of non-integer numbers."""
    return json.loads(text, parse_float=Raw)


def dumps(value, indent=None, level=0):
    """Writes JSON as serde_json does: compact, or pretty with two-space indents."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        items = [json.dumps(k, ensure_ascii=False) + (": " if indent else ":")
                 + dumps(v, indent, level + 1) for k, v in value.items()]
        return _wrap("{", "}", items, indent, level)
    if isinstance(value, list):
        return _wrap("[", "]", [dumps(v, indent, level + 1) for v in value], indent, level)
    return json.dumps(value, ensure_ascii=False)


def _wrap(open_, close, items, indent, level):
    if not items:
        return open_ + close
    if not indent:
        return open_ + ",".join(items) + close
    pad = " " * (indent * (level + 1))
    return (open_ + "\n" + ",\n".join(pad + i for i in items) + "\n"
            + " " * (indent * level) + close)


def peak_rss_kb(pid):
    """The peak resident memory (VmHWM) of a running process, in KB; None when unknown."""
    try:
        with open("/proc/%d/status" % pid, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_piped(cmd, lines):
    """Runs cmd with `lines` (an iterable of bytes) on stdin; returns (stdout, peak RSS in KB,
    seconds). Raises RuntimeError with claimdiff's message when it fails.

    The peak is claimdiff's own VmHWM, sampled every 20 ms while it runs (wait4's ru_maxrss
    would include the forking Python worker's memory, which exec keeps in the count)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err, peak = [], [], [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.02):
            kb = peak_rss_kb(proc.pid)
            if kb:
                peak[0] = max(peak[0], kb)

    readers = [threading.Thread(target=lambda: out.append(proc.stdout.read())),
               threading.Thread(target=lambda: err.append(proc.stderr.read())),
               threading.Thread(target=sample)]
    for t in readers:
        t.start()
    try:
        for line in lines:
            proc.stdin.write(line)
    except BrokenPipeError:
        pass  # claimdiff stopped early: its exit code and message say why
    finally:
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
    for t in readers[:2]:
        t.join()
    kb = peak_rss_kb(proc.pid)  # still there until reaped, unless it has already exited
    peak[0] = max(peak[0], kb or 0)
    done.set()
    readers[2].join()
    _, status, _ = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError("%s exited with %d: %s" % (
            " ".join(cmd), proc.returncode, b"".join(err).decode("utf-8", "replace").strip()))
    # a run too short to be sampled reports no peak (ru_maxrss would count the worker's)
    return b"".join(out), peak[0] or None, time.monotonic() - started


def shipped_binary(name):
    """The claimdiff binary shipped with addFile, made executable on this executor."""
    from pyspark import SparkFiles
    path = SparkFiles.get(name)
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def rules_args(rules_name):
    from pyspark import SparkFiles
    return ["--rules", SparkFiles.get(rules_name)] if rules_name else []


def pretty_blocks(text):
    """Splits claimdiff's pretty report into its sections' elements, each the exact text
    claimdiff wrote (a string cannot hold a raw newline, so an element of a top-level list
    starts at a line `    {` and ends at a line `    }`)."""
    sections, section, lines = {}, None, None
    for line in text.split("\n"):
        if line.startswith('  "') and line.endswith("["):
            section = line.split('"')[1]
            sections[section] = []
        elif section is None:
            continue
        elif line == "    {":
            lines = [line]
        elif line in ("    }", "    },"):
            lines.append("    }")
            sections[section].append("\n".join(lines))
            lines = None
        elif lines is not None:
            lines.append(line)
    return sections


def extract_partition(binary, rules_name):
    """Map: articles (JSON lines) → ("d", sort key, document text) and ("c", sort key, claim
    text, partition key, claim line tail) records. The sort key orders documents by (path, id)
    and a document's claims in the order extract gave them; texts are claimdiff's own pretty
    JSON, the tail a compact JSON of the claim without its id, with its document's outlet and
    date (as `extract --format jsonl` writes it) for `compare --claims`."""
    def run(index, articles):
        lines = [a.encode("utf-8") + b"\n" for a in articles if a.strip()]
        if not lines:
            return
        cmd = [shipped_binary(binary), "extract", "--jsonl", "-", "--format", "json"]
        out, rss, secs = run_piped(cmd + rules_args(rules_name), lines)
        text = out.decode("utf-8")
        report = json.loads(text)
        blocks = pretty_blocks(text)
        if [len(blocks.get(k, [])) for k in ("documents", "claims")] != [
                len(report["documents"]), len(report["claims"])]:
            raise RuntimeError("claimdiff extract: unexpected JSON layout")
        docs = {}
        for d, block in zip(report["documents"], blocks.get("documents", [])):
            docs[d["id"]] = d
            yield ("d", (d["path"], d["id"]), block)
        seen = {}
        for c, block in zip(report["claims"], blocks.get("claims", [])):
            d = docs[c["doc"]]
            n = seen.get(c["doc"], 0)
            seen[c["doc"]] = n + 1
            if not block.startswith('    {\n      "id": '):
                raise RuntimeError("claimdiff extract: a claim does not start with its id")
            del c["id"]
            c["outlet"] = d["outlet"]
            c["date"] = d.get("date")
            tail = json.dumps(c, ensure_ascii=False, separators=(",", ":"))[1:]
            yield ("c", (d["path"], d["id"], n), block, c.get("partition", ""), tail)
        yield ("s", {"stage": "extract", "partition": index, "articles": len(lines),
                     "claims": len(report["claims"]), "seconds": round(secs, 2),
                     "max_rss_kb": rss})
    return run


def reduce_partition(binary, rules_name):
    """Reduce: ((key, number), claim line) records sorted by key and number → one `compare
    --claims - --partial` run a key, its claims streamed to claimdiff's stdin; yields ("g",
    sort key, group) and ("s", stats)."""
    def run(records):
        cmd = [shipped_binary(binary), "compare", "--claims", "-", "--partial"]
        cmd += rules_args(rules_name)
        for key, items in itertools.groupby(records, key=lambda r: r[0][0]):
            count = [0]

            def lines(items=items, count=count):
                for _, line in items:
                    count[0] += 1
                    yield line.encode("utf-8") + b"\n"

            out, rss, secs = run_piped(cmd, lines())
            groups = out.splitlines()
            for k, line in enumerate(groups):
                g = json.loads(line)
                first = int(g["claims"][0][1:]) if g["claims"] else 0
                yield ("g", (VERDICT_RANK[g["verdict"]], first, key, k), line.decode("utf-8"))
            yield ("s", {"stage": "compare", "key": key, "claims": count[0],
                         "groups": len(groups), "seconds": round(secs, 2), "max_rss_kb": rss})
    return run


def claim_line(record, number):
    """A claim numbered for the report, as a line for `compare --claims`."""
    return '{"id":"c%d",%s' % (number + 1, record[4])


def numbered_block(record, number):
    """A claim's pretty text with its report-wide id."""
    block = record[2]
    rest = block[block.index("\n", 6):]  # after the id line
    return '    {\n      "id": "c%d",%s' % (number + 1, rest)


def group_block(text, number):
    g = loads(text)
    g["id"] = "g%d" % (number + 1)
    return "    " + dumps(g, indent=2, level=2)


def write_report(path, documents, claims, groups):
    """Streams the three lists of element texts into claimdiff's pretty JSON layout, to a
    temporary file renamed when complete."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    try:
        _write_report(tmp, documents, claims, groups)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    os.replace(tmp, path)


def _write_report(tmp, documents, claims, groups):
    with open(tmp, "w", encoding="utf-8") as out:
        out.write("{")
        for i, (name, items) in enumerate((("documents", documents), ("claims", claims),
                                           ("groups", groups))):
            out.write(',\n  "%s": ' % name if i else '\n  "%s": ' % name)
            first = True
            for block in items:
                out.write("[\n" if first else ",\n")
                out.write(block)
                first = False
            out.write("[]" if first else "\n  ]")
        out.write("\n}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="articles as JSON Lines (any Spark path)")
    ap.add_argument("--output", required=True, help="the report (JSON), a local file")
    ap.add_argument("--partitions", type=int, default=8,
                    help="partitions of the map and the reduce steps (default 8)")
    ap.add_argument("--claimdiff", default="claimdiff",
                    help="the claimdiff binary to ship to the executors (default: on PATH)")
    ap.add_argument("--rules", help="a folder of extra rule files (claimdiff --rules)")
    ap.add_argument("--stats", help="write per-partition and per-key timings and peak memory "
                                    "(JSON) to this local file")
    ap.add_argument("--master", help="Spark master when not run by spark-submit (local[2])")
    args = ap.parse_args(argv)
    if args.partitions < 1:
        ap.error("--partitions must be at least 1")

    from pyspark import SparkConf, SparkContext, StorageLevel
    import shutil

    binary = args.claimdiff
    if os.sep not in binary:
        binary = shutil.which(binary) or binary
    if not os.path.isfile(binary):
        ap.error("--claimdiff %s: no such file" % args.claimdiff)
    conf = SparkConf().setAppName("claimdiff").set("spark.ui.showConsoleProgress", "false")
    if args.master:
        conf.setMaster(args.master)
    if conf.get("spark.master", "").startswith("local") and not conf.contains("spark.driver.host"):
        # local mode talks to itself (task results over 1 MB come back through the block
        # manager): on loopback, not on whatever address the host name resolves to, which a
        # sandboxed or containerised machine may not reach
        conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
    if conf.get("spark.master", "").startswith("local") and not conf.contains("spark.driver.memory"):
        # local mode runs the executors inside the driver's JVM (1 GB by default); the report
        # streams through it one partition at a time
        conf.set("spark.driver.memory", "3g")
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("WARN")
    started = time.monotonic()
    try:
        sc.addFile(os.path.abspath(binary))
        # the functions below run on the executors, which import this file
        sc.addPyFile(os.path.abspath(__file__))
        bin_name = os.path.basename(binary)
        rules_name = None
        if args.rules:
            sc.addFile(os.path.abspath(args.rules), recursive=True)
            rules_name = os.path.basename(os.path.normpath(args.rules))
        P = args.partitions

        mapped = (sc.textFile(args.input, minPartitions=P)
                  .mapPartitionsWithIndex(extract_partition(bin_name, rules_name))
                  .persist(StorageLevel.MEMORY_AND_DISK))
        docs = mapped.filter(lambda r: r[0] == "d").map(lambda r: (r[1], r[2]))
        dup = (docs.map(lambda kv: (kv[0][1], 1)).reduceByKey(lambda a, b: a + b)
               .filter(lambda kv: kv[1] > 1).take(1))
        if dup:
            raise SystemExit("claimdiff_spark: article id %r appears more than once" % dup[0][0])

        # claims in report order, numbered as one process numbers them
        numbered = (mapped.filter(lambda r: r[0] == "c")
                    .sortBy(lambda r: r[1], numPartitions=max(P, STREAM_PARTITIONS))
                    .zipWithIndex()
                    .persist(StorageLevel.MEMORY_AND_DISK))
        # one reducer run a key, the key's claims in report order
        reduced = (numbered.filter(lambda rn: rn[0][3] != "")
                   .map(lambda rn: ((rn[0][3], rn[1]), claim_line(rn[0], rn[1])))
                   .repartitionAndSortWithinPartitions(
                       numPartitions=P,
                       partitionFunc=lambda k: zlib.crc32(k[0].encode("utf-8")))
                   .mapPartitions(reduce_partition(bin_name, rules_name))
                   .persist(StorageLevel.MEMORY_AND_DISK))
        # groups are few beside claims (a member list each): sorted on the driver
        groups = sorted(reduced.filter(lambda r: r[0] == "g").map(lambda r: (r[1], r[2]))
                        .collect())

        write_report(
            args.output,
            docs.sortByKey(numPartitions=max(P, STREAM_PARTITIONS)).values()
            .toLocalIterator(prefetchPartitions=True),
            (numbered_block(r, n) for r, n in numbered.toLocalIterator(prefetchPartitions=True)),
            (group_block(g, n) for n, (_, g) in enumerate(groups)),
        )
        stats = [r[1] for r in mapped.filter(lambda r: r[0] == "s").collect()]
        stats += [r[1] for r in reduced.filter(lambda r: r[0] == "s").collect()]
        summarize(stats, time.monotonic() - started, P, args.stats)
    finally:
        sc.stop()


def summarize(stats, seconds, partitions, path):
    ext = [s for s in stats if s["stage"] == "extract"]
    red = sorted((s for s in stats if s["stage"] == "compare"), key=lambda s: -s["claims"])
    summary = {
        "seconds": round(seconds, 1),
        "partitions": partitions,
        "articles": sum(s["articles"] for s in ext),
        "claims": sum(s["claims"] for s in ext),
        "keys": len(red),
        "largest_key": red[0] if red else None,
        "max_reducer_rss_kb": max((s["max_rss_kb"] or 0 for s in red), default=0),
        "max_mapper_rss_kb": max((s["max_rss_kb"] or 0 for s in ext), default=0),
    }
    print("claimdiff_spark: %s" % json.dumps(summary, ensure_ascii=False), file=sys.stderr)
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"summary": summary, "extract": ext, "compare": red}, f,
                      ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
