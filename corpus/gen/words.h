/* words.h: the generator's own short vocabularies, one block per language.
 *
 * Everything here was written for this generator: MSME trade words, the
 * function words that make a paragraph recognisably English, French or
 * Spanish, sentence patterns, headings.  No sentence is taken from a real
 * document.  Included once, by gen.c.
 *
 * Sentence patterns are filled in by gen.c:
 *   {S} a free sentence of 8-23 words     {F} a phrase of 3-10 words
 *   {f} a phrase of 1-3 words             {M} a member named in the document
 *   {L} a list of 3-6 members             {T} a cue of one of the document's topics
 *   {C} the symbol of an earlier document {D} a date in the document's language
 *   {N} a number                          {P} a percentage
 */
#ifndef WTS_GEN_WORDS_H
#define WTS_GEN_WORDS_H

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- English */

static const char *const en_func[] = {
    "the", "of", "and", "to", "in", "for", "a", "on", "that", "with", "by", "their", "as", "is",
    "are", "from", "at", "which", "its", "were", "this", "was", "have", "has", "an", "or", "be",
    "these", "also", "been", "would", "more", "other", "such", "through", "into", "between",
    "while", "should", "could", "not", "all", "they", "both", "each", "most", "some", "many",
};

static const char *const en_core[] = {
    "trade", "msmes", "small", "members", "businesses", "enterprises", "group", "digital",
    "export", "information", "access", "market", "markets", "development", "support", "work",
    "data", "firms", "international", "customs", "finance", "services", "goods", "costs",
    "participation", "policy", "programme", "national", "global", "economic", "sector",
    "companies", "exporters", "private", "women", "online", "platform", "measures",
    "requirements", "rules", "procedures", "capacity", "training", "tools", "helpdesk",
    "secretariat", "delegations", "proposal", "meeting", "meetings", "report", "survey",
    "chains", "value", "supply", "suppliers", "producers", "growth", "employment", "credit",
    "banks", "logistics", "shipments", "transport", "payments", "standards", "certification",
    "compliance", "regulatory", "barriers", "integration", "cooperation", "experience",
    "initiatives", "challenges", "opportunities", "solutions", "practices", "countries",
    "economies", "region", "regional", "rural", "young", "entrepreneurs", "owners", "buyers",
    "consumers", "prices", "income", "revenue", "investment", "technology", "technologies",
    "innovation", "skills", "knowledge", "assistance", "agencies", "authorities", "government",
    "governments", "institutions", "chambers", "associations", "networks", "partners",
    "stakeholders", "organizations", "framework", "approach", "strategy", "strategies",
    "objectives", "priorities", "recommendations", "results", "findings", "evidence",
    "analysis", "statistics", "indicators", "reform", "reforms", "documents", "portal",
    "database", "tariff", "tariffs", "duties", "fees", "licences", "permits", "registration",
    "identification", "inclusion", "sustainability", "environmental", "green", "climate",
    "energy", "resilience", "recovery", "crisis", "pandemic", "sellers", "marketplaces",
    "electronic", "paperless", "transparency", "notification", "dialogue", "workshop",
    "session", "agenda", "declaration", "ministerial", "conference", "implementation",
    "guidance", "outreach", "awareness", "practical", "relevant", "specific", "particular",
    "important", "additional", "current", "recent", "further", "main", "key", "common",
    "simple", "reduced", "lower", "higher", "better", "increased", "limited", "difficult",
    "available", "useful", "effective", "different", "several", "new", "first", "next",
    "annual", "local", "foreign", "cross-border", "micro", "medium-sized", "farmers",
    "artisans", "vouchers", "grants", "loans", "guarantees", "insurance", "cybersecurity",
    "fraud", "invoices", "contracts", "disputes", "couriers", "ports", "warehouses",
    "inspections", "clearance", "declarations", "origin", "preferences", "agreements",
    "provisions", "chapters", "commitments", "questionnaire", "responses", "respondents",
    "sample", "share", "volume", "number", "level", "period", "years", "months", "cases",
    "examples", "lessons", "steps", "needs", "gaps", "risks", "benefits", "impact", "outcomes",
};

static const char *const en_months[12] = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
};

static const char *const en_heads[] = {
    "INTRODUCTION", "WORK OF THE GROUP", "DISCUSSION", "STATEMENTS BY MEMBERS", "NEXT STEPS",
    "CONCLUSIONS", "OTHER BUSINESS", "BACKGROUND", "RECOMMENDATIONS", "SURVEY RESULTS",
    "NATIONAL EXPERIENCES", "ISSUES FOR FURTHER WORK",
};

