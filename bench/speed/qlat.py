#!/usr/bin/env python3
"""In-process query latency of wtosearch, for bench/run.sh.

  qlat.py WTOSEARCH DB QUERIES [--passes N]

Starts one `wtosearch batch --threads 1 --unbuffered` (default search
options: grouped by document, snippets, top 10) and holds a conversation
with it over pipes: send one query line, read its one answer line, send the
next.  The time from writing a line to reading its answer is that query's
latency inside a running process (the index already open), plus a pipe round
trip (some microseconds).  Every query is run once to warm up, then N times
(default 1) timed.  Prints one JSON object: mean, p50, p90, p99 in ms, the
slowest queries, and how many answers were errors."""
import json
import subprocess
import sys
import time


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] if v else 0.0


def main():
    args = sys.argv[1:]
    passes = 1
    if "--passes" in args:
        i = args.index("--passes")
        passes = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    exe, db, qfile = args
    queries = [l.rstrip("\n") for l in open(qfile, encoding="utf-8") if l.strip() and not l.startswith("#")]
    p = subprocess.Popen([exe, "batch", "--threads", "1", "--unbuffered", "--db", db, "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)
    lat, errors, slow = [], 0, []
    for rnd in range(1 + passes):
        for q in queries:
            data = (q + "\n").encode("utf-8")
            t0 = time.perf_counter()
            p.stdin.write(data)
            p.stdin.flush()
            line = p.stdout.readline()
            dt = (time.perf_counter() - t0) * 1000
            if not line:
                sys.exit("qlat.py: wtosearch batch stopped answering")
            if rnd:
                lat.append(dt)
                slow.append((dt, q))
                if b'"error"' in line[:200] and json.loads(line).get("error"):
                    errors += 1
    p.stdin.close()
    p.wait()
    slow.sort(reverse=True)
    print(json.dumps({"queries": len(lat), "errors": errors, "mean_ms": sum(lat) / len(lat),
                      "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
                      "slowest": [[round(d, 2), q] for d, q in slow[:5]]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
