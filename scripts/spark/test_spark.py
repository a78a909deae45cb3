#!/usr/bin/env python3
"""Proves the Spark job equal to one process (run by scripts/spark/test_spark.sh in CI).

    test_spark.py --claimdiff target/release/claimdiff --corpus corpus/articles.jsonl \\
        --seeds seeds [--clusters ../shared/eval/clusters] --work DIR

Builds one JSONL of articles (the generated corpus, the seeds and, when given, the
development clusters, each folder's sources.csv giving outlet, date, url and language), runs
one-process `claimdiff compare --jsonl ALL --format json`, then the Spark job in local[2] mode
twice with different partition counts, and checks:

1. the Spark report is byte for byte the one-process report (documents, claims with their
   ids, groups with their ids, members, verdicts, reasons, timelines);
2. the second run, with another partition count, gives the same bytes.

Prints the wall times, the partition-key sizes and the peak memory of the largest reducer.
"""

import argparse
import csv
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import claimdiff_spark  # noqa: E402


def folder_articles(folder, prefix):
    """The .txt articles of a folder as JSONL records, with its sources.csv when present."""
    manifest = {}
    path = os.path.join(folder, "sources.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                manifest[row["file"].strip()] = row
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        row = manifest.get(name, {})
        art = {"id": prefix + name[:-4]}
        for key in ("outlet", "date", "url", "language"):
            value = (row.get(key) or "").strip()
            if value:
                art[key] = value
        art["text"] = text
        yield art


def build_input(args, path):
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        with open(args.corpus, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    out.write(line if line.endswith("\n") else line + "\n")
                    n += 1
        folders = [(args.seeds, "seeds/")]
        if args.clusters and os.path.isdir(args.clusters):
            folders += [(os.path.join(args.clusters, c), "clusters/%s/" % c)
                        for c in sorted(os.listdir(args.clusters))
                        if os.path.isdir(os.path.join(args.clusters, c))]
        for folder, prefix in folders:
            for art in folder_articles(folder, prefix):
                out.write(json.dumps(art, ensure_ascii=False) + "\n")
                n += 1
    return n, [f for f, _ in folders]


def first_difference(a, b):
    """Where two reports first differ, for the failure message."""
    ja, jb = json.loads(a), json.loads(b)
    for part in ("documents", "claims", "groups"):
        la, lb = ja.get(part, []), jb.get(part, [])
        if len(la) != len(lb):
            return "%s: %d vs %d" % (part, len(la), len(lb))
        for x, y in zip(la, lb):
            if x != y:
                return "%s: %s\n  vs %s" % (part, json.dumps(x, ensure_ascii=False)[:600],
                                            json.dumps(y, ensure_ascii=False)[:600])
    return "same JSON values, different bytes (number formatting?)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claimdiff", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--clusters")
    ap.add_argument("--work", required=True)
    ap.add_argument("--partitions", default="3,7",
                    help="the two partition counts to compare (default 3,7)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    articles = os.path.join(args.work, "articles.jsonl")
    n, folders = build_input(args, articles)
    print("spark test: %d articles (generated corpus, %s)" % (n, ", ".join(folders)))

    ref = os.path.join(args.work, "one-process.json")
    cmd = [args.claimdiff, "compare", "--jsonl", articles, "--format", "json", "-o", ref]
    _, rss, secs = claimdiff_spark.run_piped(cmd, [])
    print("one process: claimdiff compare --jsonl: %.1f s, peak %d MB" % (secs, (rss or 0) // 1024))
    with open(ref, "rb") as f:
        expected = f.read()

    passed, failed = 0, 0
    reports = []
    for p in [int(x) for x in args.partitions.split(",")]:
        out = os.path.join(args.work, "spark-%d.json" % p)
        stats = os.path.join(args.work, "spark-%d.stats.json" % p)
        started = time.monotonic()
        claimdiff_spark.main(["--input", articles, "--output", out, "--partitions", str(p),
                              "--claimdiff", args.claimdiff, "--master", "local[2]",
                              "--stats", stats])
        secs = time.monotonic() - started
        with open(stats, encoding="utf-8") as f:
            s = json.load(f)
        top = s["compare"][:3]
        print("spark local[2], %d partitions: %.1f s; %d claims in %d keys; largest keys: %s; "
              "peak memory of a reducer %d MB, of a mapper %d MB" % (
                  p, secs, s["summary"]["claims"], s["summary"]["keys"],
                  ", ".join("%s %d claims %d MB" % (t["key"], t["claims"],
                                                     (t["max_rss_kb"] or 0) // 1024) for t in top),
                  s["summary"]["max_reducer_rss_kb"] // 1024,
                  s["summary"]["max_mapper_rss_kb"] // 1024))
        with open(out, "rb") as f:
            reports.append((p, f.read()))

    p, got = reports[0]
    if got == expected:
        print("ok: the Spark report (%d partitions) is byte-identical to one process" % p)
        passed += 1
    else:
        print("FAIL: the Spark report (%d partitions) differs from one process: %s"
              % (p, first_difference(expected, got)))
        failed += 1
    for q, other in reports[1:]:
        if other == got:
            print("ok: %d and %d partitions give the same report" % (p, q))
            passed += 1
        else:
            print("FAIL: %d and %d partitions differ: %s" % (p, q, first_difference(got, other)))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