static const char *const en_templates[] = {
    "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.",
    "{M} presented {F} on {T}.",
    "{M} reported that {F} {T} {f}.",
    "{M} proposed that Members {F}.",
    "The representative of {M} noted that {F} {T}.",
    "{M} explained how {F} for {T} {f}.",
    "Members took note of document {C} and {F}.",
    "At the meeting of {D}, {F} {T}.",
    "{F} ({C}).",
    "{F} {T} {F}.",
    "{F} {T} {F}.",
    "Statements were made by {L}.",
    "{F} {N} {F}.",
    "The share of {F} rose from {P} to {P} {f}.",
    "As set out in {C}, {F} {T}.",
    "{M} and {M} submitted a joint paper on {T} {f}.",
};

static const char *const en_notes[] = {
    "See document {C}.", "{F} {T}.", "As reported on {D}, {F}.", "Document {C}, {F}.",
};

static const char *const en_onset[] = {
    "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cr", "pr",
    "st", "tr", "pl", "gr", "sh", "th", "ch", "sp", "cl", "fl", "h",
};
static const char *const en_vowel[] = {"a", "e", "i", "o", "u", "a", "e", "i", "o", "ea", "ai", "ou", "ee", "y"};
static const char *const en_coda[] = {"", "", "", "", "n", "r", "s", "t", "l", "m", "nt", "st", "rk", "nd", "ck"};
static const char *const en_suffix[] = {"", "", "", "", "tion", "ment", "ing", "ity", "ness", "er", "al", "ive", "ance", "ship", "ure", "ed", "s", "s"};

/* ----------------------------------------------------------------- French */

static const char *const fr_func[] = {
    "de", "la", "le", "les", "des", "et", "à", "en", "du", "pour", "une", "un", "sur", "dans",
    "par", "que", "qui", "au", "aux", "est", "sont", "leur", "leurs", "avec", "ce", "cette",
    "ces", "ont", "a", "été", "plus", "ainsi", "entre", "ne", "pas", "se", "sa", "son", "ses",
    "ou", "mais", "comme", "afin", "lors", "dont", "tous", "toutes", "sous",
};

static const char *const fr_core[] = {
    "commerce", "mpme", "petites", "membres", "entreprises", "groupe", "numérique",
    "exportation", "informations", "accès", "marché", "marchés", "développement", "soutien",
    "travaux", "données", "sociétés", "international", "douane", "financement", "services",
    "marchandises", "coûts", "participation", "politique", "programme", "national", "mondial",
    "économique", "secteur", "exportateurs", "privé", "femmes", "en ligne", "plateforme",
    "mesures", "prescriptions", "règles", "procédures", "capacités", "formation", "outils",
    "secrétariat", "délégations", "proposition", "réunion", "réunions", "rapport", "enquête",
    "chaînes", "valeur", "approvisionnement", "fournisseurs", "producteurs", "croissance",
    "emploi", "crédit", "banques", "logistique", "envois", "transport", "paiements", "normes",
    "certification", "conformité", "réglementaire", "obstacles", "intégration", "coopération",
    "expérience", "initiatives", "défis", "possibilités", "solutions", "pratiques", "pays",
    "économies", "région", "régional", "rurales", "jeunes", "entrepreneurs", "propriétaires",
    "acheteurs", "consommateurs", "prix", "revenus", "investissement", "technologie",
    "technologies", "innovation", "compétences", "connaissances", "assistance", "organismes",
    "autorités", "gouvernement", "institutions", "chambres", "associations", "réseaux",
    "partenaires", "parties prenantes", "organisations", "cadre", "approche", "stratégie",
    "objectifs", "priorités", "recommandations", "résultats", "conclusions", "éléments",
    "analyse", "statistiques", "indicateurs", "réforme", "réformes", "documents", "portail",
    "base", "tarif", "droits", "redevances", "licences", "permis", "enregistrement",
    "identification", "inclusion", "durabilité", "environnementales", "vertes", "climat",
    "énergie", "résilience", "reprise", "crise", "pandémie", "vendeurs", "électroniques",
    "transparence", "notification", "dialogue", "atelier", "séance", "ordre", "déclaration",
    "ministérielle", "conférence", "mise", "œuvre", "orientations", "sensibilisation",
    "pratiques", "pertinentes", "particulier", "importantes", "supplémentaires", "actuelles",
    "récentes", "principales", "communes", "simples", "réduits", "faibles", "élevés",
    "meilleure", "limitée", "difficile", "disponibles", "utiles", "efficaces", "différents",
    "plusieurs", "nouvelles", "premier", "prochaine", "annuel", "locales", "étrangers",
    "transfrontières", "micro", "moyennes", "agriculteurs", "artisans", "bons", "subventions",
    "prêts", "garanties", "assurance", "cybersécurité", "fraude", "factures", "contrats",
    "différends", "ports", "entrepôts", "inspections", "dédouanement", "origine",
    "préférences", "accords", "dispositions", "chapitres", "engagements", "questionnaire",
    "réponses", "répondants", "échantillon", "part", "volume", "nombre", "niveau", "période",
    "années", "mois", "cas", "exemples", "enseignements", "étapes", "besoins", "lacunes",
    "risques", "avantages", "incidence",
};

