#!/usr/bin/env python3
"""Crash safety: the indexer is killed with SIGKILL at many moments; after
each kill the index opens and passes `wtosearch check`, keeps every batch it
committed, and the next run completes the job, ending with exactly the
paragraphs a clean run gives.

usage: crash_test.py WTOSEARCH REAL_CORPUS SAMPLE_CORPUS
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KILLS = 12
COPIES = 8          # copies of each corpus file: about 150 files
TIMEOUT = 120


def run(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def paragraphs(exe, db):
    """Every (path, para) the index holds, found through the three languages."""
    got = set()
    for lang in ('en', 'fr', 'es'):
        for kind in ('body', 'footnote', 'heading'):
            offset = 0
            while True:   # page through: a filter alone sorts by date, then stably
                r = run(exe, 'search', '--db', db, '--json', '--by', 'paragraph', '--limit', '1000',
                        '--offset', str(offset), 'lang:%s kind:%s' % (lang, kind))
                if r.returncode not in (0, 1):
                    raise AssertionError('search failed: %s' % r.stderr)
                hits = json.loads(r.stdout)['hits']
                for h in hits:
                    got.add((h['path'], h['para'], h['kind']))
                if len(hits) < 1000:
                    break
                offset += 1000
    return got


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    exe, real, sample = (os.path.abspath(a) for a in sys.argv[1:])
    passed = failed = 0

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print('FAIL: %s' % what, flush=True)

    rng = random.Random(20261124)
    with tempfile.TemporaryDirectory(prefix='wtosearch-crash-') as tmp:
        corpus = os.path.join(tmp, 'corpus')
        os.makedirs(corpus)
        sources = [os.path.join(d, f) for d in (real, sample) for f in sorted(os.listdir(d))
                   if f != 'MANIFEST.tsv' and not f.startswith('.')]
        for i in range(COPIES):
            sub = os.path.join(corpus, 'copy%02d' % i)
            os.makedirs(sub)
            for src in sources:
                dst = os.path.join(sub, os.path.basename(src))
                shutil.copyfile(src, dst)
                with open(dst, 'a', encoding='utf-8') as f:   # every copy distinct
                    f.write('\n\nCopy marker zq%dx%s.\n' % (i, os.path.basename(src).split('.')[0].replace('-', '')))
        db = os.path.join(tmp, 'db')
        committed_before = set()
        for k in range(KILLS):
            p = subprocess.Popen([exe, 'index', '--db', db, '--commit-every', '7', corpus],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.02, 1.2))
            p.send_signal(signal.SIGKILL)
            p.wait()
            if not os.path.exists(db):
                continue
            c = run(exe, 'check', '--db', db)
            # an index killed before its first commit may not exist as one yet
            if c.returncode == 3 and 'no index' in (c.stderr + c.stdout).lower():
                continue
            check(c.returncode == 0, 'check after kill %d: %s%s' % (k, c.stdout, c.stderr))
            now = paragraphs(exe, db)
            check(committed_before <= now, 'kill %d lost committed paragraphs: %d missing'
                  % (k, len(committed_before - now)))
            committed_before = now
        r = run(exe, 'index', '--db', db, corpus)
        check(r.returncode == 0, 'the run after the kills: %s' % r.stderr)
        c = run(exe, 'check', '--db', db)
        check(c.returncode == 0, 'final check: %s' % c.stdout)
        clean = os.path.join(tmp, 'clean')
        r = run(exe, 'index', '--db', clean, corpus)
        check(r.returncode == 0, 'clean run: %s' % r.stderr)
        a, b = paragraphs(exe, db), paragraphs(exe, clean)
        check(len(b) > 100, 'the clean index holds paragraphs')
        check(a == b, 'after the kills and a last run, the index equals a clean one '
                      '(%d extra, %d missing)' % (len(a - b), len(b - a)))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
