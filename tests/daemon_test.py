#!/usr/bin/env python3
"""Integration test of wtosearchd, the search daemon, over real HTTP.

usage: daemon_test.py WTOSEARCH WTOSEARCHD REAL_CORPUS SAMPLE_CORPUS

Builds a temporary index with `wtosearch index`, starts the daemon on a
free port of 127.0.0.1 (--listen 127.0.0.1:0, the port read from its
"listening on" line) with a config file of its own, and talks to it as
clients do: http.client for ordinary requests, raw sockets for broken
ones.  Only 127.0.0.1 is used; every loop is bounded in count and time.
Prints one line per test, then "N passed, M failed"; exits 1 on failure.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import daemon_harness  # beside this file
from manifest_corpus import write_notes

WTOSEARCH = WTOSEARCHD = REAL = SAMPLE = None
SCRATCH = None
HOST = '127.0.0.1'
START_TIMEOUT = 30          # seconds for the daemon to say where it listens
REQUEST_TIMEOUT = 3         # the daemon's request-timeout in these tests
BATCH_TIME_LIMIT = 2        # its batch-time-limit
CRASH_MARKS = daemon_harness.CRASH_MARKS
QUERY = 'Trade Logistics Information Pipeline'


def env():
    e = dict(os.environ)
    e['HOME'] = os.path.join(SCRATCH, 'home')
    e['WTOSEARCH_DB'] = os.path.join(SCRATCH, 'default-db-must-not-be-used')
    e.pop('XDG_DATA_HOME', None)
    return e


def run_cli(*args, timeout=60):
    return subprocess.run([WTOSEARCH, *args], capture_output=True, text=True, timeout=timeout,
                          env=env(), stdin=subprocess.DEVNULL)


def Daemon(*args):
    """wtosearchd on a free port of HOST (tests/daemon_harness.py)."""
    return daemon_harness.Daemon(WTOSEARCHD, SCRATCH, *args, host=HOST, start_timeout=START_TIMEOUT, env=env())


def request(port, method, path, body=None, headers=None, timeout=15):
    """(status, headers dict, body bytes) of one request."""
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def get_json(port, path, expect=200):
    status, headers, body = request(port, 'GET', path)
    if status != expect:
        raise AssertionError('GET %s: status %d, expected %d: %r' % (path, status, expect, body[:500]))
    if not headers.get('content-type', '').startswith('application/json'):
        raise AssertionError('GET %s: content-type %r' % (path, headers.get('content-type')))
    return json.loads(body)


def search_path(q, **params):
    return '/search?' + urllib.parse.urlencode({'q': q, **params})


def raw(port, data, timeout=5.0):
    """Sends bytes, returns every byte read until the server closes (or the timeout)."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    out = b''
    try:
        try:
            s.sendall(data)
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out


def status_of(response):
    line = response.split(b'\r\n', 1)[0]
    parts = line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[0].startswith(b'HTTP/') else None


def json_body(response):
    return json.loads(response.split(b'\r\n\r\n', 1)[1])


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def hits_key(results):
    return [(h['path'], h['para']) for h in results['hits']]


# ---------------------------------------------------------------------------
# The tests.  Each takes the running daemon; they run in order.

def test_help(d):
    p = subprocess.run([WTOSEARCHD, '--help'], capture_output=True, text=True, timeout=10, env=env())
    check(p.returncode == 0, 'exit %d' % p.returncode)
    for flag in ('--listen', '--db', '--threads', '--max-body-bytes', '--max-header-bytes',
                 '--max-connections', '--time-limit', '--request-timeout', '--idle-timeout',
                 '--cache-bytes', '--config'):
        check(flag in p.stdout, '%s missing from --help' % flag)


def test_config_errors(d):
    bad = os.path.join(SCRATCH, 'bad.conf')
    cases = [
        ('# comment\nthreads = 2\nmax-body-bytes = lots\n', ':3:', 'max-body-bytes'),
        ('listen = 127.0.0.1:0\nno-such-setting = 1\n', ':2:', 'no-such-setting'),
        ('request-timeout = 0\n', ':1:', 'request-timeout'),
        ('just words\n', ':1:', 'name = value'),
    ]
    for text, where, what in cases:
        with open(bad, 'w') as f:
            f.write(text)
        p = subprocess.run([WTOSEARCHD, '--config', bad, '--listen', HOST + ':0'], capture_output=True,
                           text=True, timeout=10, env=env())
        check(p.returncode == 2, 'config %r: exit %d, expected 2' % (text, p.returncode))
        check(bad + where in p.stderr and what in p.stderr,
              'config %r: message does not name %s%s and %s: %r' % (text, bad, where, what, p.stderr))
        check('listening' not in p.stdout, 'started despite a bad config')
    p = subprocess.run([WTOSEARCHD, '--max-body-bytes', '1', '--listen', HOST + ':0'], capture_output=True,
                       text=True, timeout=10, env=env())
    check(p.returncode == 2 and 'max-body-bytes' in p.stderr, 'bad flag: %d %r' % (p.returncode, p.stderr))


