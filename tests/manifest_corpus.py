"""What the ranking and paragraph tests share: running wtosearch, and
indexing a few documents written by a test, their fields given by a
MANIFEST.tsv; and many short notes, for the command line's and the
daemon's tests of indexes of many files."""
import os
import subprocess
import sys
import tempfile

TIMEOUT = 30


def run(exe, *args):
    """Runs wtosearch; exit status 0 or 1 (nothing matched) is an answer,
    anything else fails the test."""
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=TIMEOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode not in (0, 1):
        raise AssertionError('wtosearch %s: exit %d\n%s' % (' '.join(args), p.returncode, p.stderr))
    return p


def index_corpus(exe, prefix, docs):
    """Writes docs, (file, symbol, date, lang, title, text) each, and their
    manifest into a new temporary directory, and indexes them: returns the
    directory (to clean up) and the index's path."""
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    corpus = os.path.join(tmp.name, 'corpus')
    os.makedirs(corpus)
    rows = ['path\tsymbol\tdate\tlang\ttitle']
    for name, symbol, date, lang, title, text in docs:
        with open(os.path.join(corpus, name), 'w', encoding='utf-8') as f:
            f.write(text)
        rows.append('\t'.join((name, symbol, date, lang, title)))
    with open(os.path.join(corpus, 'MANIFEST.tsv'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(rows) + '\n')
    db = os.path.join(tmp.name, 'db')
    p = run(exe, 'index', '--db', db, corpus)
    if p.returncode != 0:
        tmp.cleanup()
        raise AssertionError('index failed\n%s%s' % (p.stdout, p.stderr))
    return tmp, db


NOTE_TOPICS = ('e-commerce', 'trade finance', 'access to information', 'green growth')


def write_notes(directory, count):
    """count short notes in directory (made), note0000.txt on: note i is
    INF/MSME/W/i+1, names one of NOTE_TOPICS and a word of its own
    (zq<i>x), and has Kenya propose a workshop on another topic."""
    os.makedirs(directory)
    for i in range(count):
        with open(os.path.join(directory, 'note%04d.txt' % i), 'w', encoding='utf-8') as f:
            f.write('INF/MSME/W/%d\n\n1. The group discussed %s and the zq%dx item.\n\n'
                    '2. Kenya proposed a workshop on %s.\n'
                    % (i + 1, NOTE_TOPICS[i % 4], i, NOTE_TOPICS[i // 4 % 4]))


def wtosearch_from_argv(doc):
    """The program named by a test script's one argument, or None after
    printing the usage line of its docstring."""
    if len(sys.argv) != 2:
        print(doc.strip().splitlines()[2], file=sys.stderr)
        return None
    return os.path.abspath(sys.argv[1])