static const char *const fr_months[12] = {
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
};

static const char *const fr_heads[] = {
    "INTRODUCTION", "TRAVAUX DU GROUPE", "DÉBAT", "DÉCLARATIONS DES MEMBRES",
    "PROCHAINES ÉTAPES", "CONCLUSIONS", "QUESTIONS DIVERSES", "CONTEXTE", "RECOMMANDATIONS",
    "RÉSULTATS DE L'ENQUÊTE", "EXPÉRIENCES NATIONALES", "QUESTIONS À APPROFONDIR",
};

static const char *const fr_templates[] = {
    "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.",
    "{M} a présenté {F} sur {T}.",
    "{M} a indiqué que {F} {T} {f}.",
    "{M} a proposé que les Membres {F}.",
    "Le représentant de {M} a fait observer que {F} {T}.",
    "{M} a expliqué comment {F} pour {T} {f}.",
    "Les Membres ont pris note du document {C} et {F}.",
    "Lors de la réunion du {D}, {F} {T}.",
    "{F} ({C}).",
    "{F} {T} {F}.",
    "{F} {T} {F}.",
    "Des déclarations ont été faites par {L}.",
    "{F} {N} {F}.",
    "La part de {F} est passée de {P} à {P} {f}.",
    "Comme indiqué dans le document {C}, {F} {T}.",
    "{M} et {M} ont soumis un document conjoint sur {T} {f}.",
};

static const char *const fr_notes[] = {
    "Voir le document {C}.", "{F} {T}.", "Selon les informations du {D}, {F}.", "Document {C}, {F}.",
};

static const char *const fr_onset[] = {
    "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cr", "pr", "tr",
    "pl", "gr", "qu", "ch", "gn", "fr", "j",
};
static const char *const fr_vowel[] = {"a", "e", "i", "o", "u", "a", "e", "i", "o", "é", "ou", "ai", "au", "eu", "è", "oi"};
static const char *const fr_coda[] = {"", "", "", "", "n", "r", "s", "l", "m", "nt", "rt"};
static const char *const fr_suffix[] = {"", "", "", "tion", "ment", "ité", "eur", "ique", "age", "ière", "ance", "isme", "eux", "elle", "s", "s"};

/* ---------------------------------------------------------------- Spanish */

static const char *const es_func[] = {
    "de", "la", "el", "los", "las", "y", "en", "del", "a", "para", "una", "un", "por", "con",
    "que", "se", "al", "sus", "su", "es", "son", "como", "más", "este", "esta", "estos",
    "han", "ha", "sido", "entre", "sobre", "o", "no", "lo", "también", "cuando", "desde",
    "hasta", "sin", "todos", "todas", "cada", "muy", "ya", "según", "ante",
};