def test_search(d):
    r = get_json(d.port, search_path(QUERY))
    check(r['hits'], 'no hits')
    first = r['hits'][0]
    check(first['symbol'] == 'INF/MSME/R/35' and first['para'] == '2.5',
          'first hit is %s para %s' % (first['symbol'], first['para']))
    # the same schema and hits as the command line
    cli = run_cli('search', '--db', DB, '--json', QUERY)
    check(cli.returncode == 0, 'cli: %s' % cli.stderr)
    ref = json.loads(cli.stdout)
    check(set(ref) == set(r), 'keys differ: cli %s, daemon %s' % (sorted(ref), sorted(r)))
    check(set(ref['hits'][0]) == set(first), 'hit keys differ')
    check(hits_key(ref) == hits_key(r), 'hits differ from the CLI')


def test_with_curl(d):
    """The same answers through curl, the HTTP client people script with."""
    base = 'http://%s:%d' % (HOST, d.port)
    p = subprocess.run(['curl', '-sS', '--max-time', '20', '-w', '\n%{http_code}',
                        base + search_path(QUERY)], capture_output=True, text=True, timeout=30)
    body, _, code = p.stdout.rpartition('\n')
    check(p.returncode == 0 and code == '200', 'curl search: %d %s %s' % (p.returncode, code, p.stderr))
    r = json.loads(body or '{}')
    check(r.get('hits') and r['hits'][0]['para'] == '2.5', 'curl search: first hit')
    p = subprocess.run(['curl', '-sS', '--max-time', '20', '--data-binary', '@-', base + '/batch'],
                       input='cyber readiness\n(broken\n{"q": "member:Mexique", "limit": 1}\n',
                       capture_output=True, text=True, timeout=30)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    check(p.returncode == 0 and len(lines) == 3 and 'hits' in lines[0] and 'error' in lines[1]
          and 'hits' in lines[2], 'curl batch: %r' % p.stdout[:300])
    p = subprocess.run(['curl', '-sS', '--max-time', '20', '-o', '/dev/null', '-w', '%{http_code}',
                        base + '/no/such/path'], capture_output=True, text=True, timeout=30)
    check(p.stdout == '404', 'curl 404: %r' % p.stdout)


def test_search_options(d):
    r = get_json(d.port, search_path(QUERY, by='paragraph', limit=3, offset=1))
    check(r['by'] == 'paragraph' and r['offset'] == 1 and len(r['hits']) <= 3, 'paging: %r' % r['by'])
    check('matching_paragraphs' not in r['hits'][0], 'paragraph hits have matching_paragraphs')
    r = get_json(d.port, search_path('MSME', sort='newest', limit=5))
    dates = [h['date'] for h in r['hits'] if h['date']]
    check(dates == sorted(dates, reverse=True), 'not newest first: %r' % dates)
    r = get_json(d.port, search_path('MSME', facets=1, limit=1))
    check('facets' in r, 'no facets with facets=1')
    r = get_json(d.port, search_path('échanges', lang='fr', limit=1))
    check('hits' in r, 'lang=fr')
    r = get_json(d.port, search_path('MSME', limit=0))
    check(r['hits'] == [] and r['total'] > 0, 'limit=0')
    status, headers, body = request(d.port, 'HEAD', '/health')
    check(status == 200 and body == b'', 'HEAD /health: %d %r' % (status, body))


