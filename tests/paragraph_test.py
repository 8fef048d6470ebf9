#!/usr/bin/env python3
"""Paragraph semantics of a search over files indexed as one document each.

usage: paragraph_test.py WTOSEARCH

Indexes a few small Markdown documents written here (their symbols, titles
and language from a MANIFEST.tsv), built from invented words that nothing
else holds, each placed in chosen paragraphs: a query is true of a
paragraph, not of a file whose paragraphs hold its parts apart.  Prints one
line per test, then "N passed, M failed"; the exit status is 1 when any
test failed.
"""
import json
import os
import sys
import unittest

import manifest_corpus
from unit_runner import run_module

EXE = None

FILL = ('The members present at the meeting then discussed budgets, staffing '
        'and the calendar of future meetings for the coming year at length.')
FILL_FR = ('Les membres présents à la réunion ont ensuite discuté du budget, du '
           'personnel et du calendrier des réunions pour les années à venir.')


def numbered(*paras, fill=FILL):
    """Markdown of numbered paragraphs 1., 2., ..., each with the filler."""
    return '\n\n'.join('%d. %s %s' % (i + 1, p, fill) for i, p in enumerate(paras)) + '\n'


# Each document: (file, symbol, lang, title, Markdown text).
DOCS = [
    # both words in one paragraph, side by side
    ('same.md', 'INF/MSME/W/951', 'en', 'Note on border matters',
     numbered('The delegation reported on zorblat quindle arrangements at the border.',
              'Nothing else was reported on that item by the delegation.')),
    # the two words in different paragraphs only
    ('apart.md', 'INF/MSME/W/952', 'en', 'Note on harbour matters',
     numbered('The delegation reported on zorblat tariffs at the harbour.',
              'Quindle rules were also described by the delegation.')),
    # a phrase's words: the end of one paragraph and the start of the next
    # (and again in the second paragraph, in the other order)
    ('boundary.md', 'INF/MSME/W/953', 'en', 'Note on port matters',
     '1. ' + FILL + ' The last item raised was plimbus.\n\n'
     '2. Trantor fees came next, and then plimbus again. ' + FILL + '\n'),
    # the phrase as written
    ('adjacent.md', 'INF/MSME/W/954', 'en', 'Note on airport matters',
     numbered('The officers described the plimbus trantor scheme of the airport.')),
    # the member named in paragraphs 1 and 3, the word in 2 and 3
    ('member.md', 'INF/MSME/W/955', 'en', 'Note on programmes',
     numbered('Kenya presented its programme to the group.',
              'The flumox scheme was described to the group.',
              'Kenya described the flumox scheme to the group.')),
    # the member and the word in different paragraphs only
    ('memberapart.md', 'INF/MSME/W/956', 'en', 'Note on schemes',
     numbered('Kenya presented its programme to the group.',
              'The flumox scheme was described to the group.')),
    # the word in a heading only
    ('heading.md', 'INF/MSME/W/957', 'en', 'Note on calendars',
     '# Vextrol matters\n\n' + numbered('The group discussed the calendar of meetings.')),
    # the word in a body paragraph
    ('vbody.md', 'INF/MSME/W/958', 'en', 'Note on agendas',
     numbered('The group discussed the vextrol agenda of meetings.')),
    # an inflected form (found through its stem) with another word, in one
    # paragraph and in two
    ('stemsame.md', 'INF/MSME/W/961', 'en', 'Note on animals',
     numbered('The snorkacks were counted with the wibblet.',
              'Nothing else was counted by the officers.')),
    ('stemapart.md', 'INF/MSME/W/962', 'en', 'Note on plants',
     numbered('The snorkacks were counted by the officers.',
              'The wibblet was counted by the officers.')),
    # the word in exactly 3 of 5 paragraphs
    ('count.md', 'INF/MSME/W/959', 'en', 'Note on counts',
     numbered('The first glimmox item was raised.', 'Nothing was raised here.',
              'The second glimmox item was raised.', 'Nothing was raised again.',
              'The third glimmox item was raised.')),
    # the word in 2 of 3 French paragraphs
    ('fr.md', 'INF/MSME/W/960', 'fr', 'Note sur les comptes',
     numbered('Le premier point glimmox a été soulevé par la délégation.',
              'Rien de plus ne a été soulevé par la délégation.',
              'Le second point glimmox a été soulevé par la délégation.', fill=FILL_FR)),
]


def run(*args):
    return manifest_corpus.run(EXE, *args)