static const char *const es_core[] = {
    "comercio", "mipymes", "pequeñas", "miembros", "empresas", "grupo", "digital",
    "exportación", "información", "acceso", "mercado", "mercados", "desarrollo", "apoyo",
    "labor", "datos", "compañías", "internacional", "aduanas", "financiación", "servicios",
    "mercancías", "costos", "participación", "política", "programa", "nacional", "mundial",
    "económico", "sector", "exportadores", "privado", "mujeres", "en línea", "plataforma",
    "medidas", "requisitos", "normas", "procedimientos", "capacidad", "formación",
    "herramientas", "secretaría", "delegaciones", "propuesta", "reunión", "reuniones",
    "informe", "encuesta", "cadenas", "valor", "suministro", "proveedores", "productores",
    "crecimiento", "empleo", "crédito", "bancos", "logística", "envíos", "transporte", "pagos",
    "certificación", "cumplimiento", "reglamentario", "obstáculos", "integración",
    "cooperación", "experiencia", "iniciativas", "desafíos", "oportunidades", "soluciones",
    "prácticas", "países", "economías", "región", "regional", "rurales", "jóvenes",
    "emprendedores", "propietarios", "compradores", "consumidores", "precios", "ingresos",
    "inversión", "tecnología", "tecnologías", "innovación", "competencias", "conocimientos",
    "asistencia", "organismos", "autoridades", "gobierno", "instituciones", "cámaras",
    "asociaciones", "redes", "socios", "partes interesadas", "organizaciones", "marco",
    "enfoque", "estrategia", "objetivos", "prioridades", "recomendaciones", "resultados",
    "conclusiones", "pruebas", "análisis", "estadísticas", "indicadores", "reforma",
    "reformas", "documentos", "portal", "base", "arancel", "aranceles", "derechos", "tasas",
    "licencias", "permisos", "registro", "identificación", "inclusión", "sostenibilidad",
    "ambientales", "verdes", "clima", "energía", "resiliencia", "recuperación", "crisis",
    "pandemia", "vendedores", "electrónicos", "transparencia", "notificación", "diálogo",
    "taller", "sesión", "orden", "declaración", "ministerial", "conferencia", "aplicación",
    "orientaciones", "sensibilización", "pertinentes", "particular", "importantes",
    "adicionales", "actuales", "recientes", "principales", "comunes", "sencillos",
    "reducidos", "bajos", "elevados", "mejor", "limitado", "difícil", "disponibles", "útiles",
    "eficaces", "diferentes", "varios", "nuevas", "primer", "próxima", "anual", "locales",
    "extranjeros", "transfronterizos", "micro", "medianas", "agricultores", "artesanos",
    "bonos", "subvenciones", "préstamos", "garantías", "seguros", "ciberseguridad", "fraude",
    "facturas", "contratos", "controversias", "puertos", "almacenes", "inspecciones",
    "despacho", "origen", "preferencias", "acuerdos", "disposiciones", "capítulos",
    "compromisos", "cuestionario", "respuestas", "encuestados", "muestra", "parte", "volumen",
    "número", "nivel", "período", "años", "meses", "casos", "ejemplos", "lecciones", "pasos",
    "necesidades", "brechas", "riesgos", "beneficios", "efectos",
};

static const char *const es_months[12] = {
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
};

static const char *const es_heads[] = {
    "INTRODUCCIÓN", "LABOR DEL GRUPO", "DEBATE", "DECLARACIONES DE LOS MIEMBROS",
    "PRÓXIMAS ETAPAS", "CONCLUSIONES", "OTROS ASUNTOS", "ANTECEDENTES", "RECOMENDACIONES",
    "RESULTADOS DE LA ENCUESTA", "EXPERIENCIAS NACIONALES", "CUESTIONES PARA LA LABOR FUTURA",
};

static const char *const es_templates[] = {
    "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.", "{S}.",
    "{M} presentó {F} sobre {T}.",
    "{M} informó de que {F} {T} {f}.",
    "{M} propuso que los Miembros {F}.",
    "El representante de {M} señaló que {F} {T}.",
    "{M} explicó cómo {F} para {T} {f}.",
    "Los Miembros tomaron nota del documento {C} y {F}.",
    "En la reunión del {D}, {F} {T}.",
    "{F} ({C}).",
    "{F} {T} {F}.",
    "{F} {T} {F}.",
    "Formularon declaraciones {L}.",
    "{F} {N} {F}.",
    "La proporción de {F} pasó del {P} al {P} {f}.",
    "Como se indica en el documento {C}, {F} {T}.",
    "{M} y {M} presentaron un documento conjunto sobre {T} {f}.",
};

static const char *const es_notes[] = {
    "Véase el documento {C}.", "{F} {T}.", "Según lo informado el {D}, {F}.", "Documento {C}, {F}.",
};

static const char *const es_onset[] = {
    "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cr", "pr", "tr",
    "pl", "gr", "ll", "ch", "j", "z", "ñ",
};
static const char *const es_vowel[] = {"a", "e", "i", "o", "u", "a", "e", "o", "a", "ue", "ie", "á", "ó", "í"};
static const char *const es_coda[] = {"", "", "", "", "n", "r", "s", "l", "z"};
static const char *const es_suffix[] = {"", "", "", "ción", "miento", "idad", "ador", "ico", "aje", "era", "encia", "ismo", "ado", "ida", "s", "s"};

#endif
