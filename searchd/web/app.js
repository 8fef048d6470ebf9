/* wtosearch: the web page of wtosearchd.
 *
 * Plain JavaScript, no framework, nothing from another origin.  It reads
 * the daemon's JSON (/search, /doc/KEY, /stats) and builds the page with
 * DOM calls only: every piece of document text goes in through
 * createTextNode / textContent, never through innerHTML, so a document
 * holding markup shows it as text.  The page is served with
 * Content-Security-Policy: default-src 'self', which refuses inline
 * script even if some were injected.
 *
 * The state (query, grouping, order, language, page, open document) lives
 * in the URL: /?q=...&by=paragraph&sort=newest&lang=fr&page=2, and
 * /?doc=INF/MSME/R/35&para=2.5 for a document; every change is a history
 * entry, so a view can be shared and the back button works.
 */
'use strict';

(function () {

const PAGE_SIZE = 10;
const OPEN = '\u27E6', CLOSE = '\u27E7'; /* ⟦ ⟧ around matched words in snippets */
const FACETS = [
  ['year', 'Year'], ['member', 'Member'], ['topic', 'Topic'], ['lang', 'Language'], ['type', 'Document type'],
];
const FACET_SHOWN = 10;      /* entries shown before "more" */
const LANGS = {en: 'English', fr: 'Français', es: 'Español'};
const TYPES = {
  R: 'reports', W: 'working papers', CN: 'convening notices', P: 'submissions',
  COM: 'communications', INF: 'information notes', M: 'minutes', N: 'notes',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];
const SVG = 'http://www.w3.org/2000/svg';

/* English names of corpus/members.tsv and corpus/topics.tsv (ids unknown
 * here are shown as they are). */
const MEMBERS = {
  afg: "Afghanistan", alb: "Albania", ago: "Angola", atg: "Antigua and Barbuda", arg: "Argentina",
  arm: "Armenia", aus: "Australia", aut: "Austria", bhr: "Bahrain, Kingdom of", bgd: "Bangladesh",
  brb: "Barbados", bel: "Belgium", blz: "Belize", ben: "Benin",
  bol: "Bolivia, Plurinational State of", bwa: "Botswana", bra: "Brazil", brn: "Brunei Darussalam",
  bgr: "Bulgaria", bfa: "Burkina Faso", bdi: "Burundi", cpv: "Cabo Verde", khm: "Cambodia",
  cmr: "Cameroon", can: "Canada", caf: "Central African Republic", tcd: "Chad", chl: "Chile",
  chn: "China", twn: "Chinese Taipei", col: "Colombia", com: "Comoros", cog: "Congo",
  cri: "Costa Rica", civ: "Côte d'Ivoire", hrv: "Croatia", cub: "Cuba", cyp: "Cyprus",
  cze: "Czech Republic", cod: "Democratic Republic of the Congo", dnk: "Denmark", dji: "Djibouti",
  dma: "Dominica", dom: "Dominican Republic", ecu: "Ecuador", egy: "Egypt", slv: "El Salvador",
  est: "Estonia", swz: "Eswatini", eu: "European Union", fji: "Fiji", fin: "Finland",
  fra: "France", gab: "Gabon", geo: "Georgia", deu: "Germany", gha: "Ghana", grc: "Greece",
  grd: "Grenada", gtm: "Guatemala", gin: "Guinea", gnb: "Guinea-Bissau", guy: "Guyana",
  hti: "Haiti", hnd: "Honduras", hkg: "Hong Kong, China", hun: "Hungary", isl: "Iceland",
  ind: "India", idn: "Indonesia", irl: "Ireland", isr: "Israel", ita: "Italy", jam: "Jamaica",
  jpn: "Japan", jor: "Jordan", kaz: "Kazakhstan", ken: "Kenya", kor: "Korea, Republic of",
  kwt: "Kuwait, the State of", kgz: "Kyrgyz Republic", lao: "Lao People's Democratic Republic",
  lva: "Latvia", lso: "Lesotho", lbr: "Liberia", lie: "Liechtenstein", ltu: "Lithuania",
  lux: "Luxembourg", mac: "Macao, China", mdg: "Madagascar", mwi: "Malawi", mys: "Malaysia",
  mdv: "Maldives", mli: "Mali", mlt: "Malta", mrt: "Mauritania", mus: "Mauritius", mex: "Mexico",
  mda: "Moldova, Republic of", mng: "Mongolia", mne: "Montenegro", mar: "Morocco",
  moz: "Mozambique", mmr: "Myanmar", nam: "Namibia", npl: "Nepal", nld: "Netherlands",
  nzl: "New Zealand", nic: "Nicaragua", ner: "Niger", nga: "Nigeria", mkd: "North Macedonia",
  nor: "Norway", omn: "Oman", pak: "Pakistan", pan: "Panama", png: "Papua New Guinea",
  pry: "Paraguay", per: "Peru", phl: "Philippines", pol: "Poland", prt: "Portugal", qat: "Qatar",
  rou: "Romania", rus: "Russian Federation", rwa: "Rwanda", kna: "Saint Kitts and Nevis",
  lca: "Saint Lucia", vct: "Saint Vincent and the Grenadines", wsm: "Samoa",
  sau: "Saudi Arabia, Kingdom of", sen: "Senegal", syc: "Seychelles", sle: "Sierra Leone",
  sgp: "Singapore", svk: "Slovak Republic", svn: "Slovenia", slb: "Solomon Islands",
  zaf: "South Africa", esp: "Spain", lka: "Sri Lanka", sur: "Suriname", swe: "Sweden",
  che: "Switzerland", tjk: "Tajikistan", tza: "Tanzania", tha: "Thailand", gmb: "The Gambia",
  tls: "Timor-Leste", tgo: "Togo", ton: "Tonga", tto: "Trinidad and Tobago", tun: "Tunisia",
  tur: "Türkiye", uga: "Uganda", ukr: "Ukraine", are: "United Arab Emirates",
  gbr: "United Kingdom", usa: "United States", ury: "Uruguay", vut: "Vanuatu",
  ven: "Venezuela, Bolivarian Republic of", vnm: "Viet Nam", yem: "Yemen", zmb: "Zambia",
  zwe: "Zimbabwe"
};
const TOPICS = {
  finance: "Access to finance", payments: "Cross-border payments",
  lei: "Legal Entity Identifier (LEI)", facilitation: "Trade facilitation (TFA)",
  aeo: "Authorized economic operators (AEO)", lvs: "Low-value shipments",
  ecommerce: "E-commerce and digitalization",
  paperless: "Paperless trade and electronic trade documents",
  logistics: "Logistics, transport and supply chains", cyber: "Cyber readiness and cybersecurity",
  gender: "Women and gender", green: "Sustainability and green economy",
  rta: "Regional trade agreements (RTAs)", tpr: "Trade Policy Reviews (TPR)",
  grp: "Good regulatory practices (GRP)", idb: "Integrated Database (tariffs and import data)",
  gth: "Global Trade Helpdesk and access to information", ip: "Intellectual property",
  informality: "Informality", "msme-package": "December 2020 MSME package",
  standards: "Standards and technical regulations (TBT)",
  sps: "Sanitary and phytosanitary measures (SPS)", origin: "Rules of origin",
  "capacity-building": "Capacity building and technical assistance",
  "data-statistics": "Data and statistics on MSMEs", covid: "COVID-19 and crises",
  procurement: "Government procurement", tourism: "Tourism", rural: "Rural MSMEs and agriculture",
  trade4msmes: "Trade4MSMEs platform and network",
  "private-sector": "Private sector dialogue and Small Business Champions",
  ministerial: "Ministerial Conferences and declarations",
  ntm: "Non-tariff measures and market access", ldc: "LDCs and vulnerable economies",
  inclusion: "Inclusive trade (indigenous peoples, youth)", services: "Trade in services (GATS)"
};

/* ------------------------------------------------------------------ */
/* Building elements                                                   */

/* el('a', {href: '/x', class: 'y'}, 'text', child, ...): strings become
 * text nodes; attributes are set with setAttribute (no event handlers in
 * attributes: the policy refuses them anyway). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number'
                            ? document.createTextNode(String(c)) : c);
  }
  return parent;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function $(id) {
  return document.getElementById(id);
}

/* A snippet: text with matched words between ⟦ and ⟧, as text nodes and
 * <mark> elements.  An unbalanced marker is dropped, never shown. */
function marked(snippet) {
  const frag = document.createDocumentFragment();
  let inside = false;
  for (const part of String(snippet).split(/([\u27E6\u27E7])/)) {
    if (part === OPEN) inside = true;
    else if (part === CLOSE) inside = false;
    else if (part) frag.appendChild(inside ? el('mark', null, part) : document.createTextNode(part));
  }
  return frag;
}

/* ------------------------------------------------------------------ */
/* Words                                                               */

function plural(n, one, many) {
  return n.toLocaleString('en') + ' ' + (n === 1 ? one : many);
}

/* 2023-03-15 → 15 March 2023; 2023-03 → March 2023; 2023 → 2023. */
function formatDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(iso);
  if (!m) return iso;
  const month = m[2] ? MONTHS[Number(m[2]) - 1] : null;
  if (!month) return m[1];
  return (m[3] ? Number(m[3]) + ' ' : '') + month + ' ' + m[1];
}

function baseName(path) {
  const s = String(path || '');
  return s.slice(s.lastIndexOf('/') + 1) || s;
}

/* How a document is named: its symbols, else its file name. */
function docName(d) {
  if (d.symbols && d.symbols.length) return d.symbols.join(' · ');
  return d.symbol || baseName(d.path);
}

function docKey(d) {
  return d.symbol || d.path;
}

function facetLabel(field, value) {
  switch (field) {
  case 'member': return MEMBERS[value] || value.toUpperCase();
  case 'topic': return TOPICS[value] || value;
  case 'lang': return LANGS[value] || value;
  case 'type': return TYPES[value] ? value + ' · ' + TYPES[value] : value;
  default: return value;
  }
}

/* The query term of a facet entry. */
function facetTerm(field, value) {
  if (field === 'year') return 'date:' + value;
  const v = /[\s"()]/.test(value) ? '"' + value.replace(/"/g, '') + '"' : value;
  return field + ':' + v;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function termRegExp(term) {
  return new RegExp('(^|\\s)' + escapeRegExp(term) + '(?=\\s|$)', 'i');
}

function hasTerm(q, term) {
  return termRegExp(term).test(q);
}

/* q with term added, or taken out when it is there already.  A query with
 * a top-level OR is bracketed first: the filter must apply to all of it. */
function toggleTerm(q, term) {
  q = (q || '').trim();
  if (hasTerm(q, term)) return q.replace(termRegExp(term), '$1').replace(/\s+/g, ' ').trim();
  if (!q) return term;
  if (/(^|\s)OR(\s|$)/.test(q) && !/^\(.*\)$/.test(q)) q = '(' + q + ')';
  return q + ' ' + term;
}

/* ------------------------------------------------------------------ */
/* State: the URL                                                      */

const DEFAULTS = {q: '', by: 'document', sort: 'relevance', lang: '', page: 1, doc: '', para: ''};

function readState() {
  const p = new URLSearchParams(location.search);
  const s = Object.assign({}, DEFAULTS);
  for (const k of Object.keys(DEFAULTS)) if (p.has(k)) s[k] = p.get(k);
  if (!['document', 'paragraph'].includes(s.by)) s.by = DEFAULTS.by;
  if (!['relevance', 'newest', 'oldest'].includes(s.sort)) s.sort = DEFAULTS.sort;
  if (!['', 'en', 'fr', 'es'].includes(s.lang)) s.lang = '';
  s.page = Math.max(1, Math.min(100000, parseInt(s.page, 10) || 1));
  return s;
}

/* The URL of a state: only what differs from the defaults. */
function urlOf(s) {
  const p = new URLSearchParams();
  for (const k of ['q', 'by', 'sort', 'lang', 'page', 'doc', 'para']) {
    const v = s[k];
    if (v !== undefined && v !== null && v !== '' && String(v) !== String(DEFAULTS[k])) p.set(k, String(v));
  }
  const qs = p.toString();
  return '/' + (qs ? '?' + qs : '');
}

/* A state derived from the current one: a new search drops the page and
 * the open document unless given. */
function withState(changes) {
  const s = Object.assign(readState(), {page: 1, doc: '', para: ''}, changes);
  return s;
}

function go(s) {
  const url = urlOf(s);
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  window.scrollTo(0, 0);
  render();
}

/* An <a> that moves to another state of the page. */
function navLink(s, attrs, ...children) {
  return el('a', Object.assign({href: urlOf(s), 'data-nav': ''}, attrs || {}), ...children);
}

function docLink(key, para, attrs, ...children) {
  const cur = readState();
  return navLink(Object.assign({}, cur, {doc: key, para: para || '', page: cur.page}), attrs, ...children);
}

/* ------------------------------------------------------------------ */
/* The daemon                                                          */

let generation = 0; /* answers to superseded requests are dropped */

async function api(path) {
  let r;
  try {
    r = await fetch(path, {headers: {Accept: 'application/json'}, credentials: 'same-origin'});
  } catch (e) {
    return {ok: false, status: 0, body: {error: 'the search daemon cannot be reached'}};
  }
  let body = null;
  try {
    body = await r.json();
  } catch (e) {
    body = {error: 'the daemon answered ' + r.status + ' ' + r.statusText};
  }
  return {ok: r.ok, status: r.status, body: body || {}};
}

function setStatus(text, isError) {
  const s = $('status');
  clear(s);
  s.className = 'status' + (isError ? ' error' : '');
  if (text) append(s, [text]);
}

function show(view) {
  $('intro').hidden = view !== 'intro';
  $('results-view').hidden = view !== 'results';
  $('doc-view').hidden = view !== 'doc';
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

function render() {
  const s = readState();
  const g = ++generation;
  $('q').value = s.q;
  $('by').value = s.by;
  $('sort').value = s.sort;
  $('lang').value = s.lang;
  if (s.doc) return renderDoc(s, g);
  if (s.q.trim()) return renderSearch(s, g);
  document.title = 'wtosearch';
  setStatus('');
  show('intro');
  renderIntro(g);
}

async function renderIntro(g) {
  const r = await api('/stats');
  if (g !== generation || !r.ok) return;
  const ix = r.body.index || {};
  const p = clear($('intro-stats'));
  if (ix.available && typeof ix.paragraphs === 'number') {
    append(p, [typeof ix.documents === 'number' ? plural(ix.documents, 'document', 'documents') + ', ' : '',
               plural(ix.paragraphs, 'paragraph', 'paragraphs') + ' indexed.']);
  } else if (ix.error) {
    append(p, ['No index yet: ' + ix.error]);
  }
}

async function renderSearch(s, g) {
  document.title = s.q + ' – wtosearch';
  setStatus('Searching…');
  const p = new URLSearchParams({
    q: s.q, by: s.by, sort: s.sort, facets: '1',
    limit: String(PAGE_SIZE), offset: String((s.page - 1) * PAGE_SIZE),
  });
  if (s.lang) p.set('lang', s.lang);
  const r = await api('/search?' + p.toString());
  if (g !== generation) return;
  show('results');
  if (!r.ok) {
    setStatus(r.body.error || 'the search failed (' + r.status + ')', true);
    clear($('hits'));
    clear($('pager'));
    clear($('facets'));
    $('timeline').hidden = true;
    renderSuggestion(null, s);
    return;
  }
  const res = r.body;
  const hits = res.hits || [];
  const unit = res.by === 'paragraph' ? ['paragraph', 'paragraphs'] : ['document', 'documents'];
  const total = res.total || 0;
  if (!total) {
    setStatus('Nothing matches ' + s.q + '.');
  } else {
    const first = (res.offset || 0) + 1;
    setStatus((res.total_exact === false ? 'about ' : '') + plural(total, unit[0], unit[1]) + (hits.length
      ? ' · ' + first + (hits.length > 1 ? '–' + (first + hits.length - 1) : '') + ' shown' : ''));
  }
  renderSuggestion(res.suggestion, s);
  renderFacets(res.facets || {}, s);
  renderTimeline((res.facets || {}).year || [], s);
  renderHits(hits, res, s);
  renderPager(total, s);
}

function renderSuggestion(suggestion, s) {
  const p = clear($('suggestion'));
  if (!suggestion || suggestion === s.q) {
    p.hidden = true;
    return;
  }
  p.hidden = false;
  append(p, ['Did you mean ', navLink(withState({q: suggestion}), {class: 'suggested'}, suggestion), '?']);
}

function renderHits(hits, res, s) {
  const list = clear($('hits'));
  list.setAttribute('start', String((res.offset || 0) + 1));
  for (const h of hits) {
    const key = docKey(h);
    const head = el('div', {class: 'hit-head'},
      docLink(key, h.para, {class: 'hit-doc'}, docName(h)),
      h.para ? docLink(key, h.para, {class: 'hit-para', title: 'paragraph ' + h.para}, '¶' + h.para) : null,
      h.kind && h.kind !== 'body' ? el('span', {class: 'tag kind'}, h.kind) : null,
      h.date ? el('time', {class: 'hit-date', datetime: h.date}, formatDate(h.date)) : null,
      el('span', {class: 'langs'},
        (h.languages && h.languages.length ? h.languages : (h.lang ? [h.lang] : []))
          .map((l) => el('span', {class: 'tag lang', title: LANGS[l] || l}, l.toUpperCase()))));
    const li = el('li', {class: 'hit'}, head);
    if (h.title) li.appendChild(el('div', {class: 'hit-title'}, h.title));
    li.appendChild(el('p', {class: 'snippet'}, marked(h.snippet || h.text || '')));
    const foot = el('div', {class: 'hit-foot'});
    if (typeof h.matching_paragraphs === 'number') {
      const n = plural(h.matching_paragraphs, 'matching paragraph', 'matching paragraphs');
      foot.appendChild(h.symbol && h.matching_paragraphs > 1
        ? navLink(withState({q: toggleTerm(s.q, 'symbol:' + h.symbol), by: 'paragraph'}),
                  {class: 'matching', title: 'every matching paragraph of ' + h.symbol}, n)
        : el('span', {class: 'matching'}, n));
    }
    for (const t of (h.topics || []).slice(0, 6)) {
      foot.appendChild(navLink(withState({q: toggleTerm(s.q, 'topic:' + t)}),
                               {class: 'tag topic', title: 'topic:' + t}, TOPICS[t] || t));
    }
    if (foot.firstChild) li.appendChild(foot);
    list.appendChild(li);
  }
}

function renderPager(total, s) {
  const nav = clear($('pager'));
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(1000000 / PAGE_SIZE) + 1);
  if (pages <= 1 && s.page <= 1) return;
  const page = s.page;
  const link = (n, text, cls) => n === page
    ? el('span', {class: 'page current', 'aria-current': 'page'}, text)
    : navLink(Object.assign({}, s, {page: n}), {class: 'page' + (cls ? ' ' + cls : '')}, text);
  if (page > 1) nav.appendChild(link(page - 1, '← previous', 'prev'));
  const from = Math.max(1, page - 3), to = Math.min(pages, page + 3);
  if (from > 1) append(nav, [link(1, '1'), from > 2 ? el('span', {class: 'gap'}, '…') : null]);
  for (let n = from; n <= to; n++) nav.appendChild(link(n, String(n)));
  if (to < pages) append(nav, [to < pages - 1 ? el('span', {class: 'gap'}, '…') : null, link(pages, String(pages))]);
  if (page < pages) nav.appendChild(link(page + 1, 'next →', 'next'));
}

function renderFacets(facets, s) {
  const aside = clear($('facets'));
  for (const [field, title] of FACETS) {
    let entries = facets[field] || [];
    if (!entries.length) continue;
    if (field === 'year') entries = entries.slice().sort((a, b) => String(b.value).localeCompare(String(a.value)));
    const box = el('section', {class: 'facet', 'data-facet': field}, el('h2', null, title));
    const list = el('ul');
    const more = el('ul');
    entries.forEach((f, i) => {
      const value = String(f.value);
      const term = facetTerm(field, value);
      const active = hasTerm(s.q, term);
      const a = navLink(withState({q: toggleTerm(s.q, term), by: s.by, sort: s.sort, lang: s.lang}),
        {class: 'facet-entry' + (active ? ' active' : ''),
         title: facetLabel(field, value) + ' — ' + (active ? 'remove ' : 'add ') + term,
         'data-term': term},
        el('span', {class: 'facet-name'}, facetLabel(field, value)),
        el('span', {class: 'count'}, Number(f.count).toLocaleString('en')));
      (i < FACET_SHOWN || active ? list : more).appendChild(el('li', null, a));
    });
    box.appendChild(list);
    if (more.firstChild) {
      box.appendChild(el('details', null, el('summary', null, plural(more.childNodes.length, 'more', 'more')), more));
    }
    aside.appendChild(box);
  }
}

/* The year facet as bars: matching paragraphs per year, one bar per year
 * of the facet, on an axis without holes (years with none stay empty). */
function renderTimeline(years, s) {
  const fig = $('timeline');
  const box = clear($('timeline-chart'));
  const data = years.filter((y) => /^\d{4}$/.test(String(y.value)))
    .map((y) => ({year: Number(y.value), count: Number(y.count) || 0}))
    .sort((a, b) => a.year - b.year);
  if (!data.length) {
    fig.hidden = true;
    return;
  }
  fig.hidden = false;
  const lo = data[0].year, hi = data[data.length - 1].year;
  const axis = hi - lo < 60 ? Array.from({length: hi - lo + 1}, (_, i) => lo + i) : data.map((d) => d.year);
  const byYear = new Map(data.map((d) => [d.year, d.count]));
  const max = Math.max(...data.map((d) => d.count), 1);
  const slot = Math.max(36, Math.min(96, Math.floor(840 / axis.length)));
  const barW = Math.round(slot * 0.62), plotH = 110, top = 18, bottom = 22;
  const width = Math.max(axis.length * slot, 240), height = top + plotH + bottom;
  const chart = svg('svg', {class: 'chart', viewBox: '0 0 ' + width + ' ' + height, width: width, height: height,
                            role: 'img', 'aria-label': 'matching paragraphs per year'});
  chart.appendChild(svg('line', {class: 'axis', x1: 0, x2: width, y1: top + plotH + 0.5, y2: top + plotH + 0.5}));
  axis.forEach((year, i) => {
    const x = i * slot + (slot - barW) / 2;
    const cx = i * slot + slot / 2;
    const count = byYear.get(year) || 0;
    const g = svg('g', {class: 'slot'});
    if (byYear.has(year)) {
      const h = Math.max(2, Math.round(count / max * plotH));
      const term = 'date:' + year;
      const a = svg('a', {href: urlOf(withState({q: toggleTerm(s.q, term), by: s.by, sort: s.sort, lang: s.lang})),
                          'data-nav': '', class: hasTerm(s.q, term) ? 'active' : ''});
      a.appendChild(svg('rect', {class: 'bar', 'data-year': year, 'data-count': count,
                                 x: x, y: top + plotH - h, width: barW, height: h, rx: 2},
                        svg('title', null, year + ': ' + plural(count, 'matching paragraph', 'matching paragraphs'))));
      a.appendChild(svg('text', {class: 'value', x: cx, y: top + plotH - h - 4, 'text-anchor': 'middle'}, String(count)));
      g.appendChild(a);
    }
    g.appendChild(svg('text', {class: 'year', x: cx, y: top + plotH + 16, 'text-anchor': 'middle'}, String(year)));
    chart.appendChild(g);
  });
  box.appendChild(chart);
}

/* ------------------------------------------------------------------ */
/* A document                                                          */

async function renderDoc(s, g) {
  setStatus('Opening ' + s.doc + '…');
  const r = await api('/doc/' + encodeURIComponent(s.doc));
  if (g !== generation) return;
  show('doc');
  const view = clear($('doc-view'));
  const back = s.q ? navLink(Object.assign({}, s, {doc: '', para: ''}), {class: 'back'}, '← results for ' + s.q)
                   : navLink(DEFAULTS, {class: 'back'}, '← search');
  view.appendChild(el('nav', {class: 'doc-nav'}, back));
  if (!r.ok) {
    document.title = s.doc + ' – wtosearch';
    setStatus(r.body.error || 'cannot open ' + s.doc + ' (' + r.status + ')', true);
    if (r.status === 404) {
      view.appendChild(el('p', null, s.doc + ' is not indexed. ',
        navLink(withState({q: 'cites:' + s.doc}), null, 'Paragraphs citing it'), ' · ',
        navLink(withState({q: s.doc}), null, 'search for ' + s.doc)));
    }
    return;
  }
  const docs = r.body.documents || [];
  setStatus('');
  if (docs.length > 1) {
    view.appendChild(el('p', {class: 'versions'}, 'Versions: ',
      docs.map((d, i) => [i ? ' · ' : '', el('a', {href: '#v' + i, class: 'version'},
                                             LANGS[d.lang] || d.lang || baseName(d.path))])));
  }
  docs.forEach((d, i) => view.appendChild(renderOneDoc(d, i, s)));
  document.title = (docs[0] ? docName(docs[0]) + (docs[0].title ? ' – ' + docs[0].title : '') : s.doc) + ' – wtosearch';
  const target = s.para && view.querySelector('.para.target');
  if (target && target.scrollIntoView) target.scrollIntoView({block: 'center'});
  else window.scrollTo(0, 0);
}

function renderOneDoc(d, index, s) {
  const sec = el('section', {class: 'doc', id: 'v' + index, lang: d.lang || null});
  sec.appendChild(el('h1', {class: 'doc-title'}, d.title || docName(d)));
  const meta = el('dl', {class: 'meta'});
  const row = (k, ...v) => append(meta, [el('dt', null, k), el('dd', null, ...v)]);
  row('Symbol', d.symbols && d.symbols.length ? d.symbols.join(', ') : (d.symbol || '—'));
  row('Date', d.date ? el('time', {datetime: d.date}, formatDate(d.date)) : '—');
  row('Language', d.lang ? (LANGS[d.lang] || d.lang) : '—');
  row('File', el('code', null, d.path || ''));
  const paras = d.paragraphs || [];
  row('Paragraphs', String(paras.length));
  sec.appendChild(meta);

  const cites = d.cites || [];
  const citedBy = d.cited_by || [];
  const links = el('div', {class: 'links'});
  const citesBox = el('section', {class: 'cites'}, el('h2', null, 'Cites (' + cites.length + ')'));
  if (cites.length) {
    citesBox.appendChild(el('ul', null, cites.map((c) => el('li', null, docLink(c, '', {class: 'cite'}, c)))));
  } else {
    citesBox.appendChild(el('p', {class: 'muted'}, 'no WTO symbols'));
  }
  const byBox = el('section', {class: 'cited-by'}, el('h2', null, 'Cited by (' + citedBy.length + ')'));
  if (citedBy.length) {
    byBox.appendChild(el('ul', null, citedBy.map((c) => el('li', null,
      docLink(c.symbol || c.path, c.para, {class: 'cite'}, c.symbol || baseName(c.path)),
      c.para ? el('span', {class: 'label'}, ' ¶' + c.para) : null,
      c.date ? el('span', {class: 'muted'}, ' · ' + formatDate(c.date)) : null,
      c.lang ? el('span', {class: 'tag lang'}, c.lang.toUpperCase()) : null,
      c.cited && c.cited !== d.symbol ? el('span', {class: 'muted'}, ' (cites ' + c.cited + ')') : null))));
  } else {
    byBox.appendChild(el('p', {class: 'muted'}, 'no indexed paragraph cites it'));
  }
  append(links, [citesBox, byBox]);

  const list = el('ol', {class: 'paras'});
  for (const p of paras) {
    const target = s.para && p.para === s.para;
    const li = el('li', {class: 'para ' + (p.kind || 'body') + (target ? ' target' : ''),
                         id: 'p' + index + '-' + p.para, 'data-para': p.para});
    li.appendChild(el('a', {class: 'label', href: urlOf(Object.assign({}, s, {para: p.para})), 'data-nav': ''},
                      p.kind === 'footnote' ? p.para : '¶' + p.para));
    const body = el('div', {class: 'text'}, p.text || '');
    if ((p.cites || []).length) {
      body.appendChild(el('div', {class: 'para-cites'}, 'cites ',
        p.cites.map((c, i) => [i ? ', ' : '', docLink(c, '', {class: 'cite'}, c)])));
    }
    li.appendChild(body);
    list.appendChild(li);
  }
  sec.appendChild(el('div', {class: 'doc-body'}, list, links));
  return sec;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

function start() {
  $('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    go(Object.assign({}, DEFAULTS, {q: q, by: $('by').value, sort: $('sort').value, lang: $('lang').value}));
  });
  for (const id of ['by', 'sort', 'lang']) {
    $(id).addEventListener('change', () => {
      const s = readState();
      if (!s.q.trim() || s.doc) return;
      go(Object.assign({}, s, {by: $('by').value, sort: $('sort').value, lang: $('lang').value, page: 1}));
    });
  }
  /* links within the page: a history entry and no reload (a modified
   * click, to open a new tab, is left to the browser) */
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a[data-nav]');
    if (!a) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/')) return;
    e.preventDefault();
    if (href !== location.pathname + location.search) history.pushState(null, '', href);
    window.scrollTo(0, 0);
    render();
  });
  $('home').addEventListener('click', (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    go(DEFAULTS);
  });
  window.addEventListener('popstate', render);
  render();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

})();
