#!/usr/bin/env python3
"""Ranking after the match: nearness, title and heading, grouping by document.

usage: ranking_test.py WTOSEARCH

Indexes a few small Markdown documents written here (their symbols, titles
and language from a MANIFEST.tsv), each built so that the index's own score
and the score after re-ranking disagree: a test fails when the boost it is
about stops being applied.  Prints one line per test, then "N passed, M
failed"; the exit status is 1 when any test failed.
"""
import json
import os
import sys
import unittest

import manifest_corpus
from unit_runner import run_module

EXE = None

# Each document: (file, symbol, title, Markdown text).  Filler sentences
# keep the paragraphs of a test alike in length, so that the index scores
# them by the words alone.
FILL = ('The members present at the meeting then discussed budgets, staffing '
        'and the calendar of future meetings for the coming year at length.')
DOCS = [
    # zephyr and quokka twice each, far apart: the higher match score
    ('far.md', 'INF/MSME/W/901', 'Communication on harbour matters',
     '1. Harbour authorities reported on zephyr tariffs and zephyr rules. '
     + FILL + ' The delegates came back to quokka inspections and quokka '
     'permits.\n'),
    # once each, side by side: lower match score, but near each other
    ('near.md', 'INF/MSME/W/902', 'Communication on border matters',
     '1. The delegation described the zephyr quokka arrangements at the border. '
     + FILL + ' Nothing else was reported on that item by the delegation.\n'),
    # one document holding both kinds: its near paragraph represents it
    ('both.md', 'INF/MSME/W/903', 'Communication on port matters',
     '1. Port officers reported on zephyr fees and zephyr charges. ' + FILL
     + ' The officers came back to quokka checks and quokka licences.\n\n'
     '2. The officers described the zephyr quokka scheme of the port. ' + FILL
     + ' Nothing else was reported on that item by the officers.\n\n'
     '3. An unrelated paragraph about the calendar of meetings. ' + FILL + '\n'),
    # the same paragraph; the word in one title only
    ('titled.md', 'INF/MSME/W/904', 'Wombat programme report',
     '1. The wombat programme was presented to the group. ' + FILL + '\n'),
    ('untitled.md', 'INF/MSME/W/905', 'Other programme report',
     '1. The wombat programme was presented to the group. ' + FILL + '\n'),
    # the same paragraph; the word in the heading above one of them only
    ('headed.md', 'INF/MSME/W/906', 'First annual note',
     '# Numbat support\n\n1. The numbat programme was presented to the group. '
     + FILL + '\n'),
    ('unheaded.md', 'INF/MSME/W/907', 'Second annual note',
     '# Other support\n\n1. The numbat programme was presented to the group. '
     + FILL + '\n'),
]


def run(*args):
    return manifest_corpus.run(EXE, *args)


class Ranking(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        docs = [(name, symbol, '2024-01-%02d' % (i + 1), 'en', title, text)
                for i, (name, symbol, title, text) in enumerate(DOCS)]
        cls.tmp, cls.db = manifest_corpus.index_corpus(EXE, 'wtosearch-ranking-', docs)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def search(self, query, *opts):
        return json.loads(run('search', '--db', self.db, '--json', *opts, query).stdout)

    def hits(self, query, *opts):
        return [(os.path.basename(h['path']), h['para'])
                for h in self.search(query, '--by', 'paragraph', *opts)['hits']]

    def test_near_words_rank_first(self):
        # Typed apart (two sequences joined by OR) the words get no
        # nearness: the paragraphs holding them twice come first.  Typed
        # together, the paragraphs where they stand side by side do.
        apart = self.hits('zephyr OR quokka')
        self.assertEqual(set(apart[:2]), {('far.md', '1'), ('both.md', '1')}, apart)
        together = self.hits('zephyr quokka')
        self.assertEqual(set(together[:2]), {('near.md', '1'), ('both.md', '2')}, together)
        self.assertEqual(len(together), 4, together)

    def test_document_shown_by_its_near_paragraph(self):
        d = self.search('zephyr quokka')
        by_doc = {os.path.basename(h['path']): h for h in d['hits']}
        self.assertEqual(set(by_doc), {'far.md', 'near.md', 'both.md'})
        self.assertEqual(by_doc['both.md']['para'], '2')
        self.assertEqual(by_doc['both.md']['matching_paragraphs'], 2)
        self.assertEqual(by_doc['far.md']['matching_paragraphs'], 1)
        self.assertEqual(d['total'], 3)
        self.assertEqual(os.path.basename(d['hits'][-1]['path']), 'far.md')
        # pages of one query agree with the whole list
        pages = []
        for off in range(3):
            pages += self.search('zephyr quokka', '--limit', '1', '--offset', str(off))['hits']
        self.assertEqual([h['path'] for h in pages], [h['path'] for h in d['hits']])

    def test_title_words_rank_first(self):
        h = self.search('wombat', '--by', 'paragraph')['hits']
        self.assertEqual([os.path.basename(x['path']) for x in h], ['titled.md', 'untitled.md'])
        self.assertGreater(h[0]['score'], h[1]['score'])

    def test_heading_words_rank_first(self):
        h = self.search('numbat', '--by', 'paragraph')['hits']
        self.assertEqual([os.path.basename(x['path']) for x in h], ['headed.md', 'unheaded.md'])
        self.assertGreater(h[0]['score'], h[1]['score'])


def main():
    global EXE
    EXE = manifest_corpus.wtosearch_from_argv(__doc__)
    return run_module(sys.modules[__name__]) if EXE else 2


if __name__ == '__main__':
    sys.exit(main())
