#!/usr/bin/env python3
"""Relevance suite: wtosearch against two baselines, scored in the same run.

    python3 bench/relevance.py [--out bench/RELEVANCE.md]

Indexes the real corpus (shared/corpus/real) and the project's samples
(corpus/sample) three ways, runs every query of bench/relevance/queries.tsv
through each, and scores the first relevant hit of each engine:

  wtosearch         `wtosearch search --json --by paragraph --limit 10
                    [--lang L] QUERY` over a temporary index (paragraphs);
                    also run without --lang (the engine's own language
                    detection), and with --by document to compare with
                    quest on equal terms, each reported as its own row;
  omindex+quest     Xapian's stock tools (Debian: xapian-omega for omindex,
                    xapian-tools for quest) over copies of the files renamed
                    to .txt: documents, not paragraphs;
  sqlite-fts5       SQLite FTS5 (unicode61, remove_diacritics 2) over the
                    files split naively on blank lines.

Standard library only (plus the sqlite3 module).  Exits non-zero only when
it cannot run (a tool missing, the index cannot be built, the query file
is malformed), never because a score is low.
"""

import argparse
import csv
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
K = 10  # hits per query

GROUPS = [  # id prefix -> group name, in report order
    ("w", "words/phrases"),
    ("q", "questions"),
    ("l", "French+Spanish"),
    ("s", "symbols"),
    ("m", "members"),
    ("d", "dates"),
    ("a", "acronyms"),
]
GROUP_OF = dict(GROUPS)

ENGINES = [
    ("wts", "wtosearch (--lang)"),
    ("wts_auto", "wtosearch (detected lang)"),
    ("wts_doc", "wtosearch --by document (document level)"),
    ("quest", "omindex+quest (document level)"),
    ("fts", "sqlite FTS5 (blank-line chunks)"),
]

# Fields of wtosearch's query language.  The baselines know none of them:
# the value of a field is kept as plain words, except for these filters,
# whose values are not words of the text.
DROP_FIELDS = {"lang", "type", "kind"}
FIELD_RX = re.compile(r'(?<![\w/])([a-z]+):("[^"]*"|\S+)')
WORD_RX = re.compile(r"\w+", re.UNICODE)


class CannotRun(Exception):
    pass


def die(msg):
    raise CannotRun(msg)


# ---------------------------------------------------------------------------
# helpers

def fold(s):
    """Lower case, NFC, no diacritics, typographic apostrophes plain."""
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", s).replace("\u2019", "'")


def words(s):
    return WORD_RX.findall(fold(s))


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def tool_version(cmd):
    try:
        r = run(cmd)
    except OSError:
        return "?"
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0] if out else "?"


def corpus_files(dirs):
    """Every file wtosearch would index: recursive, hidden entries and the
    manifest left out."""
    files = []
    for d in dirs:
        for base, subdirs, names in os.walk(d):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for n in sorted(names):
                if n.startswith(".") or n == "MANIFEST.tsv":
                    continue
                files.append(os.path.join(base, n))
    seen = {}
    for f in files:
        b = os.path.basename(f)
        if b in seen:
            die(f"two corpus files share the base name {b}: {seen[b]} and {f}")
        seen[b] = f
    return files


def read_queries(path):
    try:
        fh = open(path, encoding="utf-8", newline="")
    except OSError as e:
        die(f"cannot read {path}: {e}")
    with fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    need = {"id", "query", "lang", "relevant", "note"}
    if not rows or not need <= set(rows[0].keys()):
        die(f"{path}: header must name the columns {' '.join(sorted(need))}")
    qs = []
    ids = set()
    for n, r in enumerate(rows, start=2):
        qid = (r["id"] or "").strip()
        if not qid or qid in ids:
            die(f"{path}:{n}: missing or repeated id {qid!r}")
        ids.add(qid)
        if qid[0] not in GROUP_OF:
            die(f"{path}:{n}: id {qid} does not start with a group letter "
                f"({', '.join(p + '=' + g for p, g in GROUPS)})")
        if r["lang"] not in ("en", "fr", "es"):
            die(f"{path}:{n}: lang must be en, fr or es")
        rel = []
        for item in (r["relevant"] or "").split():
            if "#" not in item:
                die(f"{path}:{n}: {item!r} is not FILE#LABEL")
            f, label = item.split("#", 1)
            rel.append((f, label))
        if not rel:
            die(f"{path}:{n}: no relevant paragraph")
        qs.append({"id": qid, "query": r["query"], "lang": r["lang"],
                   "relevant": rel, "note": r["note"],
                   "group": GROUP_OF[qid[0]]})
    return qs


