#!/usr/bin/env python3
"""Test of the web page of wtosearchd, in headless Chromium.

usage: web_test.py WTOSEARCH WTOSEARCHD REAL_CORPUS SAMPLE_CORPUS

Builds a temporary index with `wtosearch index` over the two corpora and a
document of its own holding markup (<script>, <img onerror>) and a unique
word; starts the daemon on a free port of 127.0.0.1; checks the page's
files over HTTP (types, Content-Security-Policy, bytes); then loads
/?q=... URLs in Debian's Chromium (--headless --dump-dom) and reads the
DOM the page built with html.parser: hits with their labels, <mark>ed
words, facets with counts, the timeline bars, paging, the "did you mean"
suggestion, the document view with what it cites and what cites it, and
the markup of the injected document shown as text, never run.  Takes a
screenshot of a results page: BUILD/tests/web-results.png.

Only 127.0.0.1 is used; every subprocess has a timeout.  Prints one line
per test, then "N passed, M failed"; exits 1 on failure, 77 (skipped) when
chromium is not installed.
"""
import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

import daemon_harness  # beside this file

WTOSEARCH = WTOSEARCHD = REAL = SAMPLE = None
CHROMIUM = None
SCRATCH = DB = None
PORT = None
HOST = '127.0.0.1'
START_TIMEOUT = 30      # seconds for the daemon to say where it listens
BROWSER_TIMEOUT = 90    # seconds for one Chromium run
QUERY = 'Trade Logistics Information Pipeline'
UNIQUE = 'quuxinjectword'
PWNED = 'pwned'
SCRIPT = "<script>document.title='pwned'</script>"
IMG = '<img src=x onerror="document.title=\'pwned\'">'
WEB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'searchd', 'web')

# The injected document: plain text keeps its markup as it is (Markdown
# and HTML inputs would strip it).
INJECTION = """INF/MSME/W/999
1 April 2025
Original: English

INFORMAL WORKING GROUP ON MICRO, SMALL AND MEDIUM-SIZED ENTERPRISES

MARKUP %(script)s %(img)s IN A HEADING

1.  The word %(unique)s comes before %(script)s and
before %(img)s in this paragraph, which cites INF/MSME/R/35.

2.  A second paragraph with %(unique)s, <b>bold</b> &amp; an entity.
""" % {'script': SCRIPT, 'img': IMG, 'unique': UNIQUE}


def env():
    e = dict(os.environ)
    e['HOME'] = os.path.join(SCRATCH, 'home')
    e['WTOSEARCH_DB'] = os.path.join(SCRATCH, 'default-db-must-not-be-used')
    e.pop('XDG_DATA_HOME', None)
    return e


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


# ---------------------------------------------------------------------------
# The daemon

def Daemon(*args):
    """wtosearchd on a free port of HOST (tests/daemon_harness.py)."""
    return daemon_harness.Daemon(WTOSEARCHD, SCRATCH, *args, host=HOST, start_timeout=START_TIMEOUT, env=env())


def request(path, method='GET', timeout=15):
    """(status, headers with lower-case names, body bytes)."""
    c = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        c.request(method, path)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def get_json(path, expect=200):
    status, _, body = request(path)
    check(status == expect, 'GET %s: status %d, expected %d: %r' % (path, status, expect, body[:300]))
    return json.loads(body)


def page_url(**params):
    return 'http://%s:%d/?%s' % (HOST, PORT, urllib.parse.urlencode(params))


# ---------------------------------------------------------------------------
# Chromium and the DOM it dumps

