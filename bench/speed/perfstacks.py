"""Call stacks of `perf script -F ip,sym,dso`, for stages.py and qprof.py.

A sample is a list of (symbol, library) frames, leaf first.  Libraries
without symbols (Debian's libxapian has none for its internal functions)
show as addresses: such frames are charged to the nearest named caller."""
import collections
import re


def read_samples(stream):
    """The samples of perf script's output (a blank line between them)."""
    samples, cur = [], []
    for line in stream:
        s = line.strip()
        if not s:
            if cur:
                samples.append(cur)
                cur = []
            continue
        m = re.match(r"([0-9a-f]+)\s+(.*?)\s+\((.*)\)$", s)
        if not m:
            continue
        sym = m.group(2).replace(" (inlined)", "")
        sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
        dso = m.group(3).rsplit("/", 1)[-1]
        cur.append((sym, dso))
    if cur:
        samples.append(cur)
    for st in samples:  # an inlined frame lives in the library of its caller
        for i in range(len(st) - 2, -1, -1):
            if st[i][1] == "inlined":
                st[i] = (st[i][0], st[i + 1][1])
    return samples


def named(sym):
    """Whether perf knew the frame's function (not an address)."""
    return sym != "[unknown]" and not sym.startswith("0x") and not re.match(r"^[0-9a-f]+$", sym)


def print_by_library(samples):
    """The share of samples whose leaf is in each library."""
    n = len(samples)
    print("--- self, by library")
    for dso, c in collections.Counter(st[0][1] for st in samples).most_common(8):
        print(f"{100 * c / n:6.1f}%  {dso}")


def print_inclusive(samples, title, extra=()):
    """The functions of wtosearch and Xapian's API (and those of extra) with
    the most samples under them."""
    n = len(samples)
    incl = collections.Counter()
    for st in samples:
        for sym in {x for x, d in st if named(x) and not x.startswith("std::")
                    and (d.startswith("wtosearch") or x.startswith("Xapian::") or x in extra)}:
            incl[sym] += 1
    print(f"--- {title}")
    for sym, c in incl.most_common(20):
        print(f"{100 * c / n:6.1f}%  {sym[:100]}")


def print_split(samples, title, drivers):
    """For each of drivers, its share and how it splits among the named
    functions it calls directly (unnamed frames belong to their library)."""
    n = len(samples)
    print(f"--- {title}")
    for fn in drivers:
        tot, kids = 0, collections.Counter()
        for st in samples:
            names = [s for s, _ in st]
            if fn not in names:
                continue
            tot += 1
            i = names.index(fn)
            kid = "(itself)"
            for j in range(i - 1, -1, -1):
                if named(names[j]):
                    kid = names[j]
                    break
                kid = f"({st[j][1]})"
            kids[kid] += 1
        if not tot:
            continue
        print(f"{fn}: {100 * tot / n:.1f}%")
        for k, c in kids.most_common(8):
            if 100 * c / n >= 0.5:
                print(f"    {100 * c / n:6.1f}%  {k[:100]}")
