#!/usr/bin/env python3
"""Two builds of wtosearch side by side, query by query.

  ab.py WTOSEARCH_A INDEX_A WTOSEARCH_B INDEX_B QUERIES [--passes N]

Holds one conversation with each of two `wtosearch batch --threads 1
--unbuffered` processes (as qlat.py does with one) and sends each query to
both, one right after the other, the order alternating from query to query
and from pass to pass.  On a shared machine whose speed drifts by the hour,
this compares the two builds under the same conditions, where two runs of
bench/run.sh an hour apart cannot.  One pass warms up, then N (default 4)
are timed.  Prints for each build p50, p90 and p99 of every latency and the
p50 and sum of the queries' medians, then the spread of B's median over
A's, query by query (p10, p50, p90).  The indexes may be one and the same."""
import statistics
import sys

from qlat import Conversation, pct, read_queries, take_passes


def main():
    args = sys.argv[1:]
    passes = take_passes(args, 4)
    if len(args) != 5 or passes < 1:
        sys.exit(__doc__)
    exe_a, db_a, exe_b, db_b, qfile = args
    queries = read_queries(qfile)
    convs = [Conversation(exe_a, db_a), Conversation(exe_b, db_b)]
    lat = [[[] for _ in queries] for _ in convs]
    for rnd in range(1 + passes):
        for i, q in enumerate(queries):
            for k in ((0, 1) if (i + rnd) % 2 == 0 else (1, 0)):
                _, dt = convs[k].ask(q)
                if rnd:
                    lat[k][i].append(dt)
    for c in convs:
        c.close()
    for k, name in ((0, "A"), (1, "B")):
        every = [x for per in lat[k] for x in per]
        medians = [statistics.median(per) for per in lat[k]]
        print("%s: p50 %.2f, p90 %.2f, p99 %.2f ms; queries' medians: p50 %.2f ms, sum %.0f ms"
              % (name, pct(every, 50), pct(every, 90), pct(every, 99), pct(medians, 50), sum(medians)))
    ratios = [statistics.median(lat[1][i]) / statistics.median(lat[0][i]) for i in range(len(queries))]
    print("B / A, query by query: p10 %.2f, p50 %.2f, p90 %.2f"
          % (pct(ratios, 10), pct(ratios, 50), pct(ratios, 90)))


if __name__ == "__main__":
    main()