def chromium(*args):
    """Runs headless Chromium once on its own profile; its stdout."""
    profile = tempfile.mkdtemp(prefix='chromium-', dir=SCRATCH)
    cmd = [CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-extensions', '--disable-default-apps', '--mute-audio', '--hide-scrollbars',
           '--user-data-dir=' + profile, '--virtual-time-budget=8000', *args]
    e = env()
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS', 'LD_PRELOAD'):
        e.pop(k, None)
    errpath = os.path.join(profile, 'stderr')
    with open(errpath, 'wb') as err:
        # its own process group: a run past its time is ended whole
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                             env=e, start_new_session=True)
        try:
            out, _ = p.communicate(timeout=BROWSER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise AssertionError('chromium took more than %d s: %s' % (BROWSER_TIMEOUT, ' '.join(args)))
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # helpers left behind, if any
            except ProcessLookupError:
                pass
    if p.returncode != 0:
        with open(errpath, 'rb') as f:
            tail = f.read()[-2000:].decode('utf-8', 'replace')
        raise AssertionError('chromium exit %d: %s' % (p.returncode, tail))
    shutil.rmtree(profile, ignore_errors=True)
    return out.decode('utf-8', 'replace')


VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source',
        'track', 'wbr'}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Nodes and strings (text, unescaped)

    def cls(self):
        return (self.attrs.get('class') or '').split()

    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find_all(self, tag=None, cls=None, **attrs):
        out = []
        for n in self.walk():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.cls():
                continue
            if any(n.attrs.get(k.replace('_', '-')) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def hidden(self):
        n = self
        while n:
            if 'hidden' in n.attrs:
                return True
            n = n.parent
        return False


class DomBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node('#document', {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(markup):
    b = DomBuilder()
    b.feed(markup)
    b.close()
    return b.root


def load(**params):
    """The DOM of /?params once the page has run: (raw markup, tree)."""
    raw = chromium('--dump-dom', page_url(**params))
    check('id="hits"' in raw, 'not the page: %r' % raw[:300])
    return raw, parse(raw)


def by_id(dom, ident):
    n = dom.find(id=ident)
    check(n is not None, 'no element #%s' % ident)
    return n


def status_text(dom):
    return ' '.join(by_id(dom, 'status').text().split())


def hits(dom):
    return by_id(dom, 'hits').find_all('li', cls='hit')


def label_of(hit):
    a = hit.find('a', cls='hit-doc')
    p = hit.find('a', cls='hit-para')
    return (a.text() if a else None, p.text() if p else None)


def no_injection(raw, dom, where):
    """Nothing of the injected markup became an element; the title is the page's."""
    scripts = dom.find_all('script')
    check([s.attrs.get('src') for s in scripts] == ['/app.js'],
          '%s: script elements %r' % (where, [s.attrs for s in scripts]))
    imgs = [n.attrs for n in dom.find_all('img')]
    check(not any('onerror' in a for a in imgs), '%s: an <img onerror> made it into the DOM: %r' % (where, imgs))
    for ident in ('hits', 'doc-view', 'status'):
        check(not by_id(dom, ident).find_all('b'), '%s: a <b> of the document became an element' % where)
    title = dom.find('title')
    check(title is not None and title.text().strip() != PWNED, '%s: the title is %r' % (where, title and title.text()))
    check('<img src=x' not in raw and '<script>document' not in raw,
          '%s: the markup is in the DOM unescaped' % where)


# ---------------------------------------------------------------------------
# The tests, in order

def test_files():
    """/, /app.js, /app.css: their types, the policy, and the very bytes of searchd/web/."""
    expect = {'/': ('text/html', 'index.html'), '/app.js': ('text/javascript', 'app.js'),
              '/app.css': ('text/css', 'app.css')}
    for path, (ctype, name) in expect.items():
        status, headers, body = request(path)
        check(status == 200, '%s: status %d' % (path, status))
        check(headers.get('content-type', '').startswith(ctype), '%s: content-type %r' % (path, headers.get('content-type')))
        check("default-src 'self'" in headers.get('content-security-policy', ''),
              '%s: content-security-policy %r' % (path, headers.get('content-security-policy')))
        check(headers.get('x-content-type-options') == 'nosniff', '%s: no nosniff' % path)
        with open(os.path.join(WEB_DIR, name), 'rb') as f:
            check(body == f.read(), '%s: not the bytes of searchd/web/%s' % (path, name))
    status, headers, body = request('/?q=' + urllib.parse.quote(QUERY))
    check(status == 200 and b'/app.js' in body, '/?q=: status %d' % status)
    status, headers, body = request('/', method='HEAD')
    check(status == 200 and body == b'', 'HEAD /: status %d, %d bytes' % (status, len(body)))
    status, headers, _ = request('/', method='POST')
    check(status == 405 and 'GET' in headers.get('allow', ''), 'POST /: status %d' % status)
    e = get_json('/app.jsx', expect=404)
    check(e['status'] == 404, '404: %r' % e)
    # the sources themselves: no inline script or handler, nothing from
    # another origin, no HTML built from strings
    index = open(os.path.join(WEB_DIR, 'index.html'), encoding='utf-8').read()
    for pattern in (r'<script(?![^>]*\bsrc=)', r'\son[a-z]+\s*=', r'(?:src|href)\s*=\s*"(?:https?:)?//',
                    r'<style'):
        m = re.search(pattern, index, re.I)
        check(not m, 'index.html: %r' % (m and index[m.start():m.start() + 40]))
    app = open(os.path.join(WEB_DIR, 'app.js'), encoding='utf-8').read()
    for pattern in (r'\.(?:inner|outer)HTML\b', r'insertAdjacentHTML', r'document\.write', r'\beval\s*\(',
                    r'new\s+Function', r'https?://(?!www\.w3\.org/2000/svg)'):
        m = re.search(pattern, app)
        check(not m, 'app.js: %r' % (m and app[m.start():m.start() + 40]))


def test_results():
    """The first hit of the query: INF/MSME/R/35 ¶2.5, its words <mark>ed, its counts."""
    res = get_json('/search?' + urllib.parse.urlencode({'q': QUERY, 'limit': 10, 'facets': 1}))
    raw, dom = load(q=QUERY)
    hs = hits(dom)
    check(len(hs) == len(res['hits']) and hs, '%d hits shown, the daemon gave %d' % (len(hs), len(res['hits'])))
    check(label_of(hs[0]) == ('INF/MSME/R/35', '¶2.5'), 'first hit labelled %r' % (label_of(hs[0]),))
    for h, j in zip(hs, res['hits']):
        name, para = label_of(h)
        want = ' · '.join(j['symbols']) if j['symbols'] else os.path.basename(j['path'])
        check(name == want and para == '¶' + j['para'], 'hit %r, expected %r ¶%s' % ((name, para), want, j['para']))
    first = hs[0]
    marks = [m.text() for m in first.find('p', cls='snippet').find_all('mark')]
    for w in QUERY.split():
        check(w.lower() in [m.lower() for m in marks], '%s not marked in the first snippet: %r' % (w, marks))
    snippet = first.find('p', cls='snippet').text()
    check('\u27e6' not in snippet and '\u27e7' not in snippet, 'markers left in the snippet: %r' % snippet)
    check(snippet == res['hits'][0]['snippet'].replace('\u27e6', '').replace('\u27e7', ''),
          'snippet text differs from the JSON: %r' % snippet)
    check(first.find('time') is not None and '2023' in first.find('time').text(), 'no date on the first hit')
    check([t.text() for t in first.find_all('span', cls='lang')] == ['EN'], 'languages of the first hit')
    check(first.find('div', cls='hit-title').text() == res['hits'][0]['title'], 'title of the first hit')
    matching = first.find(cls='matching')
    n = res['hits'][0]['matching_paragraphs']
    check(matching is not None and matching.text() == '%d matching paragraphs' % n,
          'matching paragraphs: %r, expected %d' % (matching and matching.text(), n))
    about = '' if res['total_exact'] else 'about '
    check(status_text(dom).startswith('%s%d documents' % (about, res['total'])), 'status: %r' % status_text(dom))
    check(dom.find('title').text().startswith(QUERY), 'page title %r' % dom.find('title').text())
    link = first.find('a', cls='hit-doc').attrs['href']
    target = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    check(target.get('doc') == ['INF/MSME/R/35'] and target.get('para') == ['2.5'] and target.get('q') == [QUERY],
          'the hit links to %r' % link)
    no_injection(raw, dom, 'results')


def test_facets():
    """Every facet of the JSON with its counts; a click adds member:xxx to the query."""
    res = get_json('/search?' + urllib.parse.urlencode({'q': QUERY, 'limit': 10, 'facets': 1}))
    _, dom = load(q=QUERY)
    facets = by_id(dom, 'facets')
    for field in ('member', 'topic', 'year', 'lang', 'type'):
        box = facets.find('section', data_facet=field)
        check(box is not None, 'no %s facet' % field)
        entries = box.find_all('a', cls='facet-entry')
        want = res['facets'][field]
        check(len(entries) == len(want), '%s: %d entries, the JSON has %d' % (field, len(entries), len(want)))
        shown = {}
        for a in entries:
            count = a.find('span', cls='count').text().replace(',', '')
            check(count.isdigit() and int(count) > 0, '%s: count %r' % (field, count))
            check(a.find('span', cls='facet-name').text().strip(), '%s: an entry without a name' % field)
            shown[a.attrs['data-term']] = int(count)
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(a.attrs['href']).query)['q'][0]
            check(q == QUERY + ' ' + a.attrs['data-term'], '%s: the entry links to q=%r' % (field, q))
        prefix = 'date:' if field == 'year' else field + ':'
        for f in want:
            check(shown.get(prefix + f['value']) == f['count'],
                  '%s %s: shown %r, the JSON says %d' % (field, f['value'], shown.get(prefix + f['value']), f['count']))
    mex = facets.find('a', data_term='member:mex')
    check(mex is not None and 'Mexico' in mex.text(), 'member:mex shown as %r' % (mex and mex.text()))
    # the filter applied: marked active, the results restricted
    _, dom = load(q=QUERY + ' member:mex')
    a = by_id(dom, 'facets').find('a', data_term='member:mex')
    check(a is not None and 'active' in a.cls(), 'member:mex not shown active once applied')
    # (the total is an estimate that may depend on limit: ask as the page does)
    res = get_json('/search?' + urllib.parse.urlencode({'q': QUERY + ' member:mex', 'limit': 10, 'facets': 1}))
    total, about = res['total'], '' if res['total_exact'] else 'about '
    check(status_text(dom).startswith('%s%d document' % (about, total)),
          'filtered status %r, expected %s%d' % (status_text(dom), about, total))


def test_timeline():
    """One bar per year of the facet, heights in the order of the counts."""
    res = get_json('/search?' + urllib.parse.urlencode({'q': QUERY, 'limit': 10, 'facets': 1}))
    _, dom = load(q=QUERY)
    fig = by_id(dom, 'timeline')
    check(not fig.hidden(), 'the timeline is hidden')
    bars = fig.find_all('rect', cls='bar')
    years = {f['value']: f['count'] for f in res['facets']['year']}
    check(len(bars) == len(years) and len(bars) >= 2, '%d bars for %d years' % (len(bars), len(years)))
    got = {b.attrs['data-year']: int(b.attrs['data-count']) for b in bars}
    check(got == years, 'bars %r, facet %r' % (got, years))
    order = [b.attrs['data-year'] for b in bars]
    check(order == sorted(order), 'bars not in year order: %r' % order)
    height = {b.attrs['data-year']: float(b.attrs['height']) for b in bars}
    top = max(years, key=years.get)
    check(all(height[top] >= h for h in height.values()) and all(h > 0 for h in height.values()),
          'heights %r for counts %r' % (height, years))
    for b in bars:
        t = b.find('title')
        check(t is not None and t.text().startswith(b.attrs['data-year'] + ':'), 'bar without its title')
    link = bars[0].parent
    check(link.tag == 'a' and 'date:' + bars[0].attrs['data-year'] in urllib.parse.unquote_plus(link.attrs.get('href', '')),
          'the first bar does not filter by its year')


def test_paging_and_grouping():
    """Page 2 shows hits 11-20; by=paragraph lists paragraphs."""
    res = get_json('/search?' + urllib.parse.urlencode({'q': QUERY, 'limit': 10, 'offset': 10, 'facets': 1}))
    check(res['total'] > 10, 'the query has only %d hits: no second page to test' % res['total'])
    _, dom = load(q=QUERY)
    pager = by_id(dom, 'pager')
    pages = [a.text() for a in pager.find_all('a', cls='page')]
    check('2' in pages and any('next' in p for p in pages), 'pager links %r' % pages)
    cur = pager.find(cls='current')
    check(cur is not None and cur.text() == '1', 'current page %r' % (cur and cur.text()))
    _, dom = load(q=QUERY, page=2)
    hs = hits(dom)
    check(by_id(dom, 'hits').attrs.get('start') == '11', 'page 2 numbered from %r' % by_id(dom, 'hits').attrs.get('start'))
    check([label_of(h)[1] for h in hs] == ['¶' + h['para'] for h in res['hits']], 'page 2 hits differ from offset=10')
    check(by_id(dom, 'pager').find(cls='current').text() == '2', 'page 2 not current')
    _, dom = load(q=QUERY, by='paragraph', sort='newest')
    res = get_json('/search?' + urllib.parse.urlencode(
        {'q': QUERY, 'limit': 10, 'by': 'paragraph', 'sort': 'newest', 'facets': 1}))
    total, about = res['total'], '' if res['total_exact'] else 'about '
    check(status_text(dom).startswith('%s%d paragraphs' % (about, total)),
          'status %r, expected %s%d' % (status_text(dom), about, total))
    dates = [t.attrs['datetime'] for t in by_id(dom, 'hits').find_all('time')]
    check(dates == sorted(dates, reverse=True) and dates, 'sort=newest: dates %r' % dates)
    check(not by_id(dom, 'hits').find(cls='matching'), 'by=paragraph shows matching counts')


def test_suggestion():
    """A misspelt query offers the JSON's suggestion as a link."""
    q = 'logistcs pipline'
    res = get_json('/search?' + urllib.parse.urlencode({'q': q, 'limit': 10, 'facets': 1}))
    check(res.get('suggestion'), 'the daemon suggests nothing for %r' % q)
    _, dom = load(q=q)
    p = by_id(dom, 'suggestion')
    check(not p.hidden(), 'the suggestion is hidden')
    a = p.find('a', cls='suggested')
    check(a is not None and a.text() == res['suggestion'], 'suggestion %r, expected %r' % (a and a.text(), res['suggestion']))
    href = urllib.parse.parse_qs(urllib.parse.urlsplit(a.attrs['href']).query)
    check(href.get('q') == [res['suggestion']], 'the suggestion links to %r' % a.attrs['href'])
    _, dom = load(q='member:Atlantis')
    check('error' in by_id(dom, 'status').cls() and 'Atlantis' in status_text(dom),
          'a bad query shows %r' % status_text(dom))


def test_document():
    """/?doc=INF/MSME/R/35: metadata, ¶2.5, what it cites, what cites it."""
    doc = get_json('/doc/' + urllib.parse.quote('INF/MSME/R/35', safe=''))['documents'][0]
    _, dom = load(doc='INF/MSME/R/35', para='2.5', q=QUERY)
    view = by_id(dom, 'doc-view')
    check(not view.hidden() and by_id(dom, 'results-view').hidden(), 'the document view is not the one shown')
    check(view.find('h1').text() == doc['title'], 'title %r' % view.find('h1').text())
    meta = view.find('dl', cls='meta').text()
    check('INF/MSME/R/35' in meta and '15 March 2023' in meta, 'metadata %r' % meta)
    paras = view.find_all('li', cls='para')
    check([p.attrs['data-para'] for p in paras] == [p['para'] for p in doc['paragraphs']],
          'paragraph labels differ from /doc')
    p25 = view.find('li', data_para='2.5')
    check(p25 is not None and 'target' in p25.cls(), '¶2.5 missing or not the one pointed at')
    check(p25.find('a', cls='label').text() == '¶2.5', '¶2.5 label %r' % p25.find('a', cls='label').text())
    want = [p for p in doc['paragraphs'] if p['para'] == '2.5'][0]['text']
    check(p25.find('div', cls='text').text().startswith(want), '¶2.5 text differs')
    check('Trade Logistics Information Pipeline' in p25.text(), '¶2.5 text %r' % p25.text()[:200])
    cites = view.find('section', cls='cites')
    links = [a.text() for a in cites.find_all('a')]
    check(links == doc['cites'] and 'INF/MSME/R/33' in links, 'cites %r' % links)
    target = urllib.parse.parse_qs(urllib.parse.urlsplit(cites.find('a').attrs['href']).query)
    check(target.get('doc') == [doc['cites'][0]], 'a cited symbol links to %r' % target)
    cited_by = view.find('section', cls='cited-by')
    entries = cited_by.find_all('li')
    check(len(entries) == len(doc['cited_by']) and entries, 'cited by: %d shown, %d in /doc' % (len(entries), len(doc['cited_by'])))
    a = entries[0].find('a')
    target = urllib.parse.parse_qs(urllib.parse.urlsplit(a.attrs['href']).query)
    first = doc['cited_by'][0]
    check(target.get('doc') == [first['symbol'] or first['path']] and target.get('para') == [first['para']],
          'the first citing paragraph links to %r' % a.attrs['href'])
    back = view.find('a', cls='back')
    check(back is not None and urllib.parse.parse_qs(urllib.parse.urlsplit(back.attrs['href']).query) == {'q': [QUERY]},
          'no way back to the results')
    _, dom = load(doc='INF/MSME/R/999')
    check('error' in by_id(dom, 'status').cls(), 'a document not indexed: status %r' % status_text(dom))


def test_injection():
    """The injected document's markup shows as text and never runs."""
    raw, dom = load(q=UNIQUE)
    hs = hits(dom)
    check(len(hs) == 1, '%d hits for the unique word' % len(hs))
    snippet = hs[0].find('p', cls='snippet')
    text = snippet.text()
    check(SCRIPT in text and IMG in text, 'the markup is not shown as text: %r' % text)
    check([m.text() for m in snippet.find_all('mark')] == [UNIQUE], 'marks %r' % snippet.find_all('mark'))
    check('&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;' in raw, 'the escaped <script> text is not in the dump')
    no_injection(raw, dom, 'results')
    # the document itself, every paragraph whole
    path = get_json('/search?' + urllib.parse.urlencode({'q': UNIQUE}))['hits'][0]['path']
    raw, dom = load(doc=path)
    view = by_id(dom, 'doc-view')
    texts = [d.text() for d in view.find_all('div', cls='text')]
    check(any(SCRIPT in t and IMG in t for t in texts), 'the document view does not show the markup as text')
    check(any('<b>bold</b> &amp; an entity' in t for t in texts), 'the <b> and &amp; of the text are not literal')
    no_injection(raw, dom, 'document')
    # and markup typed in the query
    q = IMG + ' ' + UNIQUE
    raw, dom = load(q=q)
    check(dom.find('title').text().startswith(q), 'the query is not the title as text')
    no_injection(raw, dom, 'query')


def test_screenshot():
    """A results page as a PNG (BUILD/tests/web-results.png), larger than 10 KB."""
    build = os.path.dirname(os.path.dirname(WTOSEARCH))
    out_dir = os.path.join(build, 'tests')
    os.makedirs(out_dir, exist_ok=True)
    png = os.path.join(out_dir, 'web-results.png')
    if os.path.exists(png):
        os.unlink(png)
    chromium('--screenshot=' + png, '--window-size=1280,1600', page_url(q=QUERY))
    check(os.path.exists(png), 'no screenshot written')
    with open(png, 'rb') as f:
        data = f.read()
    check(data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG')
    check(len(data) > 10 * 1024, 'the screenshot has only %d bytes' % len(data))
    print('     screenshot: %s (%d bytes)' % (png, len(data)))


TESTS = [test_files, test_results, test_facets, test_timeline, test_paging_and_grouping,
         test_suggestion, test_document, test_injection, test_screenshot]


def main():
    global WTOSEARCH, WTOSEARCHD, REAL, SAMPLE, SCRATCH, DB, PORT, CHROMIUM
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    WTOSEARCH, WTOSEARCHD, REAL, SAMPLE = (os.path.abspath(a) for a in sys.argv[1:])
    CHROMIUM = shutil.which('chromium')
    if not CHROMIUM:
        print('chromium is not installed (apt-get install chromium, or scripts/install-deps.sh --for-tests): skipped')
        return 77
    SCRATCH = tempfile.mkdtemp(prefix='wtosearch-web-test-')
    passed = failed = 0
    d = None
    t_start = time.monotonic()
    try:
        os.makedirs(os.path.join(SCRATCH, 'home'))
        docs = os.path.join(SCRATCH, 'docs')
        os.makedirs(docs)
        with open(os.path.join(docs, 'injection-test.en.txt'), 'w', encoding='utf-8') as f:
            f.write(INJECTION)
        DB = os.path.join(SCRATCH, 'index')
        p = subprocess.run([WTOSEARCH, 'index', '--db', DB, REAL, SAMPLE, docs], capture_output=True,
                           text=True, timeout=120, env=env(), stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            print('FAIL setup: wtosearch index: %s %s' % (p.stdout, p.stderr))
            print('0 passed, 1 failed')
            return 1
        d = Daemon('--db', DB, '--threads', '2')
        PORT = d.port
        p, f = daemon_harness.run_tests(d, TESTS, lambda test: test(), width=22)
        passed += p
        failed += f
    finally:
        if d and d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
        shutil.rmtree(SCRATCH, ignore_errors=True)
    print('total %.1fs' % (time.monotonic() - t_start))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
