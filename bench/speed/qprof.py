#!/usr/bin/env python3
"""Where the time of a query run goes, from call stacks, for bench/run.sh.

  perf script -F ip,sym,dso -i perf.data | qprof.py

Reads the stacks of `perf record --call-graph dwarf` of `wtosearch batch`
(leaf first, blank line between samples) and prints blocks of text:
  - the share of samples in the kernel, and the share spent in pread64:
    in the kernel under a pread64 system call (Xapian reads every B-tree
    block with one pread64: from the page cache, this is the copy and the
    system call's own cost), and with pread64 anywhere on the stack (libc's
    wrapper too);
  - the share of samples whose leaf is in each library (self, by DSO);
  - the functions of wtosearch and Xapian's API with the largest share of
    samples under them (inclusive), and for the main ones how their share
    splits among the functions they call directly."""
import collections
import re
import sys

from perfstacks import print_by_library, print_inclusive, print_split, read_samples

DRIVERS = ["wts_batch_line", "wts_search", "run_search", "rerank", "nearness"]


def main():
    samples = read_samples(sys.stdin)
    n = len(samples)
    if not n:
        print("no samples")
        return
    pread = re.compile(r"pread")
    kern = [st for st in samples if st[0][1].startswith("[kernel")]
    kern_pread = [st for st in kern if any(pread.search(s) for s, _ in st)]
    any_pread = [st for st in samples if any(pread.search(s) for s, _ in st)]
    print(f"samples: {n}")
    if kern:
        print(f"kernel: {100 * len(kern) / n:.1f}%")
        print(f"pread64 in the kernel: {100 * len(kern_pread) / n:.1f}%")
    else:
        print("kernel: no samples (perf could not sample the kernel here: see "
              "/proc/sys/kernel/perf_event_paranoid)")
    print(f"pread64 on the stack (libc and kernel): {100 * len(any_pread) / n:.1f}%")
    print_by_library(samples)
    if kern:
        print("--- the kernel's share, by the system call or fault it serves")
        why = collections.Counter()
        for st in kern:
            user = next((s for s, d in st if not d.startswith("[kernel")), None)
            ks = [s for s, d in st if d.startswith("[kernel")]
            if any(pread.search(s) for s, _ in st):
                why["pread64"] += 1
            elif any("page_fault" in s for s in ks):
                why["page faults"] += 1
            elif any(s.startswith("__x64_sys_") for s in ks):
                why[next(s for s in ks if s.startswith("__x64_sys_"))[len("__x64_sys_"):]] += 1
            elif user:
                why[f"system call from {user}"] += 1
            else:
                why["other (interrupts, scheduling)"] += 1
        for k, c in why.most_common(6):
            print(f"{100 * c / n:6.1f}%  {k[:100]}")

    print_inclusive(samples, "inclusive (with callees): the program's own functions and Xapian's API")
    print_split(samples, "split of the main functions among their direct callees", DRIVERS)

if __name__ == "__main__":
    main()
