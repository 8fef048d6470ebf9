#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the measurements of bench/run.sh.

Each measurement is a line {"size", "run", "metric", "value"} of
results.jsonl; a figure is the median over the runs with min-max.  Rates
(MB/s, docs/s) and ratios are computed per run, then summarised."""
import argparse
import datetime
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
from collections import defaultdict

MB = 1e6  # megabytes are 10^6 bytes throughout


def sh(*cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not found"


def machine(args):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    debian = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    return [
        ("processors (nproc)", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", mem),
        ("system", f"Debian {debian}, Linux {platform.release()}"),
        ("wtosearch", sh(args.wts, "--version")),
        ("xapian-core", sh("xapian-config", "--version").replace("xapian-config - ", "")),
        ("omindex", sh("omindex", "--version")),
        ("SQLite (Python module)", sqlite3.sqlite_version),
        ("Python", platform.python_version()),
        ("C compiler", sh("cc", "--version")),
        ("hyperfine", sh("hyperfine", "--version")),
        ("wrk", sh("wrk", "-v").split(" Copyright")[0]),
    ]


def summary(vals, fmt):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(vals))}–{fmt.format(max(vals))})"


def not_recorded(w, args, err_file):
    """Why a profile is missing from the report."""
    w("Not recorded in this run (`--no-profile`)." if args.no_profile == "1" else
      f"Not recorded: the profiler failed (see `{err_file}` in the work directory).")


def read_profile(path):
    return open(path, encoding="utf-8", errors="replace").read() \
        if path and os.path.exists(path) and os.path.getsize(path) else ""


def top_functions(w, prof, about):
    """The first line of a profile (tool: ...) and its top 10 self functions as a table."""
    head = prof.partition("--- stacks\n")[0]
    w(f"{prof.splitlines()[0]}. Top 10 functions by their own cost (self; {about}):")
    w("")
    w("| # | self | library | function |")
    w("| --- | --- | --- | --- |")
    n = 0
    for line in head.splitlines()[2:]:
        m = re.match(r"\s*([0-9.]+%)\s+(\S+)\s+\[.\]\s+(.*?)(\s+-\s+-)?\s*$", line)
        if m:
            pct_, dso, fn = m.group(1), m.group(2), m.group(3)
        else:  # callgrind: "123,456 (12.34%)  file:function [lib]"
            m = re.match(r"\s*[0-9,]+\s+\(\s*([0-9.]+%)\)\s+(.*)", line)
            if not m:
                continue
            pct_, fn = m.group(1), m.group(2)
            dso = ""
            if fn.strip() == "PROGRAM TOTALS":
                continue
        n += 1
        if re.match(r"^0x[0-9a-f]+$", fn):
            fn = f"{fn} (internal, no symbol)"
        w(f"| {n} | {pct_} | {dso} | `{fn.strip()[:100].replace('|', '/')}` |")
        if n == 10:
            break
    if not n:
        w("| | | | no sample read |")
    w("")


def code_block(w, text):
    w("```")
    for line in text.splitlines():
        w(line.rstrip()[:140])
    w("```")


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "out", "queries", "profile", "runs", "sizes", "seed", "wrk-seconds", "elapsed",
              "wts", "wtsd"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--queries-used", help="the query lines as run (default: --queries)")
    ap.add_argument("--query-profile", default="", help="the profile of the queries (run.sh's profile-queries.txt)")
    ap.add_argument("--corpus", default="", help="the directory measured, instead of a generated corpus")
    ap.add_argument("--no-profile", default="0", help="1 when run.sh ran with --no-profile")
    ap.add_argument("--drawn", default="300", help="queries drawn from each corpus (run.sh --drawn; 0: none)")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    data = defaultdict(lambda: defaultdict(dict))  # size → metric → run → value
    for line in open(args.results):
        r = json.loads(line)
        data[r["size"]][r["metric"]][r["run"]] = r["value"]
    nq = sum(1 for l in open(args.queries_used or args.queries, encoding="utf-8", errors="replace")
             if l.strip() and not l.startswith("#"))
    qname = os.path.relpath(args.queries, root) if args.queries.startswith(root + os.sep) else args.queries
    runs_given = args.runs.split(",")
    sizes_given = [int(x) for x in args.sizes.split(",")]

    def runs(size, metric):
        return data[size].get(metric, {})

    def per_run(size, f, *metrics):
        """f over the runs that have every metric (run 0: once per size)."""
        once = {m: data[size][m][0] for m in metrics if 0 in data[size].get(m, {})}
        keys = set.intersection(*[set(runs(size, m)) for m in metrics if m not in once] or [set()])
        out = []
        for k in sorted(keys):
            vals = [once[m] if m in once else data[size][m][k] for m in metrics]
            try:
                out.append(f(*vals))
            except (ZeroDivisionError, TypeError):
                pass
        return out

    def med(size, f, *metrics):
        v = per_run(size, f, *metrics)
        return statistics.median(v) if v else None

    L = []
    w = L.append
    w("# Benchmark results")
    w("")
    runs_arg = runs_given[0] if len(set(runs_given)) == 1 else args.runs
    cmd = "bash bench/run.sh " + (f"--corpus {args.corpus} --runs {runs_arg}" if args.corpus else
                                  f"--sizes {args.sizes} --runs {runs_arg} --seed {args.seed}")
    if qname != "bench/speed/queries.txt":
        cmd += f" --queries {qname}"
    if str(args.wrk_seconds) != "30":
        cmd += f" --wrk-seconds {args.wrk_seconds}"
    if str(args.drawn) != "300":
        cmd += f" --drawn {args.drawn}"
    if args.no_profile == "1":
        cmd += " --no-profile"
    if set(runs_given) == {"1"}:
        runs_words = "Each figure is the value of **one run** (no median, no range). "
    elif len(set(runs_given)) == 1:
        runs_words = f"Each figure is the **median of {runs_given[0]} runs, with min–max** in brackets. "
    else:
        runs_words = ("Each figure is the **median of the runs of its size, with min–max** in brackets (" +
                      ", ".join(f"{r} run{'s' if r != '1' else ''} at {n:,}" for r, n in zip(runs_given, sizes_given))
                      + " documents; one value where there was one run). ")
    w(f"Produced by `{cmd}` "
      f"on {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, in {float(args.elapsed) / 60:.1f} minutes. "
      f"{runs_words}The machine is shared and noisy: read differences "
      "under about 10% as noise. Megabytes are 10^6 bytes; MB/s is raw text per second. "
      "How each figure is measured: `bench/README.md`.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("| --- | --- |")
    for k, v in machine(args):
        w(f"| {k} | {v} |")
    w("")

    loads = [v for size in data for v in data[size].get("loadavg_1m", {}).values()]
    loads += list(data.get(0, {}).get("loadavg_1m_end", {}).values())
    if loads:
        L.insert(L.index("## Machine") + 4,
                 f"| load average (1 min) at the start of each run and at the end | "
                 f"{', '.join(f'{x:.2f}' for x in loads)} (on {os.cpu_count()} processors: above that, "
                 "other work was competing for them) |")
    for size in sorted(s for s in data if s):
        raw = data[size]["raw_bytes"][0]
        nruns = len([k for k in runs(size, "wts_index_s") if k])
        w(f"## {size:,} documents")
        w("")
        paras = summary(list(runs(size, "wts_paragraphs").values()), "{:,.0f}")
        skipped = [v for v in runs(size, "wts_index_skipped").values() if v]
        skipped = (f" ({summary(skipped, '{:,.0f}')} file{'s' if max(skipped) > 1 else ''} skipped: see "
                   f"`logs-{size}-*/index.err` in the work directory)") if skipped else ""
        if args.corpus:
            corpus = (f"Corpus: the {size:,} files of `{args.corpus}` (hidden ones and MANIFEST.tsv left out, "
                      f"as the indexer leaves them): {raw / MB:,.1f} MB, {raw / size:,.0f} bytes per file "
                      "(the files' sizes, counted as raw text)")
        else:
            gen = data[size].get("gen_s", {}).get(0)
            corpus = (f"Corpus: `wtosearch-gen --seed {args.seed} --count {size}`: {raw / MB:,.1f} MB of text, "
                      f"{raw / size:,.0f} bytes per document" + (f", generated in {gen:.1f} s" if gen else ""))
        w(f"{corpus}; wtosearch made {paras} paragraphs of it{skipped}. Queries: the {nq} queries of "
          f"`{qname}` (its lines but '#' comments and blank lines). "
          f"{nruns} run{'s' if nruns != 1 else ''}.")
        w("")
        w("| what | measure | median (min–max) |")
        w("| --- | --- | --- |")

        def row(what, measure, vals, fmt):
            w(f"| {what} | {measure} | {summary(vals, fmt)} |")

        row("**wtosearch index**", "wall time, s", list(runs(size, "wts_index_s").values()), "{:.1f}")
        row("", "documents/s", per_run(size, lambda t: size / t, "wts_index_s"), "{:,.0f}")
        row("", "MB/s of raw text", per_run(size, lambda t, b: b / MB / t, "wts_index_s", "raw_bytes"), "{:.2f}")
        row("", "peak RSS of the largest process (/usr/bin/time), MB",
            per_run(size, lambda k: k * 1024 / MB, "wts_index_rss_kb"), "{:.0f}")
        row("", "peak RSS, all processes (sum of VmRSS every 0.2 s), MB",
            per_run(size, lambda k: k * 1024 / MB, "wts_index_rss_all_kb"), "{:.0f}")
        row("", "processes at once (indexer and its shards)", list(runs(size, "wts_index_procs").values()),
            "{:.0f}")
        row("", "index size, MB", per_run(size, lambda b: b / MB, "wts_index_bytes"), "{:.1f}")
        row("", "index size / raw text", per_run(size, lambda b, r: b / r, "wts_index_bytes", "raw_bytes"),
            "{:.2f}×")
        row("**wtosearch re-index**, unchanged tree", "wall time, s", list(runs(size, "wts_reindex_s").values()),
            "{:.2f}")
        if runs(size, "wts_changed_s"):
            row("**wtosearch re-index**, the tree with one file changed", "wall time, s",
                list(runs(size, "wts_changed_s").values()), "{:.2f}")
        if runs(size, "wts_tl_index_s"):
            row("**wtosearch index --termlists**", "wall time, s",
                list(runs(size, "wts_tl_index_s").values()), "{:.1f}")
            row("", "MB/s of raw text",
                per_run(size, lambda t, b: b / MB / t, "wts_tl_index_s", "raw_bytes"), "{:.2f}")
            row("", "index size / raw text",
                per_run(size, lambda b, r: b / r, "wts_tl_index_bytes", "raw_bytes"), "{:.2f}×")
            row("", "queries in one process (qlat.py): p50, ms", list(runs(size, "wts_tl_q_p50_ms").values()),
                "{:.2f}")
            row("", "p99, ms", list(runs(size, "wts_tl_q_p99_ms").values()), "{:.2f}")
        if runs(size, "xreplay_writer_s"):
            row("*Xapian's writer alone* (bench/speed/xapian_replay.cc): the documents of the `--termlists` index above, "
                "written again as the indexer writes them, one process per shard", "wall time, s",
                list(runs(size, "xreplay_writer_s").values()), "{:.1f}")
            row("", "MB/s of raw text", per_run(size, lambda t, b: b / MB / t, "xreplay_writer_s", "raw_bytes"),
                "{:.2f}")
            row("", "CPU time, all shards, s", list(runs(size, "xreplay_writer_cpu_s").values()), "{:.1f}")
            row("", "CPU time of `wtosearch index` (all its processes), s",
                list(runs(size, "wts_index_cpu_s").values()), "{:.1f}")
        row("**wtosearch queries in one process**: `batch --threads 1 --unbuffered`, one line at a time",
            "mean, ms", list(runs(size, "wts_q_mean_ms").values()), "{:.2f}")
        row("", "p50, ms", list(runs(size, "wts_q_p50_ms").values()), "{:.2f}")
        row("", "p90, ms", list(runs(size, "wts_q_p90_ms").values()), "{:.2f}")
        row("", "p99, ms", list(runs(size, "wts_q_p99_ms").values()), "{:.2f}")
        row("**wtosearch `batch --threads 1` over the whole file**", "wall time / queries, ms",
            per_run(size, lambda t: t * 1000 / nq, "wts_batch_file_s"), "{:.2f}")
        row("", f"lines answered with an error (of {nq})", list(runs(size, "wts_batch_errors").values()), "{:.0f}")
        row("**one `wtosearch search` process**", "ms (mean of 3 queries' medians of 30)",
            list(runs(size, "wts_proc_ms").values()), "{:.1f}")
        daemon_rows = [("searchd", "without its cache (`--cache-bytes 0`): every query run"),
                       ("searchd_cached", "with its cache (the default): the queries repeat, answers kept")]
        for pre, what in daemon_rows:
            if not runs(size, pre + "_qps"):
                continue
            row(f"**wtosearchd** {what}; wrk, 16 connections, {args.wrk_seconds} s, loopback", "queries/s",
                list(runs(size, pre + "_qps").values()), "{:,.0f}")
            row("", "p50, ms", list(runs(size, pre + "_p50_ms").values()), "{:.1f}")
            row("", "p99, ms", list(runs(size, pre + "_p99_ms").values()), "{:.1f}")
            row("", "non-2xx answers and socket errors", list(runs(size, pre + "_errors").values()), "{:.0f}")
            died = list(runs(size, pre + "_died").values())
            if died:
                w(f"|  | runs in which the daemon died under the load (its log: `logs-{size}-RUN/{pre}.err` "
                  f"in the work directory) | {sum(int(v) for v in died)} of {len(died)} |")
            row("", "daemon's CPU time (user + system, /proc) per request, ms",
                per_run(size, lambda c, r: c * 1000 / r, pre + "_cpu_s", pre + "_requests"), "{:.2f}")
            row("", "daemon's CPU time / wall time, cores busy",
                per_run(size, lambda c, t: c / t, pre + "_cpu_s", pre + "_wall_s"), "{:.2f}")
            row("", "wrk's own CPU time / wall time, cores (same machine)",
                per_run(size, lambda c, t: c / t, pre + "_wrk_cpu_s", pre + "_wall_s"), "{:.2f}")
        if not runs(size, "searchd_qps") and os.path.exists(args.wtsd):
            w("| **wtosearchd** under wrk | queries/s, p99 | not measured: the daemon did not start, or wrk "
              "printed no result (see `searchd.out.err` and `logs-*/searchd*-wrk.txt` in the work directory) |")
        elif not runs(size, "searchd_qps"):
            w("| **wtosearchd** under wrk | queries/s, p99 | not run: no daemon yet "
              "(`build/searchd/wtosearchd` missing) |")
        row("*minimal Xapian* (bench/speed/xapian_min.cc) index", "wall time, s",
            list(runs(size, "xmin_index_s").values()), "{:.1f}")
        row("", "MB/s", per_run(size, lambda t, b: b / MB / t, "xmin_index_s", "raw_bytes"), "{:.2f}")
        row("", "peak RSS, MB", per_run(size, lambda k: k * 1024 / MB, "xmin_index_rss_kb"), "{:.0f}")
        row("", "index size / raw text", per_run(size, lambda b, r: b / r, "xmin_index_bytes", "raw_bytes"),
            "{:.2f}×")
        def p50_p99(prefix, fmt):
            """The cell "p50 / p99" of prefix_p50_ms and prefix_p99_ms."""
            return (f"{summary(list(runs(size, prefix + '_p50_ms').values()), fmt)} / "
                    f"{summary(list(runs(size, prefix + '_p99_ms').values()), fmt)}")

        w(f"| *minimal Xapian* query loop, in process | p50 / p99, ms | {p50_p99('xmin_q', '{:.3f}')} |")
        row("*omindex*", "wall time, s", list(runs(size, "omindex_s").values()), "{:.1f}")
        row("", "MB/s", per_run(size, lambda t, b: b / MB / t, "omindex_s", "raw_bytes"), "{:.2f}")
        row("", "peak RSS, MB", per_run(size, lambda k: k * 1024 / MB, "omindex_rss_kb"), "{:.0f}")
        row("", "index size / raw text", per_run(size, lambda b, r: b / r, "omindex_bytes", "raw_bytes"),
            "{:.2f}×")
        row("*one `quest` process*", "ms (mean of 3 queries' medians of 30)",
            list(runs(size, "quest_proc_ms").values()), "{:.1f}")
        row("*SQLite FTS5* index (Python sqlite3)", "wall time, s", list(runs(size, "fts5_index_s").values()),
            "{:.1f}")
        row("", "MB/s", per_run(size, lambda t, b: b / MB / t, "fts5_index_s", "raw_bytes"), "{:.2f}")
        row("", "index size / raw text", per_run(size, lambda b, r: b / r, "fts5_index_bytes", "raw_bytes"),
            "{:.2f}×")
        w(f"| *SQLite FTS5* queries, in process | p50 / p99, ms | {p50_p99('fts5_q', '{:.3f}')} |")
        ndrawn = data[size].get("drawn_queries", {}).get(0)
        if ndrawn and runs(size, "wts_qd_p50_ms"):
            what = (f"**{ndrawn:.0f} queries drawn from this corpus** (`bench/speed/drawq.py --seed {args.seed}`), "
                    "one at a time, each program as above")
            w(f"| {what} | wtosearch (qlat.py) p50 / p99, ms | {p50_p99('wts_qd', '{:.2f}')} |")
            w(f"| | wtosearch mean, ms | {summary(list(runs(size, 'wts_qd_mean_ms').values()), '{:.2f}')} |")
            w(f"| | wtosearch answers that were errors | "
              f"{summary(list(runs(size, 'wts_qd_errors').values()), '{:.0f}')} |")
            w(f"| | *minimal Xapian* p50 / p99, ms | {p50_p99('xmin_qd', '{:.3f}')} |")
            w(f"| | *SQLite FTS5* p50 / p99, ms | {p50_p99('fts5_qd', '{:.3f}')} |")
        w("")

        w("Against the peers, run by run (wtosearch ÷ peer; above 1 means wtosearch takes more):")
        w("")
        w("| ratio | median (min–max) |")
        w("| --- | --- |")
        rat = [
            ("index time ÷ minimal Xapian", per_run(size, lambda a, b: a / b, "wts_index_s", "xmin_index_s")),
            ("index time ÷ omindex", per_run(size, lambda a, b: a / b, "wts_index_s", "omindex_s")),
            ("index time ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_index_s", "fts5_index_s")),
            ("index size ÷ minimal Xapian", per_run(size, lambda a, b: a / b, "wts_index_bytes", "xmin_index_bytes")),
            ("index size ÷ omindex", per_run(size, lambda a, b: a / b, "wts_index_bytes", "omindex_bytes")),
            ("index size ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_index_bytes", "fts5_index_bytes")),
            ("peak RSS ÷ minimal Xapian", per_run(size, lambda a, b: a / b, "wts_index_rss_kb", "xmin_index_rss_kb")),
            ("query p50 ÷ minimal Xapian", per_run(size, lambda a, b: a / b, "wts_q_p50_ms", "xmin_q_p50_ms")),
            ("query p50 ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_q_p50_ms", "fts5_q_p50_ms")),
            ("query p99 ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_q_p99_ms", "fts5_q_p99_ms")),
            ("drawn queries: p50 ÷ minimal Xapian", per_run(size, lambda a, b: a / b, "wts_qd_p50_ms", "xmin_qd_p50_ms")),
            ("drawn queries: p50 ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_qd_p50_ms", "fts5_qd_p50_ms")),
            ("drawn queries: p99 ÷ FTS5", per_run(size, lambda a, b: a / b, "wts_qd_p99_ms", "fts5_qd_p99_ms")),
            ("one search process ÷ one quest process", per_run(size, lambda a, b: a / b, "wts_proc_ms", "quest_proc_ms")),
        ]
        for name, vals in rat:
            if vals or not name.startswith("drawn"):  # drawn queries: none with --drawn 0
                w(f"| {name} | {summary(vals, '{:.2f}×')} |")
        w("")

        w("Against the targets:")
        w("")
        w("| target | measured (median) | met |")
        w("| --- | --- | --- |")

        def target(name, value, ok, fmt):
            if value is None:
                w(f"| {name} | not measured | – |")
            else:
                w(f"| {name} | {fmt.format(value)} | {'yes' if ok(value) else '**no**'} |")

        mbs = med(size, lambda t, b: b / MB / t, "wts_index_s", "raw_bytes")
        xr = med(size, lambda a, b: b / a, "wts_index_s", "xmin_index_s")
        target("index ≥ 7 MB/s", mbs, lambda v: v >= 7, "{:.2f} MB/s")
        if runs(size, "xreplay_writer_s"):
            target("index ≥ 7 MB/s, Xapian's writer alone (xapian_replay: what is left if everything else "
                   "took no time)", med(size, lambda t, b: b / MB / t, "xreplay_writer_s", "raw_bytes"),
                   lambda v: v >= 7, "{:.2f} MB/s")
        target("index MB/s ≥ 5× the minimal Xapian indexer's (as the issue writes it)", xr, lambda v: v >= 5,
               "{:.2f}× its MB/s")
        target("index time ≤ 5× the minimal Xapian indexer's (if \"within 5×\" was meant)",
               1 / xr if xr else None, lambda v: v <= 5, "{:.2f}× its time")
        target("peak RSS ≤ 600 MB: the largest process (/usr/bin/time)",
               med(size, lambda k: k * 1024 / MB, "wts_index_rss_kb"), lambda v: v <= 600, "{:.0f} MB")
        target("peak RSS ≤ 600 MB: all processes (sum of VmRSS, an upper bound)",
               med(size, lambda k: k * 1024 / MB, "wts_index_rss_all_kb"), lambda v: v <= 600, "{:.0f} MB")
        target("index ≤ 2.5× raw text", med(size, lambda b, r: b / r, "wts_index_bytes", "raw_bytes"),
               lambda v: v <= 2.5, "{:.2f}×")
        target("unchanged re-index ≤ 2 s", med(size, lambda t: t, "wts_reindex_s"), lambda v: v <= 2, "{:.2f} s")
        target("query p50 ≤ 3 ms", med(size, lambda t: t, "wts_q_p50_ms"), lambda v: v <= 3, "{:.2f} ms")
        target("query p99 ≤ 15 ms", med(size, lambda t: t, "wts_q_p99_ms"), lambda v: v <= 15, "{:.2f} ms")
        if runs(size, "wts_qd_p50_ms"):
            target("query p50 ≤ 3 ms, queries drawn from the corpus", med(size, lambda t: t, "wts_qd_p50_ms"),
                   lambda v: v <= 3, "{:.2f} ms")
            target("query p99 ≤ 15 ms, queries drawn from the corpus", med(size, lambda t: t, "wts_qd_p99_ms"),
                   lambda v: v <= 15, "{:.2f} ms")
        target("one search process ≤ 1.2× one quest process",
               med(size, lambda a, b: a / b, "wts_proc_ms", "quest_proc_ms"), lambda v: v <= 1.2, "{:.2f}×")
        if runs(size, "searchd_qps"):
            for pre, what in (("searchd", "without its cache"), ("searchd_cached", "with its cache (default)")):
                if not runs(size, pre + "_qps"):
                    continue
                target(f"searchd ≥ 1,500 q/s, {what}", med(size, lambda t: t, pre + "_qps"), lambda v: v >= 1500,
                       "{:,.0f} q/s")
                target(f"searchd p99 ≤ 30 ms, {what}", med(size, lambda t: t, pre + "_p99_ms"), lambda v: v <= 30,
                       "{:.1f} ms")
        elif os.path.exists(args.wtsd):
            w("| searchd ≥ 1,500 q/s | not measured: the daemon did not start, or wrk printed no result | – |")
            w("| searchd p99 ≤ 30 ms | not measured | – |")
        else:
            w("| searchd ≥ 1,500 q/s | not run: no daemon yet | – |")
            w("| searchd p99 ≤ 30 ms | not run: no daemon yet | – |")
        w("")
        peers = [(name, vals) for name, vals in (("the minimal Xapian indexer", runs(size, "xmin_docs")),
                                                  ("SQLite FTS5", runs(size, "fts5_docs")))
                 if vals and any(v != size for v in vals.values())]
        if peers:
            w("Not like for like: " + "; ".join(f"{name} indexed {summary(list(v.values()), '{:,.0f}')} of the "
                                                 f"{size:,} files (only `*.txt`)" for name, v in peers) +
              ", so its MB/s and ratios above count the bytes of files it did not read.")
            w("")

    w("## Profile of the indexer")
    w("")
    prof = read_profile(args.profile)
    if not prof:
        not_recorded(w, args, "perf.err")
    else:
        if "callgrind" in prof.splitlines()[0]:
            top_functions(w, prof, "instructions counted by callgrind, in user space")
            w("With their callees (`callgrind_annotate --inclusive=yes`):")
        else:
            top_functions(w, prof, "perf's symbol table, so internal functions of Debian's libxapian, which ships "
                          "without their symbols, show as addresses")
            w("From the call stacks (`bench/speed/stages.py`): the cost by library, the functions with the "
              "most time under them, and how the indexer's stages split:")
        w("")
        code_block(w, prof.partition("--- stacks\n")[2])
    w("")

    w("## Profile of the queries")
    w("")
    qprof = read_profile(args.query_profile)
    if not qprof:
        not_recorded(w, args, "perf-queries.err")
    else:
        stacks = qprof.partition("--- stacks\n")[2]
        callgrind = "callgrind" in qprof.splitlines()[0]
        top_functions(w, qprof, "instructions counted by callgrind, in user space" if callgrind else
                      "the kernel's functions included, as `[kernel.kallsyms]`; the process's start and the "
                      "opening of the index are in the run too")
        m_k = re.search(r"^kernel: ([0-9.]+%)", stacks, re.M)
        m_pk = re.search(r"^pread64 in the kernel: ([0-9.]+%)", stacks, re.M)
        m_pa = re.search(r"^pread64 on the stack \(libc and kernel\): ([0-9.]+%)", stacks, re.M)
        if m_k and m_pk:
            w(f"Time in the kernel: **{m_k.group(1)}** of all samples; in the kernel's pread64 system call: "
              f"**{m_pk.group(1)}** of all samples (Xapian reads each B-tree block with one pread64; from the "
              "page cache, that is the copy and the system call's cost)" +
              (f"; {m_pa.group(1)} with pread64 anywhere on the stack, libc's wrapper included." if m_pa else "."))
        elif callgrind:
            w("callgrind counts instructions in user space only: the kernel's time, and so pread64's, "
              "is not in these figures.")
        else:
            w("No kernel samples: perf could not sample the kernel here (`/proc/sys/kernel/perf_event_paranoid`), "
              "so pread64's time in the kernel is not known." +
              (f" pread64 anywhere on the stack: {m_pa.group(1)}." if m_pa else ""))
        w("")
        if callgrind:
            w("With their callees (`callgrind_annotate --inclusive=yes`):")
        else:
            w("From the call stacks (`bench/speed/qprof.py`): the kernel's share by what it serves, the cost by "
              "library, the functions of wtosearch and Xapian's API with the most time under them, and how the "
              "main ones split:")
        w("")
        code_block(w, stacks)
    w("")
    w("## Notes")
    w("")
    w("- Every program reads the corpus from the page cache (it was just written; the benchmark cannot "
      "drop caches without privileges it may not have), so indexing times are CPU and write costs.")
    w("- The peers do less than wtosearch: the minimal Xapian indexer and omindex make one document per "
      "file with no paragraphs, annotations or metadata; FTS5 has no stemming, no fields and no grouping. "
      "Their query sets are the same lines, read as each program reads them (field prefixes become words "
      "for Xapian's QueryParser; FTS5 gets a translation, see `bench/speed/fts5.py`).")
    w("- wrk runs on the same machine as wtosearchd, so the daemon has the cores minus wrk's share: the "
      "daemon's CPU time per request (utime + stime of `/proc/PID/stat`, before and after the timed wrk run) "
      "is the figure that does not depend on it.")
    w("- wtosearch's indexer forks one process per shard: `/usr/bin/time` gives the peak RSS of the largest "
      "one; `bench/speed/treerss.py` sums VmRSS over all of them every 0.2 s and keeps the largest sum. "
      "Pages they share (libraries, what the fork left unchanged) count once per process, so that sum is "
      "an upper bound, and a peak shorter than 0.2 s can be missed.")
    w("- A query that wtosearch refuses (an error line in batch, a 400 from the daemon) still counts in "
      "the latencies; the logs of each run (`logs-SIZE-RUN/` in the work directory) hold every answer.")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
