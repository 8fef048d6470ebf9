#!/usr/bin/env python3
"""How close estimated totals come to the exact counts.

  python3 bench/totals.py --db INDEX [--queries FILE] [--wtosearch EXE]

Runs every query of FILE (default bench/speed/queries.txt) through
`wtosearch batch` twice for each grouping (by document, by paragraph): as a
user does (top 10), where the total may be an estimate, and with --limit
1000, where a query with fewer matches than the search then asks for is
counted exactly (`total_exact`).  For the queries counted exactly the second
time and estimated the first, prints how many estimates are within 1.5x of
the count, the median and 90th percentile of the error (the larger of
estimate/count and count/estimate) and the worst queries.  Exit status 0,
or 2 on bad arguments or a batch that fails."""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def batch(exe, db, queries, *opts):
    p = subprocess.run([exe, "batch", "--threads", "1", "--db", db, *opts, queries],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("totals.py: %s batch failed: %s" % (exe, p.stderr.strip()))
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def report(by, shown, counted):
    errors = []
    for s, c in zip(shown, counted):
        if s.get("query") != c.get("query"):
            sys.exit("totals.py: the two runs answered different queries")
        if "error" in s or "error" in c or s.get("total_exact") or not c.get("total_exact"):
            continue
        est, exact = s["total"], c["total"]
        if est == 0 or exact == 0:
            continue
        errors.append((max(est / exact, exact / est), s["query"], est, exact))
    print("by %s: %d queries estimated and counted" % (by, len(errors)))
    if not errors:
        return
    errors.sort()
    within = sum(1 for e in errors if e[0] <= 1.5)
    print("  within 1.5x: %d; error median %.2fx, p90 %.2fx, worst %.2fx"
          % (within, errors[len(errors) // 2][0], errors[int(len(errors) * 0.9)][0], errors[-1][0]))
    for e, q, est, exact in errors[-5:][::-1]:
        print("  %.2fx  estimate %d, count %d: %s" % (e, est, exact, q))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--queries", default=os.path.join(ROOT, "bench", "speed", "queries.txt"))
    ap.add_argument("--wtosearch", default=os.path.join(ROOT, "build", "cli", "wtosearch"))
    a = ap.parse_args()
    for by in ("document", "paragraph"):
        shown = batch(a.wtosearch, a.db, a.queries, "--by", by)
        counted = batch(a.wtosearch, a.db, a.queries, "--by", by, "--limit", "1000")
        report(by, shown, counted)


if __name__ == "__main__":
    main()