def plain_query(q):
    """The query for engines that know no wtosearch fields: field prefixes
    stripped (their values kept as words), filters on language, type and
    kind dropped, range dots removed."""
    def repl(m):
        field, value = m.group(1), m.group(2)
        if field in DROP_FIELDS:
            return " "
        value = value.replace("..", " ")
        return " " + value + " "
    out = FIELD_RX.sub(repl, q)
    return re.sub(r"\s+", " ", out).strip()


# ---------------------------------------------------------------------------
# wtosearch

class Wtosearch:
    def __init__(self, exe, db):
        self.exe = exe
        self.db = db

    def version(self):
        return tool_version([self.exe, "--version"])

    def index(self, dirs):
        r = run([self.exe, "index", "--db", self.db] + dirs)
        if r.returncode not in (0, 1) or not os.path.isdir(self.db):
            die(f"wtosearch index failed (exit {r.returncode}): {r.stderr.strip()}")
        summary = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith("indexed ")]
        line = summary[-1] if summary else r.stdout.strip()
        return line.replace(" into " + self.db, " into a temporary index")

    def paragraphs(self, path):
        """[(label, kind, text)] of one indexed file, or None."""
        r = run([self.exe, "show", "--db", self.db, "--json", path])
        if r.returncode == 3:
            die(f"wtosearch show: {r.stderr.strip()}")
        if r.returncode != 0:
            return None
        doc = json.loads(r.stdout)
        out = []
        for d in doc.get("documents", []):
            if os.path.realpath(d.get("path", "")) != os.path.realpath(path):
                continue
            for p in d.get("paragraphs", []):
                out.append((p.get("para"), p.get("kind"), p.get("text") or ""))
        return out

    def search(self, query, lang, by="paragraph"):
        cmd = [self.exe, "search", "--db", self.db, "--json", "--by", by,
               "--limit", str(K)]
        if lang:
            cmd += ["--lang", lang]
        cmd += ["--", query]
        r = run(cmd)
        if r.returncode == 1:
            return [], None
        if r.returncode == 3:
            die(f"wtosearch search: {r.stderr.strip()}")
        if r.returncode != 0:
            return [], (r.stderr.strip() or f"exit {r.returncode}")
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            return [], f"bad JSON: {e}"
        hits = [(os.path.basename(h.get("path", "")), str(h.get("para")))
                for h in doc.get("hits", [])]
        return hits[:K], None


# ---------------------------------------------------------------------------
# omindex + quest