def test_bad_parameters(d):
    cases = [
        (search_path('MSME', limit=5000), 'limit'),
        (search_path('MSME', limit='ten'), 'limit'),
        (search_path('MSME', offset=-1), 'offset'),
        (search_path('MSME', by='chapter'), 'by'),
        (search_path('MSME', sort='random'), 'sort'),
        (search_path('MSME', lang='de'), 'lang'),
        (search_path('MSME', facets='maybe'), 'facets'),
        ('/search?limit=3', 'q'),
        ('/search?q=MSME&colour=red', 'colour'),
        ('/search?q=MSME&q=trade', 'q'),
        ('/search?q=%FF%FEtrade', 'q'),        # not UTF-8, percent-encoded
        ('/search?q=a%00b', 'q'),              # a NUL byte
    ]
    for path, name in cases:
        e = get_json(d.port, path, expect=400)
        check(e['status'] == 400 and name in e['error'], '%s: %r does not name %s' % (path, e, name))
    # a malformed query: the parser's message, as the CLI prints it
    e = get_json(d.port, search_path('(cyber readiness'), expect=400)
    cli = run_cli('search', '--db', DB, '(cyber readiness')
    check(cli.returncode == 2 and e['error'] in cli.stderr, 'parser message %r vs CLI %r' % (e, cli.stderr))
    e = get_json(d.port, search_path('member:Atlantis'), expect=400)
    check('Atlantis' in e['error'], 'unknown member: %r' % e)
    e = get_json(d.port, search_path('x' * 5000), expect=400)
    check('4096' in e['error'] or 'long' in e['error'], 'query length: %r' % e)


def test_doc(d):
    r = get_json(d.port, '/doc/' + urllib.parse.quote('INF/MSME/R/35', safe=''))
    check(r['documents'] and r['documents'][0]['symbol'] == 'INF/MSME/R/35', 'doc: %r' % r.get('key'))
    paras = [p['para'] for p in r['documents'][0]['paragraphs']]
    check('2.5' in paras, 'para 2.5 missing')
    path = r['documents'][0]['path']
    r2 = get_json(d.port, '/doc/' + urllib.parse.quote(path, safe=''))
    check(r2['documents'][0]['path'] == path, 'doc by path')
    e = get_json(d.port, '/doc/' + urllib.parse.quote('INF/MSME/R/999', safe=''), expect=404)
    check(e['status'] == 404 and e['error'], '404: %r' % e)
    e = get_json(d.port, '/doc/', expect=400)
    check(e['status'] == 400, 'empty key: %r' % e)


def test_batch(d):
    lines = [
        QUERY,
        '{"q": "low-value shipments", "limit": 2, "by": "paragraph"}',
        '{"q": "MSME", "limit": 5000}',
        '(unbalanced',
        '{"q": "cyber readiness", "sort": "newest"',
        '',
        'member:Mexique',
    ]
    status, headers, body = request(d.port, 'POST', '/batch', body='\n'.join(lines).encode() + b'\n',
                                    headers={'Content-Type': 'application/x-ndjson'})
    check(status == 200, 'status %d: %r' % (status, body[:300]))
    out = body.decode().split('\n')
    check(out[-1] == '' and len(out) - 1 == len(lines), '%d answer lines for %d' % (len(out) - 1, len(lines)))
    answers = [json.loads(x) for x in out[:-1]]
    check(answers[0]['hits'][0]['para'] == '2.5', 'line 1')
    check(answers[1]['by'] == 'paragraph' and len(answers[1]['hits']) <= 2, 'line 2 options')
    for n in (3, 4, 5, 6):
        a = answers[n - 1]
        check(a.get('line') == n and a.get('error'), 'line %d should be an error: %r' % (n, a))
    check('limit' in answers[2]['error'], 'line 3 names limit')
    check(answers[6]['query'] == 'member:Mexique' and answers[6]['hits'], 'line 7 after the errors')
    # the same query alone gives the same hits
    alone = get_json(d.port, search_path(QUERY))
    check(hits_key(alone) == hits_key(answers[0]), 'batch and search differ')
    # limits of a batch
    status, _, body = request(d.port, 'POST', '/batch', body=b'')
    check(status == 400, 'empty batch: %d' % status)
    status, _, body = request(d.port, 'GET', '/batch')
    check(status == 405, 'GET /batch: %d' % status)


def test_health_stats(d):
    check(get_json(d.port, '/health') == {'status': 'ok'}, '/health')
    s = get_json(d.port, '/stats')
    for key in ('uptime_seconds', 'queries', 'latency_ms', 'index'):
        check(key in s, '/stats has no %s' % key)
    check(s['queries'] >= 5, 'queries counted: %r' % s['queries'])
    lat = s['latency_ms']
    check(0 < lat['p50'] <= lat['p90'] <= lat['p99'], 'percentiles: %r' % lat)
    idx = s['index']
    check(idx['available'] and idx['documents'] == DOCS and idx['paragraphs'] > DOCS, 'index: %r' % idx)
    check(isinstance(idx['revision'], int) and idx['revision'] >= 1, 'revision: %r' % idx)
    check(isinstance(idx['updated'], int) and abs(idx['updated'] - time.time()) < 3600, 'updated: %r' % idx)


