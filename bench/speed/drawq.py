#!/usr/bin/env python3
"""Draws queries from the documents of a corpus, for bench/run.sh.

  drawq.py CORPUS --count N [--seed S]

Prints N queries, one a line, made of what the corpus's own documents say:
the same corpus and seed give the same queries.  A fixed list of queries
can be tuned for, knowingly or not; queries drawn from whatever corpus is
measured cannot, so the bench measures both.  Each query is taken from one
document chosen at random (by its path, in sorted order), in these shares:

  30%  two to four words of one of its paragraphs
  15%  a phrase of two or three words of it, in quotes
  10%  one word
   8%  a word and member:"..." of a member it names (else any member)
   7%  a document symbol it cites
   6%  a word and date: of the year or month of the first date it gives
       (a WTO document's own, in its header)
   8%  two words joined by AND, OR or NOT
   6%  a prefix of four letters or more with '*', and a word
   5%  a word and topic: (an id of corpus/topics.tsv)
   5%  a word of the document and a word of another one

The documents are in the corpus's languages (English, French, Spanish in
the generated one), so are the queries.  Only text files are drawn from
(.txt, .md, .html, .htm; tags left out): the words of a PDF or DOCX are not
in its bytes.  Only well-formed queries are drawn: a phrase's words stand
next to each other with nothing but spaces between them, a symbol's
brackets balance, a wildcard's prefix has four letters or more, which
keeps it under wtosearch's limit on expansions at the sizes measured
here."""
import argparse
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
SYMBOL = re.compile(r"\b(?:INF|WT|G|S|TN|JOB)/[A-Za-z0-9()/.\-]+")
MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({m: i + 1 for i, m in enumerate(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())})
MONTHS.update({m: i + 1 for i, m in enumerate(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())})
DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(?:de\s+)?([^\W\d_]+)\s+(?:de\s+)?(\d{4})\b")
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
TAG = re.compile(r"<[^>]*>")


def corpus_files(root):
    """The text documents as the indexer sees them: hidden entries left out;
    sorted, so the draw does not depend on the order the file system lists
    them in."""
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        out += [os.path.join(d, f) for f in files if not f.startswith(".") and f.lower().endswith(TEXT_SUFFIXES)]
    return sorted(out)


def read_text(path):
    """The file's text; markup tags (HTML, and HTML inside Markdown) left out."""
    text = open(path, encoding="utf-8", errors="replace").read()
    return TAG.sub(" ", text) if path.lower().endswith((".html", ".htm", ".md")) else text


def phrase_at(para, spans, i, n):
    """Words i to i + n of a paragraph as a phrase, or None when something
    other than spaces stands between two of them (a number, a colon)."""
    if i + n > len(spans):
        return None
    for k in range(i, i + n - 1):
        if para[spans[k][1]:spans[k + 1][0]].strip():
            return None
    return " ".join(para[a:b] for a, b in spans[i:i + n])


def table(name, column):
    """A column of one of the project's TSV tables (corpus/*.tsv), header out."""
    rows = open(os.path.join(ROOT, "corpus", name), encoding="utf-8").read().splitlines()
    head = rows[0].split("\t")
    at = head.index(column)
    return [r.split("\t")[at] for r in rows[1:] if r and not r.startswith("#")]


def clean_symbol(s):
    """A cited symbol without the punctuation that follows it in a sentence,
    and without a closing bracket it does not open."""
    s = s.rstrip(".,;:-")
    while s.endswith(")") and s.count(")") > s.count("("):
        s = s[:-1].rstrip(".,;:-")
    return s if s.count("(") == s.count(")") and s.count("/") >= 2 else None


def doc_month(text):
    """The document's first date, as date: takes it (YYYY-MM), or None."""
    for _day, month, year in DATE.findall(text[:2000]):
        m = MONTHS.get(month.lower())
        if m:
            return f"{year}-{m:02d}"
    return None


def draw(files, rnd, members, topics):
    """One query from one document drawn at random, or None when that
    document offers nothing for the kind of query drawn."""
    text = read_text(rnd.choice(files))
    paras = [p for p in re.split(r"\n\s*\n", text) if len(WORD.findall(p)) >= 8]
    if not paras:
        return None
    para = rnd.choice(paras)
    spans = [m.span() for m in WORD.finditer(para)]
    words = [para[a:b] for a, b in spans]
    i = rnd.randrange(len(words) - 4)
    low = [w.lower() for w in words]
    r = rnd.random()
    if r < 0.30:
        return " ".join(low[i:i + rnd.choice((2, 2, 3, 4))])
    if r < 0.45:
        phrase = phrase_at(para, spans, i, rnd.choice((2, 3)))
        return f'"{phrase}"' if phrase else None
    if r < 0.55:
        return low[i]
    if r < 0.63:
        named = [m for m in members if m in text]
        return f'{low[i]} member:"{rnd.choice(named or members)}"'
    if r < 0.70:
        cited = [s for s in (clean_symbol(x) for x in SYMBOL.findall(text)) if s]
        return rnd.choice(cited) if cited else None
    if r < 0.76:
        month = doc_month(text)
        if not month:
            return None
        return f"{low[i]} date:{month if rnd.random() < 0.5 else month[:4]}"
    if r < 0.84:
        return f"{low[i]} {rnd.choice(('AND', 'OR', 'NOT'))} {low[i + 2]}"
    if r < 0.90:
        long = [w for w in low[i:] if len(w) >= 6]
        if not long:
            return None
        w = long[0]
        return f"{w[:rnd.randrange(4, len(w) - 1)]}* {low[i + 1]}"
    if r < 0.95:
        return f"{low[i]} topic:{rnd.choice(topics)}"
    other = read_text(rnd.choice(files))
    more = WORD.findall(other[len(other) // 2:])  # the first may be cut
    return f"{low[i]} {more[1].lower()}" if len(more) > 1 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    files = corpus_files(a.corpus)
    if not files:
        sys.exit(f"drawq.py: {a.corpus} holds no text file to draw queries from")
    rnd = random.Random(a.seed)
    members = table("members.tsv", "en")
    topics = table("topics.tsv", "id")
    out, tries = [], 0
    while len(out) < a.count and tries < 50 * a.count:
        tries += 1
        q = draw(files, rnd, members, topics)
        if q and q.strip() and not q.startswith("#"):
            out.append(q)
    if len(out) < a.count:
        sys.exit(f"drawq.py: only {len(out)} queries could be drawn from {a.corpus}")
    sys.stdout.write("".join(q + "\n" for q in out))


if __name__ == "__main__":
    main()
