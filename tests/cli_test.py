#!/usr/bin/env python3
"""Integration test of the wtosearch command line.

usage: cli_test.py WTOSEARCH REAL_CORPUS SAMPLE_CORPUS

Runs the program as a user would, each test against its own temporary index
(--db in a tempfile.TemporaryDirectory; HOME and WTOSEARCH_DB point into a
scratch directory too, so the user's default index is never touched).
Prints one line per test, then a last line "N passed, M failed"; the exit
status is 1 when any test failed.
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import unittest

from manifest_corpus import write_notes
from unit_runner import run_module

EXE = REAL = SAMPLE = None
SCRATCH = None          # TemporaryDirectory holding HOME and WTOSEARCH_DB
TIMEOUT = 30            # seconds per command; a hang is a failure

REPORT_2022 = 'msme-annual-report-2022.pdf.txt'
REPORT_2024 = 'msme-annual-report-2024.md'
FMG = 'fmg-msme-brainstorming-2022.html.txt'
OPEN, CLOSE = '\u27e6', '\u27e7'   # ⟦ ⟧
SUMMARY_RE = re.compile(
    r'indexed (\d+) documents? \((\d+) paragraphs?\)'
    r'.*?(\d+) unchanged, (\d+) skipped')
ISO_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')
CRASH_MARKS = ('Traceback', 'AddressSanitizer', 'runtime error',
               'terminate called', 'Segmentation', 'Aborted', 'core dumped',
               '    #0 ', 'what():')


def env():
    e = dict(os.environ)
    e['HOME'] = os.path.join(SCRATCH.name, 'home')
    e['WTOSEARCH_DB'] = os.path.join(SCRATCH.name, 'default-db-must-not-be-used')
    e.pop('NO_COLOR', None)
    return e


class Run:
    def __init__(self, args, p):
        self.args, self.rc, self.out, self.err = args, p.returncode, p.stdout, p.stderr

    def __repr__(self):
        return ('$ wtosearch %s\nexit %d\n--- stdout ---\n%s--- stderr ---\n%s'
                % (' '.join(self.args), self.rc, self.out[-3000:], self.err[-3000:]))


def run(*args, exe=None, extra_env=None):
    e = env()
    e.update(extra_env or {})
    p = subprocess.run([exe or EXE, *args], capture_output=True, text=True,
                       timeout=TIMEOUT, env=e, stdin=subprocess.DEVNULL)
    return Run(list(args), p)


def index(db, *paths):
    return run('index', '--db', db, *paths)


def summary(r):
    """(documents, paragraphs, unchanged, skipped) from an index run."""
    m = SUMMARY_RE.search(r.out + r.err)
    if not m:
        raise AssertionError('no summary line in\n%r' % r)
    return tuple(int(x) for x in m.groups())


def search(db, query, *opts, expect=None):
    """search --json; returns the parsed object (and checks the exit status)."""
    r = run('search', '--db', db, '--json', *opts, query)
    if expect is not None and r.rc != expect:
        raise AssertionError('expected exit %d\n%r' % (expect, r))
    if r.rc not in (0, 1):
        raise AssertionError('search failed\n%r' % r)
    try:
        return json.loads(r.out)
    except ValueError as e:
        raise AssertionError('output is not JSON (%s)\n%r' % (e, r))


def paras(db, query, *opts):
    """Every matching paragraph (--by paragraph --limit 1000)."""
    return search(db, query, '--by', 'paragraph', '--limit', '1000', *opts)['hits']


def base(h):
    return os.path.basename(h['path'])


def keys(hits):
    return [(h['path'], h['para'], h.get('kind')) for h in hits]


def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def manifest_paths(corpus):
    with open(os.path.join(corpus, 'MANIFEST.tsv'), encoding='utf-8') as f:
        rows = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    col = rows[0].index('path')
    return sorted(r[col] for r in rows[1:])


def all_paragraphs(db):
    """Every paragraph of the index, through the lang: filter (headings are
    left out of a search unless kind: asks for them)."""
    out = []
    for lang in ('en', 'fr', 'es'):
        out += paras(db, 'lang:' + lang)
        out += [h for h in paras(db, 'lang:%s kind:heading' % lang)
                if h.get('kind') == 'heading']
    return out


def one_line_error(tc, r):
    lines = r.err.splitlines()
    tc.assertEqual(len(lines), 1, 'expected exactly one line on stderr\n%r' % r)
    for mark in CRASH_MARKS:
        tc.assertNotIn(mark, r.err, r)
    return lines[0]


class IndexedCase(unittest.TestCase):
    """A test class with its own temporary index of the given corpora."""
    corpora = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='wtosearch-cli-')
        cls.db = os.path.join(cls.tmp.name, 'db')
        cls.index_runs = [index(cls.db, c) for c in cls.corpora]
        for r in cls.index_runs:
            if r.rc != 0:
                raise AssertionError('indexing failed\n%r' % r)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


class T01Indexing(unittest.TestCase):
    """1. indexing the real and the sample corpus"""

    def check_corpus(self, corpus):
        files = manifest_paths(corpus)
        on_disk = sorted(f for f in os.listdir(corpus)
                         if not f.startswith('.') and f != 'MANIFEST.tsv')
        self.assertEqual(files, on_disk, 'MANIFEST.tsv and directory disagree')
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, 'db')
            r = index(db, corpus)
            self.assertEqual(r.rc, 0, r)
            docs, nparas, unchanged, skipped = summary(r)
            self.assertEqual(docs, len(files), r)
            self.assertEqual((unchanged, skipped), (0, 0), r)
            self.assertGreater(nparas, docs, r)
            for mark in CRASH_MARKS:
                self.assertNotIn(mark, r.err, r)
            # what the summary counts is what is in the index
            every = all_paragraphs(db)
            self.assertEqual(len(every), nparas,
                             'summary says %d paragraphs, the index holds %d'
                             % (nparas, len(every)))
            self.assertEqual(sorted({base(h) for h in every}), files)
            # MANIFEST.tsv is metadata, not a document
            self.assertFalse([h for h in every if base(h) == 'MANIFEST.tsv'])
            hits = paras(db, 'path symbol date lang title')
            self.assertFalse([h for h in hits if base(h) == 'MANIFEST.tsv'], hits)
            # nothing went to the default index
            self.assertFalse(os.path.exists(env()['WTOSEARCH_DB']))
            self.assertFalse(os.path.exists(os.path.join(
                env()['HOME'], '.local', 'share', 'wtosearch')))

    def test_real_corpus(self):
        self.check_corpus(REAL)

    def test_sample_corpus(self):
        self.check_corpus(SAMPLE)


class T01bIndexProgram(unittest.TestCase):
    """1b. `index` runs in wtosearch-index (linked with mimalloc) when that
    program lies beside wtosearch, and in wtosearch itself when it does not;
    searching never loads mimalloc.  MIMALLOC_VERBOSE=1 makes mimalloc list
    its options on stderr as the process starts, which tells it is there."""

    VERBOSE = {'MIMALLOC_VERBOSE': '1'}

    def index_and_search(self, exe, tmp):
        db = os.path.join(tmp, 'db')
        r = run('index', '--db', db, SAMPLE, exe=exe, extra_env=self.VERBOSE)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(summary(r)[0], len(manifest_paths(SAMPLE)), r)
        s = run('search', '--db', db, 'small', exe=exe, extra_env=self.VERBOSE)
        self.assertEqual(s.rc, 0, s)
        self.assertNotIn('mimalloc', s.err, s)
        return r

    def test_index_program_beside(self):
        beside = os.path.join(os.path.dirname(EXE), 'wtosearch-index')
        with tempfile.TemporaryDirectory() as tmp:
            r = self.index_and_search(EXE, tmp)
            if os.access(beside, os.X_OK):
                self.assertIn('mimalloc: option', r.err, r)
            else:  # a build without it (under the sanitizers)
                self.assertNotIn('mimalloc', r.err, r)

    def test_without_index_program(self):
        # wtosearch alone in a directory (and none installed, as in a
        # build tree): indexing runs in it, with the same result
        with tempfile.TemporaryDirectory() as tmp:
            alone = os.path.join(tmp, 'wtosearch')
            shutil.copy2(EXE, alone)
            r = self.index_and_search(alone, tmp)
            self.assertNotIn('mimalloc', r.err, r)

    def test_index_program_that_cannot_start(self):
        # a wtosearch-index beside it that fails as the loader fails when
        # a library is missing (exit status 127): indexing runs in
        # wtosearch, and the broken program is never given the work
        with tempfile.TemporaryDirectory() as tmp:
            alone = os.path.join(tmp, 'wtosearch')
            shutil.copy2(EXE, alone)
            broken = os.path.join(tmp, 'wtosearch-index')
            ran = os.path.join(tmp, 'ran')
            with open(broken, 'w') as f:
                f.write('#!/bin/sh\necho "$@" >> "%s"\n'
                        'echo "wtosearch-index: error while loading shared libraries" >&2\nexit 127\n' % ran)
            os.chmod(broken, 0o755)
            r = self.index_and_search(alone, tmp)
            self.assertNotIn('mimalloc', r.err, r)
            self.assertNotIn('error while loading', r.err, r)
            if os.access(os.path.join(os.path.dirname(EXE), 'wtosearch-index'), os.X_OK):
                with open(ran) as f:
                    self.assertEqual(f.read().split(), ['--version'])
            else:  # a build that never hands indexing over (the sanitizers')
                self.assertFalse(os.path.exists(ran))


class T02Json(IndexedCase):
    """2. JSON output of a search over the real corpus"""
    corpora = (None,)   # set in main()

    def test_first_hit_and_fields(self):
        self.assertEqual(self.index_runs[0].rc, 0, self.index_runs[0])
        q = 'Trade Logistics Information Pipeline'
        d = search(self.db, q, expect=0)
        for k in ('query', 'total', 'hits'):
            self.assertIn(k, d)
        self.assertEqual(d['query'], q)
        self.assertIsInstance(d['total'], int)
        self.assertGreaterEqual(d['total'], len(d['hits']))
        self.assertTrue(d['hits'])
        first = d['hits'][0]
        self.assertEqual(base(first), REPORT_2022)
        self.assertEqual(first['para'], '2.5')
        self.assertEqual(first['symbol'], 'INF/MSME/R/35')
        self.assertEqual(first['date'], '2023-03-15')
        self.assertIn('Trade Logistics Information Pipeline', first['text'])
        for w in q.split():
            self.assertRegex(first['snippet'],
                             re.escape(OPEN) + '(?i:' + w + ')' + re.escape(CLOSE))
        # the field types of every hit, in both groupings
        for by in ('document', 'paragraph'):
            d = search(self.db, q, '--by', by, '--limit', '50', expect=0)
            for h in d['hits']:
                self.check_hit(h)

    def check_hit(self, h):
        for k in ('path', 'symbol', 'title', 'date', 'lang', 'para', 'score',
                  'snippet', 'text'):
            self.assertIn(k, h)
        self.assertIsInstance(h['path'], str)
        self.assertTrue(os.path.isabs(h['path']), h['path'])
        self.assertTrue(h['symbol'] is None or isinstance(h['symbol'], str))
        self.assertIsInstance(h['title'], str)
        self.assertTrue(h['date'] is None or ISO_DATE.match(h['date']), h['date'])
        self.assertIn(h['lang'], ('en', 'fr', 'es'))
        self.assertIsInstance(h['para'], str)
        self.assertIsInstance(h['score'], (int, float))
        self.assertIsInstance(h['snippet'], str)
        self.assertIsInstance(h['text'], str)
        self.assertEqual(h['snippet'].count(OPEN), h['snippet'].count(CLOSE))
        self.assertNotIn(OPEN, h['text'])

    def test_snippet_marks_words(self):
        d = search(self.db, 'cyber readiness', '--by', 'paragraph', expect=0)
        for h in d['hits']:
            marked = re.findall(re.escape(OPEN) + '(.*?)' + re.escape(CLOSE),
                                h['snippet'])
            self.assertTrue(marked, h['snippet'])
            for m in marked:
                self.assertRegex(m.lower(), '^(cyber|read)', h['snippet'])  # readiness, or a word of its stem


class T03Paragraphs(IndexedCase):
    """3. paragraph re-joining and Markdown stripping on the real files"""
    corpora = (None,)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        every = paras(cls.db, 'lang:en')
        cls.by_file = {}
        for h in every:
            cls.by_file.setdefault(base(h), []).append(h)

    def para(self, fname, label, kind='body'):
        found = [h for h in self.by_file.get(fname, [])
                 if h['para'] == label and h.get('kind', kind) == kind]
        self.assertEqual(len(found), 1, 'paragraph %s ¶%s (%s): %r'
                         % (fname, label, kind,
                            [(h['para'], h.get('kind')) for h in
                             self.by_file.get(fname, [])]))
        return found[0]['text']

    def test_2022_footnotes_taken_out(self):
        t = self.para(REPORT_2022, '2.2')
        self.assertIn('MSME TPR database launched last year', t)
        self.assertIn('upgrading the MSME TPR database launched last year', t)
        self.assertNotIn('Previous Annual Reports include', t)
        self.assertNotIn('Members of the Informal Working Group on MSMEs are', t)
        for h in self.by_file[REPORT_2022]:
            if h.get('kind') != 'footnote':
                self.assertNotIn('Previous Annual Reports include', h['text'],
                                 '¶' + h['para'])
        # the footnotes are paragraphs of their own
        fn = [h for h in self.by_file[REPORT_2022]
              if 'Previous Annual Reports include' in h['text']]
        self.assertEqual(len(fn), 1, fn)
        self.assertEqual(fn[0].get('kind'), 'footnote')
        self.assertTrue(fn[0]['text'].startswith('Previous Annual Reports include'))
        self.assertIn('INF/MSME/R/30 dated 11 February 2022', fn[0]['text'])
        fn2 = [h for h in self.by_file[REPORT_2022]
               if 'Members of the Informal Working Group on MSMEs are' in h['text']]
        self.assertEqual(len(fn2), 1)
        self.assertEqual(fn2[0].get('kind'), 'footnote')
        self.assertIn('Uruguay and Viet Nam', fn2[0]['text'])

    def test_2022_page_break_before_symbol(self):
        # ¶2.3 ends "... is available in document" + blank line + "INF/MSME/R/32."
        t = self.para(REPORT_2022, '2.3')
        self.assertIn('available in document INF/MSME/R/32', t)
        lone = [h for h in self.by_file[REPORT_2022]
                if h['text'].strip() == 'INF/MSME/R/32.']
        self.assertFalse(lone, 'the end of ¶2.3 became its own paragraph: %r'
                         % [(h['para'], h.get('kind')) for h in lone])

    def test_2024_markdown(self):
        t = self.para(REPORT_2024, '2.3')
        self.assertIn('economies and to streamline', t)
        self.assertIn('La Mandala', t)
        self.assertIn('INF/MSME/W/51', t)              # link text kept
        self.assertNotIn('Annex 1: Recommendation', t)  # footnote 3 taken out
        t13 = self.para(REPORT_2024, '1.3')
        self.assertIn('WT/MIN(24)/9', t13)
        self.assertIn('13th Ministerial Conference', t13)
        for h in self.by_file[REPORT_2024]:
            for bad in ('](#)', '<sup>', '</sup>', '**', '\\', '###', '[INF/'):
                self.assertNotIn(bad, h['text'], '¶%s %s' % (h['para'], h['text'][:200]))
        hits = paras(self.db, '"WT/MIN(24)/9"')
        self.assertIn(REPORT_2024, {base(h) for h in hits})


class T04Reindex(unittest.TestCase):
    """4. re-indexing: no duplicates; a modified file replaces its paragraphs"""
    QUERIES = ('MSME Group', 'trade finance', 'lang:en', 'Friends of Multilateralism')

    def counts(self, db):
        out = {}
        for q in self.QUERIES:
            d = search(db, q, '--by', 'paragraph', '--limit', '1000')
            out[q] = (d['total'], len(d['hits']), sorted(keys(d['hits'])))
        d = search(db, 'MSME', '--by', 'document')
        out['doc-total'] = d['total']
        return out

    def test_reindex(self):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'real')
            shutil.copytree(REAL, corpus)
            for f in os.listdir(corpus):
                os.chmod(os.path.join(corpus, f), 0o644)
            db = os.path.join(tmp, 'db')
            r1 = index(db, corpus)
            self.assertEqual(r1.rc, 0, r1)
            docs, nparas, _, _ = summary(r1)
            before = self.counts(db)

            r2 = index(db, corpus)
            self.assertEqual(r2.rc, 0, r2)
            self.assertEqual(summary(r2), (0, 0, docs, 0), r2)
            self.assertEqual(self.counts(db), before)
            # the same files under other spellings of their path
            r3 = index(db, corpus + '/', os.path.join(corpus, '.', FMG))
            self.assertEqual(r3.rc, 0, r3)
            self.assertEqual(summary(r3)[:2], (0, 0), r3)
            self.assertEqual(self.counts(db), before)
            # touched only (same bytes, a new time): the file's record takes
            # the time and the document keeps its fields (title, symbols)
            q = 'Trade Logistics Information Pipeline'
            first = search(db, q, expect=0)['hits'][0]
            self.assertTrue(first['title'] and first['symbol'] and first['date'], first)
            st = os.stat(first['path'])
            os.utime(first['path'], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
            r5 = index(db, corpus)
            self.assertEqual(summary(r5)[:2], (0, 0), r5)
            again = search(db, q, expect=0)['hits'][0]
            for k in ('path', 'para', 'symbol', 'symbols', 'title', 'date'):
                self.assertEqual(again[k], first[k], k)

            def doc_paras():
                return [(h['para'], h.get('kind')) for h in all_paragraphs(db)
                        if base(h) == REPORT_2024]
            doc_before = doc_paras()
            word = 'quuxborglian'
            self.assertEqual(search(db, word)['total'], 0)
            with open(os.path.join(corpus, REPORT_2024), 'a', encoding='utf-8') as f:
                f.write('\n5.2. A %s initiative was also noted.\n' % word)
            r4 = index(db, corpus)
            self.assertEqual(r4.rc, 0, r4)
            d4, p4, u4, s4 = summary(r4)
            self.assertEqual((d4, u4, s4), (1, docs - 1, 0), r4)
            hits = paras(db, word)
            self.assertEqual([(base(h), h['para']) for h in hits], [(REPORT_2024, '5.2')])
            self.assertIn(word, hits[0]['text'])
            doc_after = doc_paras()
            self.assertEqual(p4, len(doc_after), r4)
            self.assertEqual(sorted(doc_after),
                             sorted(doc_before + [('5.2', 'body')]),
                             'old paragraphs duplicated or lost')
            after = self.counts(db)
            for q in ('MSME Group', 'trade finance', 'Friends of Multilateralism'):
                self.assertEqual(after[q][0], before[q][0], q)
            self.assertEqual(after['lang:en'][0], before['lang:en'][0] + 1)
            self.assertEqual(after['doc-total'], before['doc-total'])


class T04bShards(unittest.TestCase):
    """4b. shards: any number gives the same answers; runs leave no debris"""
    QUERIES = ('MSME Group', 'trade finance', 'lang:fr', 'member:kenya', 'symbol:INF/MSME/W/*',
               '"e-commerce"', 'échanges')

    def answers(self, db):
        out = {}
        for q in self.QUERIES:
            for by in ('paragraph', 'document'):
                d = search(db, q, '--by', by, '--limit', '1000')
                out[q, by] = (d['total'], sorted(keys(d['hits'])))
        return out

    @staticmethod
    def stub(db):
        with open(os.path.join(db, 'XAPIANDB'), encoding='utf-8') as f:
            return [l.split(' ', 1)[1].strip() for l in f if l.startswith('glass ')]

    def test_shard_counts_agree(self):
        with tempfile.TemporaryDirectory() as tmp:
            corpora = (REAL, SAMPLE)
            dbs = {}
            for n in (1, 3):
                db = os.path.join(tmp, 'db%d' % n)
                r = run('index', '--db', db, '--shards', str(n), *corpora)
                self.assertEqual(r.rc, 0, r)
                shards = self.stub(db)
                self.assertEqual(len(shards), n, shards)
                # a new index is compacted: the list names the compacted copies only
                self.assertIn('%d of %d shard' % (n, n), r.out, r)
                self.assertEqual(sorted(os.listdir(db)), sorted(shards + ['XAPIANDB']))
                c = run('check', '--db', db)
                self.assertEqual(c.rc, 0, c)
                dbs[n] = db
            self.assertGreater(summary(index(dbs[3], *corpora))[2], 0)
            a1, a3 = self.answers(dbs[1]), self.answers(dbs[3])
            for k in a1:
                self.assertGreater(a1[k][0], 0, k)
                self.assertEqual(a1[k], a3[k], k)

    def test_shards_updated_and_cleaned(self):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'sample')
            shutil.copytree(SAMPLE, corpus)
            db = os.path.join(tmp, 'db')
            # with term lists: files are replaced and removed where they are
            r = run('index', '--db', db, '--shards', '4', '--termlists', corpus)
            self.assertEqual(r.rc, 0, r)
            docs = summary(r)[0]
            first = self.stub(db)
            # what a run killed while compacting leaves behind goes
            os.mkdir(os.path.join(db, 'shard-9.9'))
            open(os.path.join(db, 'shard-9.9', 'postlist.glass'), 'w').close()
            # a file gone, a file changed: each only in its own shard
            gone = sorted(f for f in os.listdir(corpus) if f.endswith('.txt'))[0]
            os.remove(os.path.join(corpus, gone))
            changed = sorted(f for f in os.listdir(corpus) if f.endswith('.md'))[0]
            with open(os.path.join(corpus, changed), 'a', encoding='utf-8') as f:
                f.write('\n9.9. The zorblefrass proposal was welcomed.\n')
            r2 = run('index', '--db', db, '--no-compact', corpus)
            self.assertEqual(r2.rc, 0, r2)
            self.assertEqual(summary(r2)[0], 1, r2)
            self.assertIn('1 removed', r2.out, r2)
            self.assertNotIn('compacted', r2.out, r2)
            self.assertFalse(os.path.exists(os.path.join(db, 'shard-9.9')))
            self.assertEqual(self.stub(db), first)
            self.assertEqual([base(h) for h in paras(db, 'zorblefrass')], [changed])
            with open(os.path.join(corpus, changed), 'a', encoding='utf-8') as f:
                f.write('\n9.10. So was the quorvane plan.\n')
            r3 = run('index', '--db', db, '--compact', corpus + '/' + changed)
            self.assertEqual(r3.rc, 0, r3)
            now = self.stub(db)
            self.assertEqual(len([a for a, b in zip(first, now) if a != b]), 1, (first, now))
            self.assertEqual(sorted(os.listdir(db)), sorted(self.stub(db) + ['XAPIANDB']))
            self.assertEqual([base(h) for h in paras(db, 'zorblefrass')], [changed])
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)
            self.assertIn('%d files' % (docs - 1), c.out, c)

    def test_runs_same_answers(self):
        """a new shard written in runs, then merged, answers as one written in one database"""
        with tempfile.TemporaryDirectory() as tmp:
            dbs, outs = {}, {}
            for n in ('0', '2'):
                db = os.path.join(tmp, 'runs' + n)
                # SAMPLE twice: its files, met again after their run was closed, are not indexed twice
                r = run('index', '--db', db, '--shards', '2', '--commit-every', '1', '--run-files', n,
                        REAL, SAMPLE, SAMPLE)
                self.assertEqual(r.rc, 0, r)
                self.assertIn('2 of 2 shards compacted', r.out, r)
                self.assertEqual(sorted(os.listdir(db)), sorted(self.stub(db) + ['XAPIANDB']))
                c = run('check', '--db', db)
                self.assertEqual(c.rc, 0, c)
                dbs[n], outs[n] = db, (r, re.search(r'\d+ files, \d+ paragraphs', c.out).group(0))
            self.assertNotIn('written in', outs['0'][0].out)
            # 19 files, about ten a shard, two a run
            merged = re.search(r'written in (\d+) runs', outs['2'][0].out)
            self.assertTrue(merged and int(merged.group(1)) >= 6, outs['2'][0])
            self.assertEqual(summary(outs['0'][0]), summary(outs['2'][0]))
            self.assertEqual(outs['0'][1], outs['2'][1])
            # stems whose words are spread over runs: their lists are united
            for q in self.QUERIES + ('econom*', 'trade fin*', 'payments', 'readiness', 'enterprises'):
                for by in ('paragraph', 'document'):
                    a, b = (search(dbs[n], q, '--by', by, '--limit', '1000') for n in ('0', '2'))
                    self.assertGreater(a['total'], 0, q)
                    self.assertEqual((a['total'], keys(a['hits']), [h['snippet'] for h in a['hits']]),
                                     (b['total'], keys(b['hits']), [h['snippet'] for h in b['hits']]), (q, by))
            # indexed again: nothing is new
            self.assertEqual(summary(index(dbs['2'], REAL, SAMPLE))[0], 0)

    def test_many_runs_folded(self):
        """a shard written in more runs than are merged at once: they are merged as they come (those
        since the last merge, and all of them once there are many merges), and the index is whole; the
        open files a merge needs stay few"""
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'many')
            os.mkdir(corpus)
            for i in range(600):
                with open(os.path.join(corpus, 'note%03d.txt' % i), 'w', encoding='utf-8') as f:
                    f.write('INF/MSME/W/%d\n\n1. The group discussed trade finance and the zq%dx item.\n\n'
                            '2. Kenya proposed a %s workshop.\n' % (i + 1, i, ('digital', 'green')[i % 2]))

            def few_files():  # 300 runs a shard, merged at once, would need some 900
                resource.setrlimit(resource.RLIMIT_NOFILE, (160, 160))
            dbs = {}
            for n in ('0', '1'):
                db = os.path.join(tmp, 'db' + n)
                p = subprocess.run([EXE, 'index', '--db', db, '--shards', '2', '--commit-every', '1',
                                    '--run-files', n, corpus], capture_output=True, text=True, env=env(),
                                   preexec_fn=few_files)
                self.assertEqual(p.returncode, 0, p)
                self.assertIn('600 documents', p.stdout, p)
                self.assertEqual(sorted(os.listdir(db)), sorted(self.stub(db) + ['XAPIANDB']))
                c = run('check', '--db', db)
                self.assertEqual(c.rc, 0, c)
                self.assertIn('600 files', c.out, c)
                dbs[n] = db
            # a shard's 300 runs: merges of the 32, 31, ..., 25 runs since the last one (228 runs), then of
            # everything closed (252), then of 31 again (283): 10 a shard
            self.assertIn('written in 600 runs (20 merges on the way)', p.stdout, p)
            for q in ('trade finance', 'zq117x', 'member:kenya digital', 'symbol:INF/MSME/W/200', 'green'):
                a, b = (search(dbs[n], q, '--by', 'paragraph', '--limit', '1000') for n in ('0', '1'))
                self.assertGreater(a['total'], 0, q)
                self.assertEqual((a['total'], keys(a['hits'])), (b['total'], keys(b['hits'])), q)

    def test_runs_keep_dictionary(self):
        """records packed with a dictionary trained in one run are read in the runs after it, once the runs
        are merged: an index written in runs answers as one written in one database"""
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'many')
            write_notes(corpus, 1300)
            dbs = {}
            for n in ('0', '100'):
                db = os.path.join(tmp, 'db' + n)
                r = run('index', '--db', db, '--shards', '2', '--commit-every', '25', '--run-files', n, corpus)
                self.assertEqual(r.rc, 0, r)
                c = run('check', '--db', db)
                self.assertEqual(c.rc, 0, c)
                self.assertIn('1300 files', c.out, c)
                self.assertIn('dictionaries the records are packed with: 2\n', c.out, c)
                dbs[n] = db
            self.assertIn('written in ', r.out, r)
            for q in ('zq1299x', 'zq0x', 'green growth', 'member:kenya e-commerce'):
                a, b = (search(dbs[n], q, '--by', 'paragraph', '--limit', '1000') for n in ('0', '100'))
                self.assertGreater(a['total'], 0, q)
                self.assertEqual((a['total'], keys(a['hits']), [h['snippet'] for h in a['hits']]),
                                 (b['total'], keys(b['hits']), [h['snippet'] for h in b['hits']]), q)

    def test_termlists_same_answers(self):
        """with or without term lists (the default): the same hits and snippets"""
        with tempfile.TemporaryDirectory() as tmp:
            dbs = {}
            for flag in ('--termlists', ''):
                db = os.path.join(tmp, 'db' + flag)
                r = run('index', '--db', db, '--shards', '2', *([flag] if flag else []), REAL, SAMPLE)
                self.assertEqual(r.rc, 0, r)
                held = [os.path.exists(os.path.join(db, s, 'termlist.glass')) for s in self.stub(db)]
                self.assertEqual(held, [flag == '--termlists'] * 2, (flag, held))
                c = run('check', '--db', db)
                self.assertEqual(c.rc, 0, c)
                dbs[flag] = db
            self.assertLess(tree_bytes(dbs['']), tree_bytes(dbs['--termlists']))
            # wildcards find their paragraphs through the document's terms
            for q in self.QUERIES + ('econom*', 'trade fin*', 'lang:fr commerc*', 'cyber* member:kenya'):
                for by in ('paragraph', 'document'):
                    a, b = (search(dbs[f], q, '--by', by, '--limit', '50') for f in ('--termlists', ''))
                    self.assertGreater(a['total'], 0, q)
                    self.assertEqual((a['total'], keys(a['hits']), [h['snippet'] for h in a['hits']]),
                                     (b['total'], keys(b['hits']), [h['snippet'] for h in b['hits']]), (q, by))

    def same_as_fresh(self, db, corpus, tmp):
        """db answers as an index made anew from corpus does: the same
        totals, paragraphs with their snippets, and documents, in any order
        (the documents it hides still count in the weights, which choose a
        document's best paragraph); check passes"""
        fresh = os.path.join(tmp, 'fresh')
        shutil.rmtree(fresh, ignore_errors=True)
        self.assertEqual(run('index', '--db', fresh, '--shards', '1', corpus).rc, 0)
        for q in self.QUERIES + ('zorblefrass', 'frondimax', 'econom*'):
            a, b = (search(d, q, '--by', 'paragraph', '--limit', '1000') for d in (db, fresh))
            self.assertEqual((a['total'], sorted(zip(keys(a['hits']), [h['snippet'] for h in a['hits']]))),
                             (b['total'], sorted(zip(keys(b['hits']), [h['snippet'] for h in b['hits']]))), q)
            a, b = (search(d, q, '--by', 'document', '--limit', '1000') for d in (db, fresh))
            self.assertEqual((a['total'], sorted(h['path'] for h in a['hits'])),
                             (b['total'], sorted(h['path'] for h in b['hits'])), q)
        c = run('check', '--db', db)
        self.assertEqual(c.rc, 0, c)
        files = len([f for f in os.listdir(corpus) if f != 'MANIFEST.tsv'])
        self.assertIn('%d files' % files, c.out, c)
        self.assertEqual(sorted(os.listdir(db)), sorted(self.stub(db) + ['XAPIANDB']))
        for s in self.stub(db):
            self.assertFalse(os.path.exists(os.path.join(db, s, 'termlist.glass')), s)
        return c.out

    def test_hidden_updates(self):
        """without term lists, a changed or gone file's document is hidden; then the shard is written again"""
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'sample')
            shutil.copytree(SAMPLE, corpus)
            db = os.path.join(tmp, 'db')
            r = run('index', '--db', db, '--shards', '1', corpus)
            self.assertEqual(r.rc, 0, r)
            with open(os.path.join(corpus, 'new.en.txt'), 'w', encoding='utf-8') as f:
                f.write('1. The Group heard about the frondimax initiative.\n')
            r = run('index', '--db', db, '--termlists', corpus)
            self.assertEqual((r.rc, summary(r)[0]), (0, 1), r)
            self.assertEqual(search(db, 'frondimix').get('suggestion'), 'frondimax')
            self.assertIn('created without term lists and stays so: --termlists applies to an index created new',
                          r.err, r)
            # an index made with term lists keeps them, and says so
            other = os.path.join(tmp, 'with')
            self.assertEqual(run('index', '--db', other, '--shards', '1', '--termlists', corpus).rc, 0)
            r = run('index', '--db', other, '--no-termlists', corpus)
            self.assertEqual(r.rc, 0, r)
            self.assertIn('created with term lists and stays so: --no-termlists applies', r.err, r)
            self.assertTrue(os.path.exists(os.path.join(other, self.stub(other)[0], 'termlist.glass')))
            # a changed file: one document hidden, nothing written again
            changed = sorted(f for f in os.listdir(corpus) if f.endswith('.md'))[0]
            with open(os.path.join(corpus, changed), 'a', encoding='utf-8') as f:
                f.write('\n9.9. The zorblefrass proposal was welcomed.\n')
            before = self.stub(db)
            r = run('index', '--db', db, corpus)
            self.assertEqual((r.rc, summary(r)[0], r.err), (0, 1, ''), r)
            self.assertEqual(self.stub(db), before)
            self.assertEqual([base(h) for h in paras(db, 'zorblefrass')], [changed])
            # the file's earlier version is hidden: each of its paragraphs is there once
            labels = [h['para'] for h in paras(db, 'symbol:' + search(db, 'zorblefrass')['hits'][0]['symbol'])
                      if base(h) == changed]
            self.assertEqual(len(labels), len(set(labels)), labels)
            os.remove(os.path.join(corpus, 'new.en.txt'))
            r = run('index', '--db', db, corpus)
            self.assertEqual((r.rc, r.err), (0, ''), r)
            self.assertIn(', 1 removed', r.out, r)
            self.assertEqual(self.stub(db), before)
            self.assertEqual(paras(db, 'frondimax'), [])
            # nor is a word held by hidden documents alone suggested
            self.assertEqual(search(db, 'frondimix').get('suggestion'), None)
            self.assertIn('\n  2 documents hidden: ', self.same_as_fresh(db, corpus, tmp))
            # more than a quarter of the shard hidden: it is written again
            texts = sorted(f for f in os.listdir(corpus) if f.endswith('.txt'))
            for name in texts[:3]:
                with open(os.path.join(corpus, name), 'a', encoding='utf-8') as f:
                    f.write('\n9.9. The zorblefrass plan was noted.\n')
            r = run('index', '--db', db, corpus)
            self.assertEqual(r.rc, 0, r)
            self.assertIn('hides 5 of its 19 documents', r.err, r)
            self.assertNotEqual(self.stub(db), before)
            self.assertNotIn('hidden', self.same_as_fresh(db, corpus, tmp))
            r = run('index', '--db', db, corpus)  # nothing new: nothing written again
            self.assertEqual((r.rc, summary(r)[0], r.err), (0, 0, ''), r)

    def test_hidden_in_one_database(self):
        """an index that is one database hides changed files too, and says when to start afresh"""
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'c')
            os.mkdir(corpus)
            for name in ('a.txt', 'b.txt', 'c.txt'):
                with open(os.path.join(corpus, name), 'w', encoding='utf-8') as f:
                    f.write('1. The file %s spoke of the wobblecrest plan.\n' % name)
            made = os.path.join(tmp, 'made')
            self.assertEqual(run('index', '--db', made, '--shards', '1', corpus).rc, 0)
            db = os.path.join(tmp, 'one')  # a shard alone is one database, as an index before shards
            shutil.copytree(os.path.join(made, self.stub(made)[0]), db)
            with open(os.path.join(corpus, 'a.txt'), 'a', encoding='utf-8') as f:
                f.write('2. It added the snorkelvane list.\n')
            r = run('index', '--db', db, corpus)
            self.assertEqual((r.rc, summary(r)[0], r.err), (0, 1, ''), r)
            self.assertEqual([base(h) for h in paras(db, 'snorkelvane')], ['a.txt'])
            self.assertEqual(search(db, 'wobblecrest')['total'], 3)
            os.remove(os.path.join(corpus, 'b.txt'))
            r = run('index', '--db', db, corpus)
            self.assertEqual(r.rc, 0, r)
            self.assertIn('index %s hides 2 of its 4 documents' % db, r.err, r)
            self.assertEqual(sorted(base(h) for h in paras(db, 'wobblecrest')), ['a.txt', 'c.txt'])
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)
            self.assertIn('2 documents hidden', c.out, c)

    def test_hidden_rebuild_keeps_and_tells_once(self):
        """a shard written again keeps files other runs indexed, tells a skipped file once, counts the removed"""
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'c')
            os.mkdir(corpus)
            with open(os.path.join(corpus, 'a-broken.txt'), 'wb') as f:
                f.write(bytes(range(256)) * 8)
            for name, text in (('b.txt', 'The Group discussed trade finance.'),
                               ('c.txt', 'Members spoke of cyber readiness.'),
                               ('d.txt', 'The secretariat presented a note.'),
                               ('e.txt', 'A webinar on single windows was held.'),
                               ('f.txt', 'Delegations welcomed the glimmerbush guide.')):
                with open(os.path.join(corpus, name), 'w', encoding='utf-8') as f:
                    f.write('1. ' + text + '\n')
            with open(os.path.join(corpus, 'MANIFEST.tsv'), 'w', encoding='utf-8') as f:
                f.write('path\tsymbol\nf.txt\tINF/MSME/W/98\n')
            db = os.path.join(tmp, 'db')
            r = run('index', '--db', db, '--shards', '1', corpus)
            self.assertEqual(r.rc, 1, r)  # a file skipped
            self.assertEqual([base(h) for h in paras(db, 'symbol:INF/MSME/W/98')], ['f.txt'])
            # runs naming one file: the second hides 2 of 7, and the shard is
            # written again from every file it holds (with what the manifest
            # said of them), not only the one named
            for n in (2, 3):
                with open(os.path.join(corpus, 'b.txt'), 'a', encoding='utf-8') as f:
                    f.write('%d. Item %d of the quorvane list.\n' % (n, n))
                r = run('index', '--db', db, os.path.join(corpus, 'b.txt'))
                self.assertEqual(r.rc, 0, r)
            self.assertIn('hides 2 of its 7 documents', r.err, r)
            for q in ('cyber readiness', 'secretariat', 'single windows', 'glimmerbush', 'quorvane',
                      'symbol:INF/MSME/W/98'):
                self.assertEqual(search(db, q)['total'], 1, q)
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)
            self.assertIn('5 files', c.out, c)
            with open(os.path.join(corpus, 'c.txt'), 'a', encoding='utf-8') as f:
                f.write('2. They also spoke of the blorvane scheme.\n')
            os.remove(os.path.join(corpus, 'd.txt'))
            r = run('index', '--db', db, corpus)
            self.assertEqual(r.rc, 1, r)
            self.assertIn('hides 2 of its 6 documents', r.err, r)
            self.assertEqual(r.err.count('skipped ' + os.path.join(corpus, 'a-broken.txt')), 1, r)
            self.assertEqual(r.out.count('a-broken.txt'), 1, r)  # the summary's list
            self.assertIn(', 1 removed', r.out, r)
            self.assertEqual([base(h) for h in paras(db, 'blorvane')], ['c.txt'])
            self.assertEqual(paras(db, 'secretariat'), [])
            self.assertEqual(search(db, 'trade finance')['total'], 1)
            self.assertEqual(search(db, 'glimmerbush')['total'], 1)
            # a file held that cannot be indexed again now: the shard is not
            # written again, and the file's earlier version stays
            with open(os.path.join(corpus, 'c.txt'), 'wb') as f:
                f.write(bytes(range(256)) * 8)
            for name in ('e.txt', 'f.txt'):
                with open(os.path.join(corpus, name), 'a', encoding='utf-8') as f:
                    f.write('2. Noted.\n')
            r = run('index', '--db', db, corpus)
            self.assertEqual(r.rc, 1, r)
            self.assertIn('not written again: %s could not be indexed again' % os.path.join(corpus, 'c.txt'), r.err, r)
            self.assertIn('still hides 2 documents', r.err, r)
            self.assertEqual([base(h) for h in paras(db, 'blorvane')], ['c.txt'])
            self.assertEqual(sorted(base(h) for h in paras(db, 'noted')), ['e.txt', 'f.txt'])
            # the same found only while writing the shard again, by a run not naming it
            with open(os.path.join(corpus, 'b.txt'), 'a', encoding='utf-8') as f:
                f.write('4. Closing remarks.\n')
            r = run('index', '--db', db, os.path.join(corpus, 'b.txt'))
            self.assertEqual(r.rc, 1, r)  # c.txt skipped
            self.assertEqual(r.out.count('skipped %s' % os.path.join(corpus, 'c.txt')), 1, r)
            self.assertIn('indexing the shard\'s files again', r.err, r)
            self.assertIn('not written again: %s could not be indexed again' % os.path.join(corpus, 'c.txt'), r.err, r)
            self.assertEqual([base(h) for h in paras(db, 'blorvane')], ['c.txt'])
            self.assertEqual([base(h) for h in paras(db, 'closing remarks')], ['b.txt'])
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)
            # while that file stays as it is, later runs do not write the
            # shard again only to stop at it
            with open(os.path.join(corpus, 'b.txt'), 'a', encoding='utf-8') as f:
                f.write('5. Any other business.\n')
            r = run('index', '--db', db, os.path.join(corpus, 'b.txt'))
            self.assertEqual(r.rc, 0, r)
            self.assertNotIn('indexing the shard\'s files again', r.err, r)
            self.assertIn('%s, which could not be indexed again when it last was, is unchanged'
                          % os.path.join(corpus, 'c.txt'), r.err, r)
            self.assertEqual([base(h) for h in paras(db, 'other business')], ['b.txt'])
            self.assertEqual([base(h) for h in paras(db, 'blorvane')], ['c.txt'])
            # once it can be indexed, the next run writes the shard again with it
            with open(os.path.join(corpus, 'c.txt'), 'w', encoding='utf-8') as f:
                f.write('1. Members spoke of the zephyrine plan.\n')
            r = run('index', '--db', db, os.path.join(corpus, 'b.txt'))
            self.assertEqual(r.rc, 0, r)
            self.assertIn('indexing the shard\'s files again', r.err, r)
            self.assertNotIn('not written again', r.err, r)
            self.assertEqual([base(h) for h in paras(db, 'zephyrine')], ['c.txt'])
            self.assertEqual(paras(db, 'blorvane'), [])
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)

    def test_manifest_problems_told_once(self):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'c')
            os.mkdir(corpus)
            with open(os.path.join(corpus, 'a.txt'), 'w', encoding='utf-8') as f:
                f.write('1. The Group discussed trade finance.\n')
            with open(os.path.join(corpus, 'MANIFEST.tsv'), 'w', encoding='utf-8') as f:
                f.write('path\tsymbol\tdate\n')
                f.write('a.txt\tINF/MSME/W/99\tnot-a-date\n')
            r = run('index', '--db', os.path.join(tmp, 'db'), '--shards', '3', corpus)
            self.assertEqual(r.rc, 0, r)
            lines = [l for l in r.err.splitlines() if 'MANIFEST.tsv:2' in l]
            self.assertEqual(len(lines), 1, r)
            self.assertIn('not-a-date', lines[0])

    def test_not_an_index(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, 'notes')
            os.mkdir(db)
            with open(os.path.join(db, 'mine.txt'), 'w') as f:
                f.write('keep me')
            r = index(db, SAMPLE)
            self.assertEqual(r.rc, 3, r)
            self.assertIn('neither an index nor empty', r.err, r)
            self.assertEqual(os.listdir(db), ['mine.txt'])

    def test_two_runs_at_once(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, 'db')
            procs = [subprocess.Popen([EXE, 'index', '--db', db, REAL, SAMPLE], env=env(),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
            outs = [p.communicate(timeout=TIMEOUT * 4) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, 0, out + err)
            # one of them found everything already indexed by the other
            self.assertIn(0, [int(SUMMARY_RE.search(out).group(1)) for out, _ in outs], outs)
            c = run('check', '--db', db)
            self.assertEqual(c.rc, 0, c)


class T05BadInput(unittest.TestCase):
    """5. unreadable files are skipped and reported, the rest is indexed"""

    def test_bad_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, 'db')
            r0 = index(db, SAMPLE)
            self.assertEqual(r0.rc, 0, r0)
            earlier = search(db, 'lang:fr', '--by', 'paragraph', '--limit', '1000')
            self.assertGreater(earlier['total'], 0)

            bad = os.path.join(tmp, 'bad')
            os.mkdir(bad)
            with open(os.path.join(bad, 'x.txt'), 'wb') as f:
                f.write(bytes(range(256)) * 4 + b'\0\0binary\0' + os.urandom(512))
            open(os.path.join(bad, 'empty.txt'), 'wb').close()
            # neither UTF-8 nor Windows-1252 (0x81 and 0x8D are undefined
            # there); Latin-1 text alone would be read as such
            with open(os.path.join(bad, 'latin1.txt'), 'wb') as f:
                f.write(b'Le caf\xc3\x28 co\x81te \x8dcher.\n')
            os.symlink(os.path.join(tmp, 'no-such-target.txt'),
                       os.path.join(bad, 'dangling.txt'))
            os.mkfifo(os.path.join(bad, 'y.txt'))
            with open(os.path.join(bad, 'good.txt'), 'w', encoding='utf-8') as f:
                f.write('The Group discussed the plimsquattle proposal on trade '
                        'finance for small businesses.\n')

            r = index(db, bad)
            self.assertEqual(r.rc, 1, r)
            for mark in CRASH_MARKS:
                self.assertNotIn(mark, r.err, r)
            docs, _, _, skipped = summary(r)
            self.assertEqual(docs, 1, r)
            self.assertEqual(skipped, 5, r)
            errlines = r.err.splitlines()
            reasons = {'x.txt': 'binary', 'empty.txt': 'empty',
                       'latin1.txt': 'utf-8', 'dangling.txt': '',
                       'y.txt': ''}
            for name, word in reasons.items():
                lines = [l for l in errlines if '/' + name in l]
                self.assertEqual(len(lines), 1,
                                 '%s: expected one line on stderr\n%r' % (name, r))
                reason = lines[0].split(name, 1)[1].strip(' :\'"')
                self.assertTrue(reason, 'no reason given: %s' % lines[0])
                self.assertIn(word, lines[0].lower(), lines[0])
                self.assertIn('/' + name, r.out,
                              'summary does not list %s\n%r' % (name, r))
            self.assertFalse([l for l in errlines if 'good.txt' in l], r)
            self.assertNotIn('good.txt', r.out.split('skipped', 1)[-1])

            hits = paras(db, 'plimsquattle')
            self.assertEqual([base(h) for h in hits], ['good.txt'])
            later = search(db, 'lang:fr', '--by', 'paragraph', '--limit', '1000')
            self.assertEqual(later['total'], earlier['total'])
            self.assertEqual(sorted(keys(later['hits'])), sorted(keys(earlier['hits'])))
            self.assertGreater(search(db, 'échanges')['total'], 0)


class T06MissingIndex(unittest.TestCase):
    """6. a missing index"""

    def test_missing(self):
        r = run('search', '--db', '/nonexistent/x', 'foo')
        self.assertEqual(r.rc, 3, r)
        line = one_line_error(self, r)
        self.assertIn('/nonexistent/x', line)
        self.assertEqual(r.out, '', r)
        self.assertFalse(os.path.exists('/nonexistent/x'))

    def test_directory_that_is_no_index(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run('search', '--db', tmp, 'foo')
            self.assertEqual(r.rc, 3, r)
            one_line_error(self, r)


class T07ExitStatus(IndexedCase):
    """7. exit statuses of search"""
    corpora = (None,)

    def test_hits_and_no_hits(self):
        r = run('search', '--db', self.db, 'trade')
        self.assertEqual(r.rc, 0, r)
        self.assertIn('trade', r.out.lower())
        r = run('search', '--db', self.db, 'zzyzxqwv')
        self.assertEqual(r.rc, 1, r)
        d = search(self.db, 'zzyzxqwv', expect=1)
        self.assertEqual((d['total'], d['hits']), (0, []))

    def test_malformed(self):
        cases = [('(trade', 1), ('trade)', 6), ('"trade', 1),
                 ('trade (economy', 7), ('trade "green economy', 7),
                 ('foo:bar', 1), ('trade foo:bar', 7), ('', None), ('   ', None)]
        for q, col in cases:
            r = run('search', '--db', self.db, q)
            self.assertEqual(r.rc, 2, r)
            line = one_line_error(self, r)
            m = re.search(r'column (\d+)', line)
            self.assertTrue(m, 'no column in: %s' % line)
            if col is not None:
                self.assertEqual(int(m.group(1)), col, 'query %r: %s' % (q, line))
            self.assertEqual(r.out, '', r)
        self.assertIn('foo', one_line_error(self, run('search', '--db', self.db, 'foo:bar')))

    def test_column_counts_characters(self):
        # 'foo:' starts at the 9th character (the 10th byte: é is two bytes)
        r = run('search', '--db', self.db, 'échange foo:bar')
        self.assertEqual(r.rc, 2, r)
        line = one_line_error(self, r)
        self.assertIn('column 9', line)


class T08Grouping(IndexedCase):
    """8. --by, --limit/--offset, --sort"""
    corpora = (None, None)   # real and sample corpus in one index

    def test_by_document(self):
        # A document is a symbol with all its language versions, or a file
        # without a symbol.
        def key(h):
            return h['symbol'] or h['path']
        d = search(self.db, 'trade', '--limit', '1000', expect=0)
        keys = [key(h) for h in d['hits']]
        self.assertGreater(len(keys), 5)
        self.assertEqual(len(keys), len(set(keys)), 'a document appears twice')
        self.assertEqual(d['total'], len(keys))
        for h in d['hits']:
            self.assertIsInstance(h.get('matching_paragraphs'), int, h)
            self.assertGreaterEqual(h['matching_paragraphs'], 1)
        p = search(self.db, 'trade', '--by', 'paragraph', '--limit', '1000', expect=0)
        self.assertEqual(sum(h['matching_paragraphs'] for h in d['hits']),
                         p['total'])
        self.assertEqual(d, search(self.db, 'trade', '--by', 'document',
                                   '--limit', '1000'))
        byp = [key(h) for h in p['hits']]
        self.assertGreater(len(byp), len(set(byp)), 'no document with two hits')
        self.assertEqual(set(byp), set(keys))
        for h in d['hits']:
            self.assertEqual(byp.count(key(h)), h['matching_paragraphs'], key(h))

    def test_language_versions(self):
        # INF/MSME/R/48 exists in English, French and Spanish: one document,
        # its languages listed.
        d = search(self.db, 'symbol:INF/MSME/R/48', expect=0)
        self.assertEqual(len(d['hits']), 1)
        self.assertEqual(sorted(d['hits'][0]['languages']), ['en', 'es', 'fr'])
        p = search(self.db, 'symbol:INF/MSME/R/48', '--by', 'paragraph',
                   '--limit', '1000', expect=0)
        self.assertEqual({h['lang'] for h in p['hits']} >= {'en', 'fr', 'es'}, True)

    def test_paging(self):
        for by in ('paragraph', 'document'):
            full = search(self.db, 'MSME trade', '--by', by, '--limit', '12')
            self.assertEqual(len(full['hits']), 12)
            pages = []
            for off in (0, 4, 8):
                d = search(self.db, 'MSME trade', '--by', by, '--limit', '4',
                           '--offset', str(off))
                self.assertLessEqual(len(d['hits']), 4)
                self.assertEqual(d['total'], full['total'])
                pages += d['hits']
            self.assertEqual(keys(pages), keys(full['hits']), by)
            far = search(self.db, 'MSME trade', '--by', by, '--offset', '100000')
            self.assertEqual(far['hits'], [])

    def test_sort_newest(self):
        hits = paras(self.db, 'trade', '--sort', 'newest')
        dates = [h['date'] for h in hits]
        self.assertIn(None, dates)
        n = dates.index(None)
        self.assertGreater(n, 0)
        self.assertTrue(all(x is None for x in dates[n:]), 'undated hits not last')
        self.assertEqual(dates[:n], sorted(dates[:n], reverse=True))
        docs = search(self.db, 'trade', '--sort', 'newest', '--limit', '1000')['hits']
        ddates = [h['date'] for h in docs if h['date']]
        self.assertEqual(ddates, sorted(ddates, reverse=True))
        old = [h['date'] for h in paras(self.db, 'trade', '--sort', 'oldest') if h['date']]
        self.assertEqual(old, sorted(old))


class T08bCrowdedDocuments(unittest.TestCase):
    """8b. documents whose paragraphs fill the first hits by themselves"""

    def test_every_document_counted(self):
        # 3 files with 90 matching paragraphs each and 5 with one: the
        # first hundreds of paragraphs hold few documents, and the grouping
        # must still reach all eight, with exact counts.
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, 'corpus')
            os.makedirs(corpus)
            for i in range(3):
                with open(os.path.join(corpus, 'big%d.txt' % i), 'w', encoding='utf-8') as f:
                    for k in range(1, 91):
                        f.write('%d. The quillwort survey noted item %d of series %d.\n\n' % (k, k, i))
            for j in range(5):
                with open(os.path.join(corpus, 'small%d.txt' % j), 'w', encoding='utf-8') as f:
                    f.write('1. One quillwort was seen near the pond in note %d, among other plants.\n' % j)
            db = os.path.join(tmp, 'db')
            r = index(db, corpus)
            self.assertEqual(r.rc, 0, r)
            for query in ('quillwort', 'quillwort survey'):
                d = search(db, query, '--limit', '10', expect=0)
                self.assertEqual(d['total'], 8, query)
                got = {base(h): h['matching_paragraphs'] for h in d['hits']}
                self.assertEqual(len(got), 8, (query, got))
                for name, n in got.items():
                    self.assertEqual(n, 90 if name.startswith('big') else 1, (query, name))
                p = search(db, query, '--by', 'paragraph', '--limit', '1')
                self.assertEqual(p['total'], 275, query)


class T09Languages(IndexedCase):
    """9. language features over the sample corpus"""
    corpora = (None,)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.every = all_paragraphs(cls.db)
        cls.english = {(h['path'], h['para']) for h in cls.every
                       if h['lang'] == 'en' and h.get('kind') != 'heading'}

    def with_text(self, pattern):
        rx = re.compile(pattern)
        return {(h['path'], h['para']) for h in self.every if rx.search(h['text'])}

    def test_show_tells_citing_versions_apart(self):
        # the report's three language versions cite the notice in the same
        # paragraph: the text view names each one's language
        r = run('show', '--db', self.db, os.path.join(SAMPLE, 'cn12-meeting-april-2025.en.txt'))
        self.assertEqual(r.rc, 0, r)
        cited_by = r.out.split('cited by:', 1)[1].split('\n')
        for lang in ('en', 'fr', 'es'):
            self.assertEqual(cited_by.count('    INF/MSME/R/48 \u00b62.1 [%s] (INF/MSME/CN/12)' % lang), 1, r.out)

    def test_french_stemming(self):
        want = self.with_text(r'(?i)\béchanges\b')
        self.assertTrue(want)
        got = {(h['path'], h['para']) for h in paras(self.db, 'échange')}
        self.assertLessEqual(want, got, 'échange misses paragraphs with échanges')
        for h in paras(self.db, 'échange'):
            self.assertEqual(h['lang'], 'fr', h['text'][:100])

    def test_word_that_is_its_own_stem(self):
        # "trade" is its own English stem, so the index writes no stem term
        # for it, and "payment" neither; "payments" has one
        for query, word in (('trading', 'trade'), ('payment', 'payments'), ('payments', 'payment')):
            want = {k for k in self.with_text(r'(?i)\b%s\b' % word) if k in self.english}
            self.assertTrue(want, word)
            for lang in ((), ('--lang', 'en')):
                got = {(h['path'], h['para']) for h in paras(self.db, query, *lang)}
                self.assertLessEqual(want, got, '%s %s misses paragraphs with %s' % (query, lang, word))

    def test_accents(self):
        a = sorted((h['path'], h['para']) for h in paras(self.db, 'échanges'))
        b = sorted((h['path'], h['para']) for h in paras(self.db, 'echanges'))
        self.assertTrue(a)
        self.assertEqual(a, b)

    def test_lang_filter(self):
        free = paras(self.db, 'Costa Rica')
        self.assertGreater(len({h['lang'] for h in free}), 1)
        fr = paras(self.db, 'lang:fr Costa Rica')
        self.assertTrue(fr)
        self.assertEqual({h['lang'] for h in fr}, {'fr'})
        self.assertEqual({(h['path'], h['para']) for h in fr},
                         {(h['path'], h['para']) for h in free if h['lang'] == 'fr'})
        for h in paras(self.db, 'lang:fr'):
            self.assertEqual(h['lang'], 'fr')

    def test_apostrophes(self):
        curly = self.with_text('C\u00f4te d\u2019Ivoire')
        self.assertTrue(curly, 'the sample corpus has a curly apostrophe')
        want = self.with_text(r'C[oô]te\s+d[\'’]Ivoire')
        got = {(h['path'], h['para']) for h in paras(self.db, "Cote d'Ivoire")}
        self.assertLessEqual(curly, got)
        self.assertLessEqual(want, got)


class T10Fields(IndexedCase):
    """10. field filters over the real corpus"""
    corpora = (None,)

    def test_symbol(self):
        hits = paras(self.db, 'symbol:INF/MSME/R/35')
        self.assertTrue(hits)
        self.assertEqual({h['symbol'] for h in hits}, {'INF/MSME/R/35'})
        self.assertEqual({base(h) for h in hits}, {REPORT_2022})
        whole = [h for h in paras(self.db, 'lang:en') if base(h) == REPORT_2022]
        self.assertEqual(len(hits), len(whole))

    def test_cites(self):
        hits = paras(self.db, 'cites:INF/MSME/W/36')
        self.assertTrue(hits)
        self.assertEqual({base(h) for h in hits}, {REPORT_2022})
        for h in hits:
            self.assertIn('INF/MSME/W/36', h['text'])
            self.assertIn('INF/MSME/W/36', h.get('cites', ['INF/MSME/W/36']))
        self.assertIn('2.4', {h['para'] for h in hits})

    def test_bare_symbol(self):
        hits = paras(self.db, 'INF/MSME/4/Rev.2')
        self.assertTrue(hits)
        for h in hits:
            # cited in the text, across a line break, or by a docs.wto.org link
            self.assertTrue('INF/MSME/4/Rev.2' in h['cites']
                            or h['symbol'] == 'INF/MSME/4/Rev.2', h['text'][:200])
        got = {(base(h), h['para']) for h in hits}
        self.assertIn((REPORT_2022, '3.1'), got)
        self.assertIn((REPORT_2024, '3.1'), got)

    def test_dates(self):
        y = paras(self.db, 'date:2023')
        self.assertTrue(y)
        self.assertTrue(all(h['date'] and h['date'].startswith('2023') for h in y))
        self.assertEqual({base(h) for h in y}, {REPORT_2022})
        rng = paras(self.db, 'date:2022-01-01..2023-12-31')
        self.assertTrue(all(h['date'] and '2022-01-01' <= h['date'] <= '2023-12-31'
                            for h in rng))
        self.assertEqual({base(h) for h in rng}, {REPORT_2022, FMG})
        self.assertEqual(len(rng), len(y) + len(paras(self.db, 'date:2022')))
        self.assertEqual(search(self.db, 'date:2019', expect=1)['total'], 0)

    def test_member(self):
        fr = paras(self.db, 'member:Mexique')
        en = paras(self.db, 'member:Mexico')
        self.assertTrue(en)
        self.assertEqual(keys(fr), keys(en))
        for h in en:
            self.assertIn('Mexico', h['text'])
        r = run('search', '--db', self.db, 'member:Mexco')
        self.assertEqual(r.rc, 2, r)
        line = one_line_error(self, r)
        self.assertIn('Mexico', line)
        self.assertIn('column', line)


class T12BatchAndFormats(IndexedCase):
    corpora = (None, None)   # real and sample corpus in one index

    def batch(self, text, *opts):
        p = subprocess.run([EXE, 'batch', '--db', self.db, *opts, '-'], input=text,
                           capture_output=True, text=True, timeout=TIMEOUT, env=env())
        return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr

    def test_batch_in_order_with_errors(self):
        queries = ['cyber readiness', '(broken', '', '{"q": "member:Mexique", "by": "paragraph", "limit": 2}',
                   '{"q": 5}', 'not json {', '{"q": "trade", "limit": 5000}', 'INF/MSME/W/51']
        rc, out, err = self.batch('\n'.join(queries) + '\n', '--threads', '3')
        self.assertEqual(rc, 1, err)   # some lines failed
        self.assertEqual([o['line'] for o in out], [1, 2, 4, 5, 6, 7, 8])
        self.assertIn('hits', out[0])
        self.assertIn('column', out[1]['error'])
        self.assertEqual(out[2]['by'], 'paragraph')
        self.assertLessEqual(len(out[2]['hits']), 2)
        self.assertIn('error', out[3])
        self.assertIn('hits', out[4])          # a plain line that merely looks odd
        self.assertIn('limit', out[5]['error'])
        self.assertTrue(out[6]['hits'])
        # each answer is what search --json gives for the same query
        one = search(self.db, 'cyber readiness')
        self.assertEqual(out[0]['hits'], one['hits'])

    def test_batch_many_lines_keep_order(self):
        words = ['trade', 'finance', 'Mexico', 'cyber', 'échanges', 'LEI', 'gender', 'green']
        lines = [words[i % len(words)] + (' %d' % i) for i in range(1200)]
        rc, out, err = self.batch('\n'.join(lines) + '\n')
        self.assertEqual(rc, 0, err)
        self.assertEqual([o['line'] for o in out], list(range(1, 1201)))
        self.assertEqual([o['query'] for o in out], lines)

    def test_facets(self):
        d = search(self.db, 'cyber readiness', '--facets', expect=0)
        f = d['facets']
        self.assertEqual(set(f), {'member', 'topic', 'year', 'lang', 'type'})
        topics = {e['value']: e['count'] for e in f['topic']}
        self.assertGreater(topics.get('cyber', 0), 0)
        counts = [e['count'] for e in f['topic']]
        self.assertEqual(counts, sorted(counts, reverse=True))
        # language counts add up to the matching paragraphs
        p = search(self.db, 'cyber readiness', '--by', 'paragraph', '--limit', '1000')
        self.assertEqual(sum(e['count'] for e in f['lang']), len(p['hits']))

    def test_csv(self):
        import csv, io
        r = run('search', '--db', self.db, '--csv', '--limit', '3', 'trade finance')
        self.assertEqual(r.rc, 0, r)
        rows = list(csv.reader(io.StringIO(r.out)))
        self.assertEqual(rows[0][:3], ['rank', 'symbol', 'para'])
        self.assertEqual(len(rows), 4)
        self.assertEqual([row[0] for row in rows[1:]], ['1', '2', '3'])

    def test_did_you_mean(self):
        d = search(self.db, 'cyber readyness')
        self.assertEqual(d.get('suggestion'), 'cyber readiness')
        self.assertNotIn('suggestion', search(self.db, 'cyber readiness'))

    def test_exact_form_first(self):
        # the typed form (with its accent) ranks before other inflections
        hits = paras(self.db, 'échanges', '--lang', 'fr')
        self.assertTrue(hits)
        self.assertIn('échanges', hits[0]['text'].lower())


class T11Help(unittest.TestCase):
    """11. --help and unknown subcommands"""

    def test_help(self):
        for args in (['--help'], ['index', '--help'], ['search', '--help'],
                     ['help', '--help'], ['help', 'query'], ['help', 'search']):
            r = run(*args)
            self.assertEqual(r.rc, 0, r)
            if args != ['help', 'query']:
                self.assertRegex(r.out, r'(?m)^usage: wtosearch', r)
        self.assertIn('symbol:', run('help', 'query').out)

    def test_unknown_subcommand(self):
        r = run('frobnicate')
        self.assertEqual(r.rc, 2, r)
        self.assertIn('frobnicate', r.err)
        r = run('search', '--no-such-option', 'x')
        self.assertEqual(r.rc, 2, r)


def main():
    global EXE, REAL, SAMPLE, SCRATCH
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    EXE, REAL, SAMPLE = (os.path.abspath(a) for a in sys.argv[1:])
    SCRATCH = tempfile.TemporaryDirectory(prefix='wtosearch-cli-home-')
    os.makedirs(os.path.join(SCRATCH.name, 'home'))
    T02Json.corpora = T03Paragraphs.corpora = T07ExitStatus.corpora = (REAL,)
    T10Fields.corpora = (REAL,)
    T08Grouping.corpora = (REAL, SAMPLE)
    T12BatchAndFormats.corpora = (REAL, SAMPLE)
    T09Languages.corpora = (SAMPLE,)
    rc = run_module(sys.modules[__name__])
    SCRATCH.cleanup()
    return rc

if __name__ == '__main__':
    sys.exit(main())
