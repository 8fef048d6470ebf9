#!/usr/bin/env python3
"""Ingestion of the formats people have, on the project's fixtures
(tests/fixtures): each readable file is indexed alone and what the index
holds of it (title, symbols, date, paragraphs) must contain every phrase of
its .expect and .expect-joined files and none of the phrases marked '!';
each broken file is skipped with a reason, the run goes on, and what was
indexed before stays.

usage: ingest_test.py WTOSEARCH FIXTURES_DIR
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 120

READABLE = ['report.pdf', 'two-columns.pdf', 'report.docx', 'page.html', 'page.html.gz',
            'report.txt.gz', 'utf16le-bom.txt', 'utf16be-bom.txt', 'utf8-bom.md',
            'cp1252.txt', 'latin1.txt']
BROKEN = {  # file: words one of which the skip reason must hold
    'truncated.pdf': ['pdf'], 'garbage.pdf': ['pdf'], 'encrypted.pdf': ['encrypted', 'password'],
    'not-a-zip.docx': ['zip'], 'zip-bomb.docx': ['limit', 'bomb'], 'binary.txt': ['binary'],
    'invalid-utf8.txt': ['utf-8'],
}
MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
          'september', 'october', 'november', 'december']


def run(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def squeeze(s):
    return re.sub(r'\s+', ' ', s).strip()


def held_text(exe, db, path):
    r = run(exe, 'show', '--db', db, '--json', path)
    if r.returncode != 0:
        raise AssertionError('show %s: %s' % (path, r.stderr))
    doc = json.loads(r.stdout)['documents'][0]
    symbols = list(doc.get('symbols') or [])
    parts = [doc.get('title') or ''] + symbols + ['-'.join(symbols)]
    parts += [p['text'] for p in doc['paragraphs']]
    return doc, squeeze('\n'.join(parts))


def is_doc_date(phrase, doc):
    """A header date line: kept as the document's date, not as text."""
    if not doc.get('date'):
        return False
    y, m, d = (int(x) for x in doc['date'].split('-'))
    words = [re.sub(r'^(\d+)(er|o|º)$', r'\1', w) for w in phrase.lower().replace(' de ', ' ').split()]
    return str(y) in words and str(d) in words and len(words) <= 5


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    exe, fixtures = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    passed = failed = 0

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print('FAIL: %s' % what, flush=True)

    with tempfile.TemporaryDirectory(prefix='wtosearch-ingest-') as tmp:
        db = os.path.join(tmp, 'db')
        for name in READABLE:
            path = os.path.join(fixtures, name)
            r = run(exe, 'index', '--db', db, path)
            check(r.returncode == 0, '%s indexed: %s%s' % (name, r.stdout, r.stderr))
            if r.returncode != 0:
                continue
            doc, text = held_text(exe, db, path)
            for suffix in ('.expect', '.expect-joined'):
                exp = path + suffix
                if not os.path.exists(exp):
                    continue
                with open(exp, encoding='utf-8') as f:
                    for line in f.read().splitlines():
                        if not line.strip():
                            continue
                        if line.startswith('!'):
                            phrase = squeeze(line[1:])
                            check(phrase not in text, '%s: "%s" must not be there' % (name, phrase))
                        else:
                            phrase = squeeze(line)
                            check(phrase in text or is_doc_date(phrase, doc),
                                  '%s%s: "%s" not found' % (name, suffix, phrase))
        # the broken ones, beside a good one, in one directory
        bad = os.path.join(tmp, 'bad')
        os.makedirs(bad)
        for name in BROKEN:
            with open(os.path.join(fixtures, name), 'rb') as f, open(os.path.join(bad, name), 'wb') as g:
                g.write(f.read())
        with open(os.path.join(bad, 'big.txt'), 'wb') as f:   # 500 MB, sparse
            f.truncate(500 << 20)
        os.symlink(bad, os.path.join(bad, 'loop'))            # a link back to its parent
        with open(os.path.join(bad, 'good.txt'), 'w', encoding='utf-8') as f:
            f.write('Members discussed the frobnicated proposal on trade finance.\n')
        before = run(exe, 'search', '--db', db, '--json', '--by', 'paragraph', '--limit', '1000', 'lang:en')
        r = run(exe, 'index', '--db', db, bad)
        check(r.returncode == 1, 'broken files: exit 1 (some skipped), got %d' % r.returncode)
        check('Traceback' not in r.stderr and 'Sanitizer' not in r.stderr, 'no crash: %s' % r.stderr)
        lines = r.stderr.lower().splitlines()
        for name, words in list(BROKEN.items()) + [('big.txt', ['large']), ('loop', ['loop'])]:
            mine = [l for l in lines if name in l]
            check(len(mine) == 1 and any(w in mine[0] for w in words),
                  '%s: one line naming it with a reason (%s), got %s' % (name, '/'.join(words), mine))
        m = re.search(r'indexed (\d+) documents? .*; (\d+) unchanged, (\d+) skipped', r.stdout)
        check(m and m.group(1) == '1' and m.group(3) == str(len(BROKEN) + 2),
              'summary counts: %s' % r.stdout.splitlines()[:1])
        found = run(exe, 'search', '--db', db, '--json', 'frobnicated')
        check(found.returncode == 0, 'the good file beside them is indexed')
        after = run(exe, 'search', '--db', db, '--json', '--by', 'paragraph', '--limit', '1000', 'lang:en')
        hb = {(h['path'], h['para']) for h in json.loads(before.stdout)['hits']}
        ha = {(h['path'], h['para']) for h in json.loads(after.stdout)['hits']}
        check(hb <= ha, 'what was indexed before stays (%d lost)' % len(hb - ha))
        c = run(exe, 'check', '--db', db)
        check(c.returncode == 0, 'check after the broken files: %s' % c.stdout)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