def cache_stats(port):
    return get_json(port, '/stats')['cache']


def test_cache(d):
    """A search asked again is answered from the cache, byte for byte; its
    options are part of what is kept; memory stays within cache-bytes,
    the oldest answers leaving; cache-bytes 0 keeps nothing."""
    q = 'small business finance cache-test'
    before = cache_stats(d.port)
    s1, _, first = request(d.port, 'GET', search_path(q))
    mid = cache_stats(d.port)
    s2, _, again = request(d.port, 'GET', search_path(q))
    after = cache_stats(d.port)
    check(s1 == 200 and s2 == 200, 'statuses %d %d' % (s1, s2))
    check(json.loads(first)['hits'], 'no hits for %r' % q)
    check(mid['misses'] == before['misses'] + 1 and mid['stored'] == before['stored'] + 1,
          'first ask: %r then %r' % (before, mid))
    check(after['hits'] == mid['hits'] + 1 and after['misses'] == mid['misses'], 'asked again: %r then %r' % (mid, after))
    check(again == first, 'the kept answer differs from the first')
    # another option, another answer: not the one kept for the first
    s3, _, three = request(d.port, 'GET', search_path(q, limit=3))
    check(s3 == 200 and len(json.loads(three)['hits']) == 3, 'limit=3: %d %r' % (s3, three[:200]))
    check(cache_stats(d.port)['misses'] == after['misses'] + 1, 'limit=3 was served from the cache')
    for extra in ({'by': 'paragraph'}, {'sort': 'newest'}, {'lang': 'fr'}, {'facets': '1'}, {'offset': '1'}):
        fresh = request(d.port, 'GET', search_path(q, **extra))[2]
        check(fresh != first, '%r answered as without it' % extra)
    # a small cache: bounded, least recently used out first
    small = 64 * 1024
    d2 = Daemon('--db', DB, '--threads', '2', '--cache-bytes', str(small))
    try:
        words = ['trade', 'finance', 'digital', 'MSME', 'exporters', 'women', 'payments', 'logistics']
        queries = ['%s %s' % (a, b) for a in words for b in words if a != b][:40]
        for qq in queries:  # two hits each: answers of a few kB, all kept
            check(request(d2.port, 'GET', search_path(qq, limit=2))[0] == 200, 'status for %r' % qq)
        c = cache_stats(d2.port)
        check(c['max_bytes'] == small and 0 < c['bytes'] <= small, 'cache bytes %r' % c)
        check(0 < c['entries'] < len(queries) and c['stored'] == len(queries), 'entries %r' % c)
        request(d2.port, 'GET', search_path(queries[-1], limit=2))
        request(d2.port, 'GET', search_path(queries[0], limit=2))
        c2 = cache_stats(d2.port)
        check(c2['hits'] == c['hits'] + 1 and c2['misses'] == c['misses'] + 1,
              'the newest answer is kept and the oldest gone: %r then %r' % (c, c2))
        # an answer asked for again and again stays, however old: least
        # recently used, not first in, leaves first
        kept = search_path(queries[-1], limit=2)
        for qq in queries:
            request(d2.port, 'GET', search_path(qq, limit=1))
            request(d2.port, 'GET', kept)
        c3 = cache_stats(d2.port)
        check(c3['hits'] - c2['hits'] == len(queries) and c3['misses'] - c2['misses'] == len(queries),
              'the answer in use was pushed out: %r then %r' % (c2, c3))
    finally:
        rc = d2.stop()
    check(rc == 0, 'small-cache daemon exit %r' % rc)
    d3 = Daemon('--db', DB, '--threads', '2', '--cache-bytes', '0')
    try:
        for _ in range(3):
            s, _, body = request(d3.port, 'GET', search_path(q))
            check(s == 200 and body == first, 'without a cache: %d, same answer %r' % (s, body == first))
        c = cache_stats(d3.port)
        check(c['hits'] == 0 and c['entries'] == 0 and c['bytes'] == 0, 'cache-bytes 0 kept something: %r' % c)
    finally:
        rc = d3.stop()
    check(rc == 0, 'cache-less daemon exit %r' % rc)


def test_errors_are_json(d):
    e = get_json(d.port, '/no/such/path', expect=404)
    check(e == {'error': e['error'], 'status': 404} and '/no/such/path' in e['error'], '404: %r' % e)
    status, headers, body = request(d.port, 'DELETE', '/search?q=x')
    check(status == 405 and 'GET' in headers.get('allow', ''), '405: %d %r' % (status, headers))
    check(json.loads(body)['status'] == 405, '405 body')


