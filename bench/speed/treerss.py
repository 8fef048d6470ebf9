#!/usr/bin/env python3
"""Peak memory of a process tree, for bench/run.sh.

  treerss.py [--interval S] [--with-root] PID

Every S seconds (default 0.2) sums VmRSS (/proc/P/status) over the
descendants of PID (children, their children, ...; with --with-root PID
itself too) and keeps the largest sum, until PID has exited.  Prints one
JSON object: max_rss_kb (the largest sum), max_procs (the most processes
seen at once) and polls.

bench/run.sh starts `/usr/bin/time -v wtosearch index ...` in the background
and gives this the pid of /usr/bin/time: the tree below it is the indexer and
the one process per shard it forks.  /usr/bin/time reports the peak of the
largest single process; this is the peak of all of them together.  Pages
the processes share (libraries, what the children inherit from the fork
unchanged) count once per process, so the sum is an upper bound of the
memory really used; a peak shorter than the interval can be missed."""
import json
import os
import sys
import time


def children(pid):
    """The direct children of pid (/proc/P/task/T/children, else a scan)."""
    try:
        kids = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except FileNotFoundError:
        if not os.path.exists(f"/proc/{pid}"):
            return []
    except OSError:
        return []
    kids = []  # a kernel without CONFIG_PROC_CHILDREN: scan every process
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                kids.append(int(name))
    return kids


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, a zombie, or a kernel thread


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def main():
    args = sys.argv[1:]
    interval, with_root = 0.2, False
    while args and args[0].startswith("--"):
        if args[0] == "--interval" and len(args) > 1:
            interval = float(args[1])
            args = args[2:]
        elif args[0] == "--with-root":
            with_root = True
            args = args[1:]
        else:
            sys.exit(__doc__)
    if len(args) != 1 or not args[0].isdigit():
        sys.exit(__doc__)
    root = int(args[0])
    peak = peak_procs = polls = 0
    while alive(root):
        tree, todo = [], children(root)
        while todo:
            p = todo.pop()
            tree.append(p)
            todo += children(p)
        if with_root:
            tree.append(root)
        sizes = [rss_kb(p) for p in tree]
        total, live = sum(sizes), sum(1 for k in sizes if k)
        peak, peak_procs, polls = max(peak, total), max(peak_procs, live), polls + 1
        time.sleep(interval)
    print(json.dumps({"max_rss_kb": peak, "max_procs": peak_procs, "polls": polls, "interval_s": interval}))


if __name__ == "__main__":
    main()