class Paragraphs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        docs = [(name, symbol, '2024-02-%02d' % (i + 1), lang, title, text)
                for i, (name, symbol, lang, title, text) in enumerate(DOCS)]
        cls.tmp, cls.db = manifest_corpus.index_corpus(EXE, 'wtosearch-paragraph-', docs)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def search(self, query, *opts):
        p = run('search', '--db', self.db, '--json', *opts, query)
        try:
            return json.loads(p.stdout)
        except ValueError as e:
            raise AssertionError('%s: output is not JSON (%s)\n%s%s' % (query, e, p.stdout, p.stderr))

    def paras(self, query, *opts):
        """(file, para) of every matching paragraph."""
        d = self.search(query, '--by', 'paragraph', '--limit', '1000', *opts)
        return [(os.path.basename(h['path']), h['para']) for h in d['hits']]

    def files(self, query, *opts):
        """file -> hit, one per matching document."""
        d = self.search(query, '--by', 'document', '--limit', '1000', *opts)
        return {os.path.basename(h['path']): h for h in d['hits']}

    def test_and_within_one_paragraph(self):
        for q in ('zorblat AND quindle', '+zorblat +quindle'):
            self.assertEqual(self.paras(q), [('same.md', '1')], q)
            self.assertEqual(set(self.files(q)), {'same.md'}, q)
            self.assertEqual(self.files(q)['same.md']['matching_paragraphs'], 1, q)
        # each word alone finds both files: the AND is what leaves one out
        self.assertEqual(set(self.files('zorblat')), {'same.md', 'apart.md'})
        self.assertEqual(set(self.files('quindle')), {'same.md', 'apart.md'})

    def test_not_of_paragraphs(self):
        for q in ('zorblat -quindle', 'zorblat NOT quindle', 'zorblat AND NOT quindle'):
            # apart.md holds quindle, but in another paragraph
            self.assertEqual(self.paras(q), [('apart.md', '1')], q)
            d = self.files(q)
            self.assertEqual(set(d), {'apart.md'}, q)
            self.assertEqual(d['apart.md']['para'], '1', q)
            self.assertEqual(d['apart.md']['matching_paragraphs'], 1, q)
        self.assertEqual(self.paras('quindle -zorblat'), [('apart.md', '2')])

    def test_stems_of_paragraphs(self):
        # the stem finds the inflected form, in its own paragraph only
        self.assertEqual(sorted(self.paras('snorkack')), [('stemapart.md', '1'), ('stemsame.md', '1')])
        self.assertEqual(self.paras('snorkack AND wibblet'), [('stemsame.md', '1')])
        self.assertEqual(set(self.files('snorkack AND wibblet')), {'stemsame.md'})
        self.assertEqual(self.paras('snorkack -wibblet'), [('stemapart.md', '1')])
        self.assertEqual(self.paras('wibblet -snorkack'), [('stemapart.md', '2')])

    def test_phrase_not_across_paragraphs(self):
        self.assertEqual(self.paras('"plimbus trantor"'), [('adjacent.md', '1')])
        self.assertEqual(set(self.files('"plimbus trantor"')), {'adjacent.md'})
        # the words do share boundary.md's second paragraph, not as the phrase
        self.assertEqual(sorted(self.paras('plimbus AND trantor')),
                         [('adjacent.md', '1'), ('boundary.md', '2')])
        self.assertEqual(sorted(self.paras('"trantor plimbus"')), [])

    def test_member_and_word_in_one_paragraph(self):
        # member:Kenya flumox: paragraphs naming Kenya, flumox adding weight
        d = self.search('member:Kenya flumox', '--by', 'paragraph', '--limit', '1000')
        for h in d['hits']:
            self.assertIn('ken', h['members'], (h['path'], h['para'], h['text']))
        got = [(os.path.basename(h['path']), h['para']) for h in d['hits']]
        self.assertEqual(sorted(got), [('member.md', '1'), ('member.md', '3'), ('memberapart.md', '1')])
        self.assertEqual(got[0], ('member.md', '3'), got)
        # both required: the one paragraph holding both
        for q in ('member:Kenya AND flumox', 'member:Kenya +flumox'):
            d = self.search(q, '--by', 'paragraph', '--limit', '1000')
            for h in d['hits']:
                self.assertIn('ken', h['members'], (q, h['path'], h['para'], h['text']))
                self.assertIn('flumox', h['text'].lower(), (q, h['path'], h['para']))
            self.assertEqual([(os.path.basename(h['path']), h['para']) for h in d['hits']],
                             [('member.md', '3')], q)
            d = self.files(q)
            self.assertEqual(set(d), {'member.md'}, q)
            self.assertEqual(d['member.md']['para'], '3', q)
            self.assertEqual(d['member.md']['matching_paragraphs'], 1, q)
        # either condition alone holds in memberapart.md
        self.assertIn('memberapart.md', self.files('member:Kenya'))
        self.assertIn('memberapart.md', self.files('flumox'))

    def test_heading_alone_no_answer(self):
        self.assertEqual(self.paras('vextrol'), [('vbody.md', '1')])
        self.assertEqual(set(self.files('vextrol')), {'vbody.md'})
        d = self.search('kind:heading vextrol', '--by', 'paragraph', '--limit', '1000')
        self.assertEqual([os.path.basename(h['path']) for h in d['hits']], ['heading.md'], d)
        self.assertEqual(d['hits'][0]['kind'], 'heading')
        self.assertIn('Vextrol', d['hits'][0]['text'])
        self.assertEqual(set(self.files('kind:heading vextrol')), {'heading.md'})

    def test_matching_paragraphs_of_a_document(self):
        d = self.files('glimmox')
        self.assertEqual(set(d), {'count.md', 'fr.md'})
        self.assertEqual(d['count.md']['matching_paragraphs'], 3)
        self.assertEqual(d['fr.md']['matching_paragraphs'], 2)
        self.assertEqual(sorted(p for f, p in self.paras('glimmox') if f == 'count.md'),
                         ['1', '3', '5'])

    def test_total_of_paragraphs(self):
        q = 'glimmox OR zorblat OR flumox'
        d = self.search(q, '--by', 'paragraph', '--limit', '1000')
        got = [(os.path.basename(h['path']), h['para']) for h in d['hits']]
        self.assertEqual(len(set(got)), len(got), got)
        self.assertEqual(d['total'], len(got))
        self.assertEqual(sorted(got), sorted([
            ('count.md', '1'), ('count.md', '3'), ('count.md', '5'),
            ('fr.md', '1'), ('fr.md', '3'),
            ('same.md', '1'), ('apart.md', '1'),
            ('member.md', '2'), ('member.md', '3'), ('memberapart.md', '2')]))
        # by document: the files, their paragraphs adding up
        f = self.search(q, '--by', 'document', '--limit', '1000')
        self.assertEqual(f['total'], 6)
        self.assertEqual(sum(h['matching_paragraphs'] for h in f['hits']), len(got))
        self.assertTrue(d['total_exact'] and f['total_exact'], (d['total_exact'], f['total_exact']))
        self.assertNotIn('about', run('search', '--db', self.db, q).stdout.splitlines()[0])
        # one of several asked for, filters alone (no window): estimated
        e = self.search('symbol:INF/MSME/W/*', '--limit', '1')
        self.assertEqual(len(e['hits']), 1)
        self.assertFalse(e['total_exact'], e)
        self.assertGreater(e['total'], 1, e)
        self.assertIn('about', run('search', '--db', self.db, '--limit', '1', 'symbol:INF/MSME/W/*').stdout)

    def test_facets_count_paragraphs(self):
        for q in ('glimmox', 'glimmox OR zorblat OR flumox'):
            d = self.search(q, '--facets')
            lang = {e['value']: e['count'] for e in d['facets']['lang']}
            n = len(self.paras(q))
            self.assertEqual(sum(lang.values()), n, (q, lang))
        d = self.search('glimmox', '--facets')
        self.assertEqual({e['value']: e['count'] for e in d['facets']['lang']}, {'en': 3, 'fr': 2})

    def test_show_lists_every_paragraph(self):
        d = json.loads(run('show', '--db', self.db, '--json', 'INF/MSME/W/959').stdout)
        self.assertEqual(len(d['documents']), 1)
        ps = d['documents'][0]['paragraphs']
        self.assertEqual([p['para'] for p in ps], ['1', '2', '3', '4', '5'])
        self.assertEqual(['glimmox' in p['text'] for p in ps], [True, False, True, False, True])
        self.assertTrue(ps[2]['text'].startswith('The second glimmox item'), ps[2]['text'])
        d = json.loads(run('show', '--db', self.db, '--json', 'INF/MSME/W/957').stdout)
        ps = d['documents'][0]['paragraphs']
        self.assertEqual([p['kind'] for p in ps], ['heading', 'body'])
        self.assertEqual(ps[0]['text'], 'Vextrol matters')
        self.assertEqual(ps[1]['para'], '1')

    def test_check(self):
        p = run('check', '--db', self.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


class EstimatedTotals(unittest.TestCase):
    """A total the search estimates is shown to two significant figures."""
    FILES = 263

    @classmethod
    def setUpClass(cls):
        docs = [('q%03d.md' % i, 'INF/MSME/W/%d' % (2000 + i), '2024-03-01', 'en', 'Note %d' % i,
                 numbered('The quorble item number %d was raised.' % i)) for i in range(cls.FILES)]
        cls.tmp, cls.db = manifest_corpus.index_corpus(EXE, 'wtosearch-totals-', docs)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_rounded(self):
        p = run('search', '--db', self.db, '--json', '--limit', '1', 'quorble')
        d = json.loads(p.stdout)
        self.assertFalse(d['total_exact'], d)
        self.assertEqual(d['total'] % 10, 0, d['total'])
        self.assertLessEqual(abs(d['total'] - self.FILES), self.FILES // 10, d['total'])
        text = run('search', '--db', self.db, '--limit', '1', '--color', 'never', 'quorble').stdout
        self.assertTrue(text.startswith('about %d documents' % d['total']), text.splitlines()[0])
        # counted, the number as it is
        e = json.loads(run('search', '--db', self.db, '--json', '--limit', '1000', 'quorble').stdout)
        self.assertTrue(e['total_exact'], e)
        self.assertEqual(e['total'], self.FILES)


def main():
    global EXE
    EXE = manifest_corpus.wtosearch_from_argv(__doc__)
    return run_module(sys.modules[__name__]) if EXE else 2


if __name__ == '__main__':
    sys.exit(main())