def test_malformed_requests(d):
    # garbage request line: 400, or the connection closed without an answer
    out = raw(d.port, b'\x16\x03\x01GARBAGE !!\r\n\r\n')
    check(out == b'' or status_of(out) == 400, 'garbage: %r' % out[:200])
    out = raw(d.port, b'GET\r\n\r\n')
    check(out == b'' or status_of(out) == 400, 'no path: %r' % out[:200])
    # headers larger than max-header-bytes (16k in the config): 431
    out = raw(d.port, b'GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ' + b'a' * 40000 + b'\r\n\r\n')
    check(status_of(out) == 431, 'big header: %r' % out[:200])
    # a request line larger than that: 414
    out = raw(d.port, b'GET /search?q=' + b'a' * 40000 + b' HTTP/1.1\r\nHost: x\r\n\r\n')
    check(status_of(out) == 414, 'long request line: %r' % out[:200])
    # a body over max-body-bytes (256k): 413 at once, from Content-Length
    out = raw(d.port, b'POST /batch HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n' + b'a' * 1000)
    check(status_of(out) == 413 and json_body(out)['status'] == 413, 'big body: %r' % out[:300])
    # ... and in chunks, without Content-Length
    chunk = b'%x\r\n%s\r\n' % (65536, b'a' * 65536)
    out = raw(d.port, b'POST /batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'
              + chunk * 6 + b'0\r\n\r\n')
    check(status_of(out) == 413, 'big chunked body: %r' % out[:300])
    # raw bytes that are not UTF-8 in the query string
    out = raw(d.port, b'GET /search?q=caf\xe9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    check(status_of(out) == 400 and 'q' in json_body(out)['error'], 'latin-1 query: %r' % out[:300])
    # the daemon is still fine
    check(get_json(d.port, '/health')['status'] == 'ok', 'health after malformed requests')


def clients_agree(port, clients, rounds, ref, key):
    """clients threads at once, each on a connection kept alive, asking the
    paths of ref in turn (client n from the n-th on) rounds times: every
    answer is a 200 whose key is ref's for its path."""
    paths = list(ref)
    errors = []

    def client(n):
        try:
            c = http.client.HTTPConnection(HOST, port, timeout=20)
            for i in range(rounds):
                path = paths[(n + i) % len(paths)]
                c.request('GET', path)
                r = c.getresponse()
                body = r.read()
                if r.status != 200 or key(json.loads(body)) != ref[path]:
                    errors.append('client %d: %s -> %d' % (n, path, r.status))
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append('client %d: %r' % (n, e))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    check(not any(t.is_alive() for t in threads), 'clients still running')
    check(not errors, '; '.join(errors[:5]))


def test_concurrent_clients(d):
    queries = [QUERY, 'cyber readiness', 'member:Mexique', 'low-value shipments', 'topic:finance']
    ref = {search_path(q): hits_key(get_json(d.port, search_path(q))) for q in queries}
    t0 = time.monotonic()
    clients_agree(d.port, 20, 5, ref, hits_key)
    check(time.monotonic() - t0 < 30, '100 queries took %.1f s' % (time.monotonic() - t0))


def test_busy_worker(d):
    """A long batch holds one worker; queries on the others are answered at once."""
    # each line a word of its own that matches nothing: no answer kept
    # for one line serves another
    body = ''.join(json.dumps({'q': 'msme* OR trade OR digital OR nowordq%d' % i, 'by': 'paragraph', 'limit': 100})
                   + '\n' for i in range(1000)).encode()
    res = {}

    def batch():
        t0 = time.monotonic()
        status, _, answer = request(d.port, 'POST', '/batch', body=body, timeout=30)
        res.update(status=status, answer=answer, took=time.monotonic() - t0)

    t = threading.Thread(target=batch)
    t.start()
    time.sleep(0.3)
    quick = []
    while t.is_alive() and len(quick) < 20:
        t0 = time.monotonic()
        get_json(d.port, search_path('cyber readiness', limit=1))
        quick.append(time.monotonic() - t0)
        time.sleep(0.05)
    t.join(timeout=30)
    check(res.get('status') == 200, 'batch: %r' % res.get('status'))
    answers = [json.loads(x) for x in res['answer'].decode().splitlines()]
    check(len(answers) == 1000, '%d answer lines' % len(answers))
    cut = [a for a in answers if a.get('status') == 503 and 'batch-time-limit' in a.get('error', '')]
    check(cut and answers[0].get('hits'), 'batch-time-limit never reached, or no line ran')
    check(res['took'] < BATCH_TIME_LIMIT + 3, 'the batch took %.1f s' % res['took'])
    check(len(quick) >= 3, 'only %d queries while the batch ran' % len(quick))
    check(max(quick) < 1.0, 'queries took up to %.2f s while the batch ran' % max(quick))


def test_slow_client(d):
    """One byte a second: cut after request-timeout, while others are served."""
    result = {}

    def slowloris():
        s = socket.create_connection((HOST, d.port), timeout=2)
        req = b'GET /search?q=trade HTTP/1.1\r\nHost: x\r\n' + b'X-Slow: ' + b'a' * 40 + b'\r\n\r\n'
        t0 = time.monotonic()
        got = b''
        try:
            for i in range(len(req)):           # bounded: at most ~len(req) s, cut long before
                if time.monotonic() - t0 > REQUEST_TIMEOUT + 8:
                    break
                try:
                    s.send(req[i:i + 1])
                except OSError:
                    result['closed'] = True
                    break
                s.settimeout(1.0)
                try:
                    chunk = s.recv(4096)
                    got += chunk
                    if not chunk:
                        result['closed'] = True
                        break
                except socket.timeout:
                    pass
                except OSError:
                    result['closed'] = True
                    break
        finally:
            s.close()
        result['after'] = time.monotonic() - t0
        result['got'] = got

    t = threading.Thread(target=slowloris)
    t.start()
    served = 0
    t_end = time.monotonic() + REQUEST_TIMEOUT + 10
    while t.is_alive() and time.monotonic() < t_end:
        t0 = time.monotonic()
        get_json(d.port, search_path('cyber readiness', limit=1))
        check(time.monotonic() - t0 < 2, 'a query took %.1f s while a slow client trickled' % (time.monotonic() - t0))
        served += 1
        time.sleep(0.2)
    t.join(timeout=15)
    check(served >= 3, 'only %d queries served meanwhile' % served)
    check(result.get('closed') or result.get('got'), 'slow client never cut: %r' % result)
    if result.get('got'):
        check(status_of(result['got']) == 408, 'slow client got %r' % result['got'][:200])
    check(result['after'] < REQUEST_TIMEOUT + 3, 'cut only after %.1f s' % result['after'])


def test_live_reload(d):
    """A file indexed while queries run is found within 1 s of the index command's exit."""
    word = 'quorblefrax'
    newdir = os.path.join(SCRATCH, 'new')
    os.makedirs(newdir, exist_ok=True)
    with open(os.path.join(newdir, 'reload-test.txt'), 'w') as f:
        f.write('1. The Informal Working Group on MSMEs discussed the %s initiative for small '
                'businesses and its effect on trade finance in developing members.\n' % word)
    before = get_json(d.port, '/stats')['index']
    found_at = []
    statuses = []
    stop = threading.Event()

    def poll():
        deadline = time.monotonic() + 30
        while not stop.is_set() and time.monotonic() < deadline:
            status, _, body = request(d.port, 'GET', search_path(word))
            statuses.append(status)
            if status == 200 and json.loads(body)['hits']:
                found_at.append(time.monotonic())
                return
            time.sleep(0.02)

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.2)
    check(not found_at, 'found before it was indexed')
    p = run_cli('index', '--db', DB, newdir)
    exited = time.monotonic()
    t.join(timeout=5)
    stop.set()
    t.join(timeout=5)
    check(p.returncode == 0, 'index: %s %s' % (p.stdout, p.stderr))
    check(all(s == 200 for s in statuses), 'statuses during the update: %r' % sorted(set(statuses)))
    check(found_at, 'the new document was never found')
    check(found_at[0] - exited <= 1.0, 'found %.2f s after the index command' % (found_at[0] - exited))
    after = get_json(d.port, '/stats')['index']
    check(after['revision'] > before['revision'] and after['documents'] == before['documents'] + 1,
          'stats before %r after %r' % (before, after))
    # a compacting run swaps in new shard directories: served without a gap
    word2 = 'zwindlequast'
    with open(os.path.join(newdir, 'reload-test-2.txt'), 'w') as f:
        f.write('1. The Group also looked at the %s scheme for small firms.\n' % word2)
    statuses2 = []
    p = run_cli('index', '--db', DB, '--compact', newdir)
    check(p.returncode == 0 and 'compacted' in p.stdout, 'index --compact: %s %s' % (p.stdout, p.stderr))
    deadline = time.monotonic() + 2
    hits = []
    while time.monotonic() < deadline and not hits:
        status, _, body = request(d.port, 'GET', search_path(word2))
        statuses2.append(status)
        hits = json.loads(body)['hits'] if status == 200 else []
        time.sleep(0.02)
    check(all(s == 200 for s in statuses2), 'statuses after compaction: %r' % sorted(set(statuses2)))
    check(hits, 'the document indexed with --compact was not found within 2 s')
    # every worker moves to the new shards within its reload interval
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        status, _, body = request(d.port, 'GET', search_path(word))
        check(status == 200, 'status %d after compaction' % status)
        time.sleep(0.02)
    for _ in range(8):
        status, _, body = request(d.port, 'GET', search_path(word))
        check(status == 200 and json.loads(body)['hits'],
              'the earlier document was lost after compaction: %d %s' % (status, body[:300]))
    last = get_json(d.port, '/stats')['index']
    check(last['revision'] > after['revision'] and last['documents'] == after['documents'] + 1,
          'stats before %r after compaction %r' % (after, last))
    # a changed file: its earlier version is no longer served (hidden, the
    # index keeping no term lists), its new one is, and the count stays
    word3 = 'plimsoval'
    with open(os.path.join(newdir, 'reload-test.txt'), 'w') as f:
        f.write('1. The Group turned to the %s programme instead.\n' % word3)
    p = run_cli('index', '--db', DB, newdir)
    check(p.returncode == 0 and p.stdout.startswith('indexed 1 document'), 'index: %s %s' % (p.stdout, p.stderr))
    exited = time.monotonic()
    old_hits = new_hits = None
    while time.monotonic() < exited + 1.0 and (old_hits or not new_hits):
        old_hits = json.loads(request(d.port, 'GET', search_path(word))[2])['hits']
        new_hits = json.loads(request(d.port, 'GET', search_path(word3))[2])['hits']
        time.sleep(0.02)
    check(new_hits and not old_hits, 'after a change: old version %r, new one %r' % (old_hits, new_hits))
    changed = get_json(d.port, '/stats')['index']
    check(changed['documents'] == last['documents'] and changed['hidden'] == last['hidden'] + 1,
          'stats before %r after a change %r' % (last, changed))


