#!/usr/bin/env python3
"""Where the indexer's time goes, from call stacks, for bench/run.sh.

  perf script -F ip,sym,dso -i perf.data | stages.py

Reads the stacks of `perf record --call-graph dwarf` (leaf first, blank line
between samples) and prints three blocks of text:
  - the share of samples whose leaf is in each library (self, by DSO);
  - the named functions with the largest share of samples under them
    (inclusive: the function and everything it calls);
  - for the indexer's driving functions, how their share splits among the
    functions they call directly.
Libraries without symbols (Debian's libxapian has none for its internal
functions) appear as addresses in perf's own tables; here their cost is
charged to the nearest named caller."""
import collections
import sys

from perfstacks import named, print_by_library, print_inclusive, print_split, read_samples

DRIVERS = ["index_file", "write_document", "wts_document_parse", "annotate_document", "build_para",
           "maybe_commit"]


def main():
    samples = read_samples(sys.stdin)
    n = len(samples)
    if not n:
        print("no samples")
        return
    print(f"samples: {n}")
    print_by_library(samples)

    # Stages, by the first of these functions found on a sample's stack.
    # Stacks through libxapian (no debug information) are not always
    # unwound to the top: a sample is still charged to the Xapian call it
    # is under when that call is on its stack.
    stages = [
        ("Xapian commit (flushing postings, positions and, with --termlists, term lists)",
         ("wts_xwriter_commit", "Xapian::WritableDatabase::commit")),
        ("Xapian add_document (inverting one file, storing its record)",
         ("wts_xwriter_add", "Xapian::WritableDatabase::add_document", "Xapian::WritableDatabase::replace_document")),
        ("Xapian delete_document (files gone)",
         ("wts_xwriter_delete_term", "Xapian::WritableDatabase::delete_document")),
        ("terms of each file (build_file: tokenize, fold, stem, JSON record)", ("build_file", "build_para")),
        ("annotation (language, members, topics, dates, citations)", ("annotate_document",)),
        ("reading, normalizing, segmenting", ("extract_file", "normalize_lines", "segment_document",
                                              "wts_document_parse")),
        ("other work of the indexer", ("index_file", "add_path", "main")),
    ]
    counts = collections.Counter()
    for st in samples:
        names = {x for x, _ in st}
        for label, fns in stages:
            if names.intersection(fns):
                counts[label] += 1
                break
        else:
            counts["stack not unwound to a known function"] += 1
    print("--- stages (share of all samples)")
    for label, _ in stages + [("stack not unwound to a known function", ())]:
        if counts[label]:
            print(f"{100 * counts[label] / n:6.1f}%  {label}")

    print_inclusive(samples, "inclusive (with callees): the program's own functions and Xapian's API",
                    ("malloc", "__GI___libc_malloc", "deflate"))

    print("--- where the time under the index writer's calls ends (leaf library)")
    for fn in ("wts_xwriter_add", "wts_xwriter_commit"):
        under = [st for st in samples if fn in {x for x, _ in st}]
        if not under:
            continue
        print(f"{fn}: {100 * len(under) / n:.1f}%")
        for dso, c in collections.Counter(st[0][1] for st in under).most_common(5):
            print(f"    {100 * c / n:6.1f}%  {dso}")
        for sym, c in collections.Counter(st[0][0] for st in under if named(st[0][0])).most_common(5):
            print(f"    {100 * c / n:6.1f}%  {sym[:100]} (leaf)")
    print_split(samples, "split of the driving functions among their direct callees", DRIVERS)

if __name__ == "__main__":
    main()