class Quest:
    def __init__(self, tmp, files):
        self.tmp = tmp
        self.files = files
        self.db = os.path.join(tmp, "omega-db")
        self.docs = os.path.join(tmp, "omega-docs")
        self.back = {}  # name in docs dir -> original base name

    @staticmethod
    def check():
        missing = [t for t in ("omindex", "quest") if shutil.which(t) is None]
        if missing:
            die(f"{' and '.join(missing)} not found: install them with "
                "`apt-get install -y xapian-omega xapian-tools` "
                "(omindex is in xapian-omega, quest in xapian-tools)")

    def versions(self):
        return tool_version(["omindex", "--version"]), tool_version(["quest", "--version"])

    def index(self):
        os.makedirs(self.docs)
        for f in self.files:
            b = os.path.basename(f)
            name = b if b.endswith(".txt") else b + ".txt"
            shutil.copyfile(f, os.path.join(self.docs, name))
            self.back[name] = b
        r = run(["omindex", "--db", self.db, "--url", "/", self.docs])
        if r.returncode != 0:
            die(f"omindex failed (exit {r.returncode}): {r.stderr.strip()[-500:]}")

    def search(self, query):
        q = plain_query(query)
        r = run(["quest", "-d", self.db, "-m", str(K), q])
        if r.returncode != 0:
            return [], (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
        hits = []
        current = False
        for line in r.stdout.splitlines():
            if re.match(r"^\d+: \[", line):
                current = True
                continue
            if current and line.startswith("url="):
                name = line[4:].lstrip("/")
                hits.append(self.back.get(name, name))
                current = False
        return hits[:K], None


# ---------------------------------------------------------------------------
# SQLite FTS5 over blank-line chunks

class Fts:
    def __init__(self, files):
        self.files = files
        self.con = sqlite3.connect(":memory:")
        try:
            self.con.execute("CREATE VIRTUAL TABLE chunks USING fts5(file UNINDEXED, body, "
                             "tokenize = \"unicode61 remove_diacritics 2\")")
        except sqlite3.OperationalError as e:
            die(f"this sqlite3 module has no usable FTS5 ({e}): "
                "Debian's python3 has it; use that interpreter")
        self.chunks = 0

    def index(self):
        rows = []
        for f in self.files:
            with open(f, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            for chunk in re.split(r"\n[ \t\r\f\v]*\n", text):
                chunk = chunk.strip()
                if chunk:
                    rows.append((os.path.basename(f), chunk))
        self.con.executemany("INSERT INTO chunks(file, body) VALUES (?, ?)", rows)
        self.chunks = len(rows)

    @staticmethod
    def match_expr(query):
        """OR of the query's words, each quoted; a quoted phrase, or a token
        joined by punctuation (a symbol, a hyphenated word), stays a phrase."""
        q = plain_query(query)
        terms = []
        for m in re.finditer(r'"([^"]*)"|(\S+)', q):
            if m.group(1) is not None:
                ws = WORD_RX.findall(m.group(1))
            else:
                tok = m.group(2).lstrip("+-")
                if tok in ("AND", "OR", "NOT"):
                    continue
                ws = WORD_RX.findall(tok)
            if ws:
                terms.append('"' + " ".join(ws) + '"')
        return " OR ".join(terms)

    def search(self, query):
        expr = self.match_expr(query)
        if not expr:
            return [], "no words"
        try:
            cur = self.con.execute(
                "SELECT file, body FROM chunks WHERE chunks MATCH ? ORDER BY rank LIMIT ?",
                (expr, K))
            return list(cur), None
        except sqlite3.OperationalError as e:
            return [], str(e)


def chunk_matches(chunk, para_text):
    """A chunk stands for a judged paragraph when it has at least 6 distinct
    words and at least half of them (and at least 4) are words of the
    paragraph, or when it contains the paragraph's first 8 words in order."""
    cw = words(chunk)
    pw = words(para_text)
    if not cw or not pw:
        return False
    pset = set(pw)
    cset = set(cw)
    common = len(cset & pset)
    if len(cset) >= 6 and common >= 4 and common * 2 >= len(cset):
        return True
    head = " ".join(pw[:8])
    return len(pw) >= 3 and (" " + head + " ") in (" " + " ".join(cw) + " ")


# ---------------------------------------------------------------------------
# scoring

def first_rank(flags):
    for i, ok in enumerate(flags, start=1):
        if ok:
            return i
    return None


def metrics(ranks):
    n = len(ranks)
    if not n:
        return (0.0, 0.0, 0.0)
    s1 = sum(1 for r in ranks if r == 1) / n
    s5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return (s1, s5, mrr)


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "RELEVANCE.md"),
                    help="Markdown report (default bench/RELEVANCE.md)")
    ap.add_argument("--queries", default=os.path.join(HERE, "relevance", "queries.tsv"))
    ap.add_argument("--wtosearch", default=os.path.join(ROOT, "build", "cli", "wtosearch"),
                    help="the wtosearch program (default build/cli/wtosearch)")
    ap.add_argument("--real", default=None,
                    help="real corpus (default shared/corpus/real beside the checkout)")
    ap.add_argument("--sample", default=os.path.join(ROOT, "corpus", "sample"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args(argv)

    real = args.real
    if real is None:
        for cand in (os.path.join(os.path.dirname(ROOT), "shared", "corpus", "real"),
                     "/work/shared/corpus/real"):
            if os.path.isdir(cand):
                real = cand
                break
        else:
            die("real corpus not found: pass --real DIR")
    for d in (real, args.sample):
        if not os.path.isdir(d):
            die(f"no corpus directory {d}")
    exe = os.path.abspath(args.wtosearch)
    if not os.access(exe, os.X_OK):
        die(f"{exe} not found or not executable: build it with `ninja -C build` "
            "(or pass --wtosearch PATH)")
    Quest.check()

    queries = read_queries(args.queries)
    dirs = [os.path.abspath(real), os.path.abspath(args.sample)]
    files = corpus_files(dirs)

    tmp = tempfile.mkdtemp(prefix="wts-relevance-")
    try:
        return run_suite(args, exe, dirs, files, queries, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run_suite(args, exe, dirs, files, queries, tmp):
    wts = Wtosearch(exe, os.path.join(tmp, "wts-db"))
    wts_summary = wts.index(dirs)

    # The judged paragraphs' text, from the engine's own segmentation.
    paras = {}  # (base, label) -> [text]
    indexed = []
    for f in files:
        ps = wts.paragraphs(f)
        if ps is None:
            continue
        indexed.append(f)
        for label, kind, text in ps:
            if kind == "heading":
                continue
            paras.setdefault((os.path.basename(f), label), []).append(text)
    names = {os.path.basename(f) for f in indexed}
    problems = []
    for q in queries:
        for f, label in q["relevant"]:
            if f not in names:
                problems.append(f"{q['id']}: {f} is not an indexed corpus file")
            elif (f, label) not in paras:
                problems.append(f"{q['id']}: {f} has no paragraph labelled {label}")
    if problems:
        die("judgments that match no paragraph (re-judge them):\n  " + "\n  ".join(problems))

    quest = Quest(tmp, indexed)
    quest.index()
    fts = Fts(indexed)
    fts.index()

    results = []
    for q in queries:
        rel = set(q["relevant"])
        relfiles = {f for f, _ in rel}
        row = {"q": q, "rank": {}, "err": {}, "top": {}, "flags": {}, "found5": {}}

        for key, lang in (("wts", q["lang"]), ("wts_auto", None)):
            hits, err = wts.search(q["query"], lang)
            row["flags"][key] = [h in rel for h in hits]
            row.setdefault("found5", {})[key] = len({h for h in hits[:5] if h in rel})
            row["rank"][key] = first_rank(row["flags"][key])
            row["err"][key] = err
            row["top"][key] = hits

        hits, err = wts.search(q["query"], q["lang"], by="document")
        row["rank"]["wts_doc"] = first_rank([f in relfiles for f, _ in hits])
        row["err"]["wts_doc"] = err
        row["top"]["wts_doc"] = hits

        hits, err = quest.search(q["query"])
        row["rank"]["quest"] = first_rank([h in relfiles for h in hits])
        row["err"]["quest"] = err
        row["top"]["quest"] = hits

        hits, err = fts.search(q["query"])
        flags = []
        found = []  # the judged paragraph each chunk stands for, or None
        for f, body in hits:
            match = None
            if f in relfiles:
                for rf, label in q["relevant"]:
                    if rf == f and any(chunk_matches(body, t) for t in paras[(rf, label)]):
                        match = (rf, label)
                        break
            flags.append(match is not None)
            found.append(match)
        row["found5"]["fts"] = len({m for m in found[:5] if m})
        row["flags"]["fts"] = flags
        row["rank"]["fts"] = first_rank(flags)
        row["err"]["fts"] = err
        row["top"]["fts"] = [f for f, _ in hits]
        results.append(row)

    env = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "wtosearch": wts.version(),
        "omindex_quest": "; ".join(quest.versions()),
        "sqlite": sqlite3.sqlite_version,
        "python": sys.version.split()[0],
        "wts_summary": wts_summary,
        "files": len(indexed),
        "chunks": fts.chunks,
        "dirs": dirs,
    }
    report = render(env, queries, results)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(report)
    print(summary_text(queries, results))
    print(f"report written to {args.out}")
    return 0


# ---------------------------------------------------------------------------
# output

def group_rows(results):
    rows = [("all", results)]
    for _, g in GROUPS:
        sub = [r for r in results if r["q"]["group"] == g]
        if sub:
            rows.append((g, sub))
    return rows


def summary_text(queries, results):
    lines = [f"{len(queries)} queries; success@1 / success@5 / MRR@10 "
             "(wts_doc and quest at document level)"]
    head = f"{'group':<16}{'n':>4}  " + "  ".join(f"{key:<20}" for key, _ in ENGINES)
    lines.append(head)
    for g, sub in group_rows(results):
        cells = []
        for key, _ in ENGINES:
            s1, s5, mrr = metrics([r["rank"][key] for r in sub])
            cells.append(f"{s1:.2f} / {s5:.2f} / {mrr:.2f}".ljust(20))
        lines.append(f"{g:<16}{len(sub):>4}  " + "  ".join(cells))
    return "\n".join(lines)


def fmt_rank(r, err):
    if err:
        return "err"
    return "–" if r is None else str(r)


def render(env, queries, results):
    out = []
    w = out.append
    w("# Relevance: wtosearch against two baselines\n")
    w("Written by `python3 bench/relevance.py` (do not edit by hand); the queries and "
      "judgments are in `bench/relevance/queries.tsv`, how they were made in "
      "`bench/relevance/README.md`.\n")
    w(f"- date: {env['date']}")
    w(f"- wtosearch: `{env['wtosearch']}`; {env['wts_summary']}")
    w(f"- omindex / quest: `{env['omindex_quest']}`")
    w(f"- SQLite: {env['sqlite']} (FTS5, Python {env['python']}); {env['chunks']} chunks")
    w(f"- corpus: {env['files']} files from " + ", ".join(f"`{d}`" for d in env["dirs"]))
    w(f"- {len(queries)} queries, {sum(len(q['relevant']) for q in queries)} judged paragraphs\n")

    w("## How each engine is run and scored\n")
    w("| engine | unit | query as given | a hit counts as relevant when |")
    w("| --- | --- | --- | --- |")
    w("| wtosearch (--lang) | paragraph | `search --json --by paragraph --limit 10 --lang L QUERY`, "
      "L from the query's `lang` column | (file, label) is a judged paragraph |")
    w("| wtosearch (detected lang) | paragraph | the same without `--lang` | the same |")
    w("| wtosearch --by document | document | `search --json --by document --limit 10 --lang L QUERY` | "
      "the file contains any judged paragraph (the same rule as quest, for a like-for-like comparison) |")
    w("| omindex+quest | **document** | `quest -d DB -m 10 QUERY` with wtosearch's field prefixes "
      "stripped (values kept; `lang:`/`type:`/`kind:` dropped); omindex and quest defaults "
      "(English stemming) | the file contains **any** judged paragraph: generous to this "
      "baseline, which cannot point at a paragraph |")
    w("| sqlite FTS5 | blank-line chunk | words of the query ORed, each quoted; quoted phrases and "
      "punctuation-joined tokens (symbols, hyphenated words) as phrases; `ORDER BY rank LIMIT 10` "
      "| same file as a judged paragraph and ≥ half of the chunk's distinct words (≥ 4 of "
      "at least 6) are in that paragraph, or the chunk holds its first 8 words |\n")
    w("success@k: the share of queries with a relevant hit in the top k. MRR@10: mean of "
      "1/rank of the first relevant hit (0 when none in the top 10).\n")
    w(f"Read with care: the corpus is small ({env['files']} documents), so a document-level "
      "engine that finds the right file is often right at rank 1, and most queries use "
      "words that are in the answer. The paragraph-level columns and the table of answers "
      "in the top 5 say more than the document-level ones. `quest` and FTS5 get no help "
      "with fields (`mentions:`, `date:`, `member:` become plain words), so their date and "
      "member rows measure what a generic engine gives a user who types the same thing.\n")

    w("## Summary\n")
    w("| group | n | " + " | ".join(f"{name} S@1 / S@5 / MRR" for _, name in ENGINES) + " |")
    w("| --- | ---: | " + " | ".join("---" for _ in ENGINES) + " |")
    for g, sub in group_rows(results):
        cells = []
        for key, _ in ENGINES:
            s1, s5, mrr = metrics([r["rank"][key] for r in sub])
            cells.append(f"{s1:.2f} / {s5:.2f} / {mrr:.2f}")
        label = f"**{g}**" if g == "all" else g
        w(f"| {label} | {len(sub)} | " + " | ".join(cells) + " |")
    w("")

    w("### Answers in the top 5 (paragraph-level engines)\n")
    w("Distinct judged paragraphs in the top 5, divided by min(5, number judged): "
      "1.00 when the top 5 is as full of answers as it can be (FTS5 chunks that are "
      "fragments of the same paragraph count once). More telling than success@k on "
      "this small corpus, where the first relevant hit is rarely far.\n")
    pk = [("wts", "wtosearch (--lang)"), ("wts_auto", "wtosearch (detected lang)"),
          ("fts", "sqlite FTS5")]
    w("| group | n | " + " | ".join(name for _, name in pk) + " |")
    w("| --- | ---: | " + " | ".join("---:" for _ in pk) + " |")
    for g, sub in group_rows(results):
        cells = []
        for key, _ in pk:
            vals = [r["found5"][key] / min(5, len(r["q"]["relevant"])) for r in sub]
            cells.append(f"{sum(vals) / len(vals):.2f}")
        w(f"| {g} | {len(sub)} | " + " | ".join(cells) + " |")
    w("")

    w("## Per query: rank of the first relevant hit (– = none in the top 10)\n")
    w("| id | group | query | lang | judged | wts | wts auto | wts doc | quest | fts5 |")
    w("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        q = r["q"]
        cells = [fmt_rank(r["rank"][k], r["err"][k]) for k, _ in ENGINES]
        w(f"| {q['id']} | {q['group']} | `{md_escape(q['query'])}` | {q['lang']} | "
          f"{len(q['relevant'])} | " + " | ".join(cells) + " |")
    w("")

    below = [r for r in results if r["rank"]["wts"] != 1]
    fails = [r for r in below if r["rank"]["wts"] is None or r["rank"]["wts"] > 5]
    w("## wtosearch (--lang) below rank 1\n")
    w(f"No relevant paragraph in the top 5 (**miss**): {len(fails)} of {len(results)} queries; "
      f"first relevant at rank 2 to 5: {len(below) - len(fails)}. What it returned first:\n")
    if not below:
        w("None.\n")
    for r in below:
        q = r["q"]
        rk = r["rank"]["wts"]
        tag = " **miss**" if r in fails else ""
        w(f"### {q['id']} `{md_escape(q['query'])}`: rank {fmt_rank(rk, r['err']['wts'])}{tag}\n")
        if r["err"]["wts"]:
            w(f"error: `{md_escape(r['err']['wts'])}`\n")
        w("judged: " + ", ".join(f"`{f}#{l}`" for f, l in q["relevant"]) + "\n")
        top = r["top"]["wts"][:5]
        w("returned: " + (", ".join(f"`{f}#{l}`" for f, l in top) if top else "nothing") + "\n")

    errs = [(r["q"]["id"], name, r["err"][k]) for r in results
            for k, name in ENGINES if r["err"][k]]
    if errs:
        w("## Errors\n")
        for qid, name, e in errs:
            w(f"- {qid}, {name}: `{md_escape(e)}`")
        w("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CannotRun as e:
        print(f"relevance.py: cannot run: {e}", file=sys.stderr)
        sys.exit(2)