def test_missing_index(d):
    """Started without an index: 503 until one appears, then answers."""
    later = os.path.join(SCRATCH, 'later-index')
    d2 = Daemon('--db', later, '--threads', '2')
    try:
        e = get_json(d2.port, search_path('MSME'), expect=503)
        check(e['status'] == 503 and 'index' in e['error'], '503: %r' % e)
        check(get_json(d2.port, '/health')['status'] == 'ok', 'health without index')
        check(get_json(d2.port, '/stats')['index']['available'] is False, 'stats without index')
        p = run_cli('index', '--db', later, SAMPLE)
        check(p.returncode == 0, 'index: %s' % p.stderr)
        done = time.monotonic()
        status = None
        while time.monotonic() - done < 3:
            status, _, body = request(d2.port, 'GET', search_path('MSME'))
            if status == 200:
                break
            time.sleep(0.05)
        check(status == 200, 'still %s after the index appeared' % status)
        check(time.monotonic() - done <= 1.5, 'served %.2f s after' % (time.monotonic() - done))
    finally:
        rc = d2.stop()
    check(rc == 0, 'second daemon exit %r' % rc)
    err = d2.stderr()
    check(not any(m in err for m in CRASH_MARKS), 'second daemon stderr:\n' + err[-3000:])


def test_packed_records_threads(d):
    """Records packed with each shard's dictionary, read by many threads at once, without the cache:
    every answer as one client alone gets it, and the daemon stays clean"""
    corpus = os.path.join(SCRATCH, 'many')
    db = os.path.join(SCRATCH, 'many-index')
    write_notes(corpus, 1200)
    p = run_cli('index', '--db', db, '--shards', '2', corpus)
    check(p.returncode == 0, 'index: %s' % p.stderr)
    p = run_cli('check', '--db', db)
    check(p.returncode == 0 and 'dictionaries the records are packed with: 2\n' in p.stdout, p.stdout)
    queries = ['zq%dx' % i for i in range(0, 1200, 97)] + ['green growth', 'member:kenya e-commerce']
    d2 = Daemon('--db', db, '--threads', '4', '--cache-bytes', '0')
    try:
        def answer(r):
            return r['total'], [(h['path'], h['para'], h['snippet']) for h in r['hits']]
        paths = [search_path(q, limit=20) for q in queries]
        ref = {p: answer(get_json(d2.port, p)) for p in paths}
        check(all(ref[p][0] > 0 for p in paths), 'a query found nothing: %r' % ref)
        clients_agree(d2.port, 12, len(paths), ref, answer)
    finally:
        rc = d2.stop()
    check(rc == 0, 'daemon exit %r' % rc)
    err = d2.stderr()
    check(not any(m in err for m in CRASH_MARKS), 'daemon stderr:\n' + err[-3000:])


