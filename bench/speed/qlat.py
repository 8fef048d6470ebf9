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


def take_passes(args, default):
    """--passes N out of args (a list, changed in place), or default."""
    if "--passes" not in args:
        return default
    i = args.index("--passes")
    passes = int(args[i + 1])
    del args[i:i + 2]
    return passes


def read_queries(path):
    """The query lines of a file: '#' comments and blank lines skipped."""
    return [l.rstrip("\n") for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]


class Conversation:
    """One `wtosearch batch --threads 1 --unbuffered`, asked one line at a time."""

    def __init__(self, exe, db):
        self.p = subprocess.Popen([exe, "batch", "--threads", "1", "--unbuffered", "--db", db, "-"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)

    def ask(self, query):
        """The answer line to query and the time it took, in ms.  The query
        goes as {"q": ...}: a plain line starting with '{' would be read as
        JSON by batch."""
        line = json.dumps({"q": query}, ensure_ascii=False) + "\n"
        t0 = time.perf_counter()
        self.p.stdin.write(line.encode("utf-8"))
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        dt = (time.perf_counter() - t0) * 1000
        if not line:
            sys.exit("wtosearch batch stopped answering")
        return line, dt

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def main():
    args = sys.argv[1:]
    passes = take_passes(args, 1)
    if len(args) != 3:
        sys.exit(__doc__)
    exe, db, qfile = args
    queries = read_queries(qfile)
    conv = Conversation(exe, db)
    lat, errors, slow = [], 0, []
    for rnd in range(1 + passes):
        for q in queries:
            line, dt = conv.ask(q)
            if rnd:
                lat.append(dt)
                slow.append((dt, q))
                if b'"error"' in line[:200] and json.loads(line).get("error"):
                    errors += 1
    conv.close()
    slow.sort(reverse=True)
    print(json.dumps({"queries": len(lat), "errors": errors, "mean_ms": sum(lat) / len(lat),
                      "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
                      "slowest": [[round(d, 2), q] for d, q in slow[:5]]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
