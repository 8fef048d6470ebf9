#!/usr/bin/env python3
"""SQLite FTS5 as a peer, for bench/run.sh.

  fts5.py index DB DIR        one row per file (path, body), unicode61 with
                              diacritics removed, one transaction
  fts5.py query DB QUERIES    each line of QUERIES, top 10 by bm25 with a
                              snippet, timed one by one in this process

Queries are translated to FTS5's syntax as closely as it allows: a phrase
stays a phrase, a prefix stays a prefix, the value of a field (symbol:,
cites:, member:, ...) becomes a phrase of its words, AND/OR/NOT are kept,
and bare words are joined with OR (wtosearch's default).  Both modes print
one JSON object."""
import json
import os
import re
import sqlite3
import sys
import time


def do_index(db, root):
    t0 = time.monotonic()
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body, "
                "tokenize = 'unicode61 remove_diacritics 2')")
    n = size = 0
    con.execute("BEGIN")
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".txt"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                body = f.read()
            con.execute("INSERT INTO docs(path, body) VALUES (?, ?)", (path, body))
            n += 1
            size += len(body.encode("utf-8"))
    con.execute("COMMIT")
    con.close()
    print(json.dumps({"docs": n, "bytes": size, "seconds": round(time.monotonic() - t0, 3),
                      "db_bytes": os.path.getsize(db)}))


TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()]+')
WORD = re.compile(r"[\w*]+", re.UNICODE)


def phrase(text):
    words = [w for w in WORD.findall(text) if w != "*"]
    return '"' + " ".join(words) + '"' if words else None


def translate(q):
    """wtosearch's query language → an FTS5 expression (or None)."""
    out = []
    for tok in TOKEN.findall(q):
        if tok in ("(", ")"):
            out.append(tok)
            continue
        if tok in ("AND", "OR", "NOT"):
            out.append(tok)
            continue
        neg = tok.startswith("-")
        tok = tok.lstrip("+-")
        if ":" in tok and not tok.startswith('"'):
            field, _, value = tok.partition(":")
            if field in ("lang", "type", "kind", "date", "mentions"):
                continue  # FTS5 has no such field: dropped
            tok = value
        if tok.startswith('"'):
            p = phrase(tok)
        elif tok.endswith("*") and len(tok) > 2:
            p = phrase(tok[:-1])
            p = p + " *" if p else None
        else:
            p = phrase(tok)
        if p:
            out.append(("NOT " if neg and out else "") + p)
    # bare juxtaposition → OR; keep the explicit operators
    expr = []
    for t in out:
        if expr and expr[-1] not in ("AND", "OR", "NOT", "(") and t not in ("AND", "OR", "NOT", ")") \
                and not t.startswith("NOT "):
            expr.append("OR")
        expr.append(t)
    while expr and expr[0] in ("AND", "OR", "NOT"):
        expr.pop(0)
    while expr and expr[-1] in ("AND", "OR", "NOT", "("):
        expr.pop()
    return " ".join(expr) or None


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] if v else 0.0


def do_query(db, qfile):
    con = sqlite3.connect(db)
    queries = [l.rstrip("\n") for l in open(qfile, encoding="utf-8") if l.strip() and not l.startswith("#")]
    sql = ("SELECT path, snippet(docs, 1, '[', ']', '…', 16) FROM docs WHERE docs MATCH ? "
           "ORDER BY rank LIMIT 10")
    lat, hits, skipped, failed = [], 0, 0, 0
    for rnd in range(2):  # warm-up, then timed
        for q in queries:
            t0 = time.perf_counter()
            expr = translate(q)
            rows = []
            if expr:
                try:
                    rows = con.execute(sql, (expr,)).fetchall()
                except sqlite3.Error:
                    failed += rnd
            else:
                skipped += rnd
            if rnd:
                lat.append((time.perf_counter() - t0) * 1000)
                hits += len(rows)
    print(json.dumps({"queries": len(lat), "hits": hits, "untranslatable": skipped, "failed": failed,
                      "mean_ms": sum(lat) / len(lat), "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90),
                      "p99_ms": pct(lat, 99)}))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("index", "query"):
        sys.exit(__doc__)
    (do_index if sys.argv[1] == "index" else do_query)(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