def test_sigterm_in_flight(d):
    """SIGTERM while a request is in flight: it completes, new ones are refused, exit 0."""
    body = ('\n'.join([QUERY, 'cyber readiness', 'member:Mexique']) + '\n').encode()
    head = (b'POST /batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n'
            b'Connection: close\r\nContent-Length: %d\r\n\r\n' % len(body))
    kept = http.client.HTTPConnection(HOST, d.port, timeout=10)   # a kept-alive connection
    kept.request('GET', '/health')
    check(kept.getresponse().read() == b'{"status":"ok"}\n', 'health before SIGTERM')
    s = socket.create_connection((HOST, d.port), timeout=15)
    try:
        s.sendall(head + body[:10])
        time.sleep(0.5)
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        check(d.proc.poll() is None, 'exited with a request in flight')
        # a connection kept alive is answered once more, then closed
        kept.request('GET', '/health')
        r = kept.getresponse()
        check(r.status == 200 and r.getheader('connection', '').lower() == 'close',
              'kept-alive connection after SIGTERM: %d %r' % (r.status, r.getheaders()))
        r.read()
        kept.close()
        refused = False
        try:
            c = socket.create_connection((HOST, d.port), timeout=2)
            c.sendall(b'GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
            refused = c.recv(100) == b''
            c.close()
        except OSError:
            refused = True
        check(refused, 'a new connection was served after SIGTERM')
        s.sendall(body[10:])
        out = b''
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    check(status_of(out) == 200, 'in-flight request: %r' % out[:300])
    lines = out.split(b'\r\n\r\n', 1)[1].decode().strip().split('\n')
    check(len(lines) == 3 and json.loads(lines[0])['hits'][0]['para'] == '2.5', 'batch answer: %r' % lines)
    try:
        rc = d.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        raise AssertionError('did not exit after SIGTERM')
    check(rc == 0, 'exit status %d' % rc)


TESTS = [test_help, test_config_errors, test_search, test_with_curl, test_search_options, test_bad_parameters, test_doc,
         test_batch, test_health_stats, test_cache, test_errors_are_json, test_malformed_requests,
         test_concurrent_clients, test_busy_worker, test_slow_client, test_live_reload, test_missing_index,
         test_packed_records_threads, test_sigterm_in_flight]

DB = None
DOCS = None


def main():
    global WTOSEARCH, WTOSEARCHD, REAL, SAMPLE, SCRATCH, DB, DOCS
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    WTOSEARCH, WTOSEARCHD, REAL, SAMPLE = (os.path.abspath(a) for a in sys.argv[1:])
    SCRATCH = tempfile.mkdtemp(prefix='wtosearchd-test-')
    passed = failed = 0
    d = None
    t_start = time.monotonic()
    try:
        os.makedirs(os.path.join(SCRATCH, 'home'))
        DB = os.path.join(SCRATCH, 'index')
        p = run_cli('index', '--db', DB, REAL, SAMPLE)
        if p.returncode != 0:
            print('FAIL setup: wtosearch index: %s %s' % (p.stdout, p.stderr))
            print('0 passed, 1 failed')
            return 1
        import re
        DOCS = int(re.search(r'indexed (\d+) documents?', p.stdout + p.stderr).group(1))
        conf = os.path.join(SCRATCH, 'wtosearchd.conf')
        with open(conf, 'w') as f:
            f.write('# wtosearchd settings for the daemon test\n'
                    'threads = 4\n'
                    'request-timeout = %d   # seconds\n'
                    'max-body-bytes = 256k\n'
                    'max-header-bytes = 16k\n'
                    'batch-time-limit = %d\n'
                    '# room for all of busy_worker\'s answers (64 KB a line): its\n'
                    '# batch is to be cut by the time limit, not by its size\n'
                    'max-batch-answer-bytes = 1024M\n'
                    'shutdown-timeout = 15\n' % (REQUEST_TIMEOUT, BATCH_TIME_LIMIT))
        d = Daemon('--config', conf, '--db', DB)
        p, f = daemon_harness.run_tests(d, TESTS, lambda test: test(d),
                                        needs_daemon=lambda test: test is not test_help, width=20)
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
