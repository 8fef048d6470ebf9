// xapian_min.cc: the floor any Xapian engine pays, for bench/run.sh.
//
//   xapian_min index DB DIR        one Xapian document per file, one thread
//   xapian_min query DB QUERIES    each line through QueryParser, top 10
//
// Indexing is what every Xapian-based engine does at the least: read the
// file, TermGenerator with positions and the English stemmer (Xapian's
// default strategy, STEM_SOME), the path as document data and a unique
// term, one commit at the end (Xapian flushes on its own every 10,000
// documents).  No paragraphs, no annotations, no metadata.
//
// Querying parses each line with QueryParser (phrases, booleans, +/-,
// wildcards; default operator OR), asks for the 10 best and reads their
// data, as a program showing hits must.  The lines are run once to warm up,
// then once timed one by one.  Both modes print one JSON object.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using clk = std::chrono::steady_clock;

static double seconds_since(clk::time_point t0) {
    return std::chrono::duration<double>(clk::now() - t0).count();
}

static int do_index(const std::string &dbpath, const std::string &dir) {
    auto t0 = clk::now();
    Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    std::vector<std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    unsigned long long bytes = 0;
    for (const auto &f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        bytes += text.size();
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(text);
        doc.set_data(f);
        doc.add_boolean_term("Q" + f);
        db.add_document(doc);
    }
    db.commit();
    double secs = seconds_since(t0);
    std::printf("{\"docs\": %zu, \"bytes\": %llu, \"seconds\": %.3f}\n", files.size(), bytes, secs);
    return 0;
}

static double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = (size_t)(p / 100.0 * (double)v.size());
    if (k >= v.size()) k = v.size() - 1;
    return v[k];
}

static int do_query(const std::string &dbpath, const std::string &qfile) {
    std::vector<std::string> queries;
    std::ifstream in(qfile);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') queries.push_back(line);
    Xapian::Database db(dbpath);
    Xapian::Enquire enq(db);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_OR);
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
    std::vector<double> lat;
    size_t hits = 0, bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (const auto &q : queries) {
            auto t0 = clk::now();
            Xapian::Query query;
            try {
                query = qp.parse_query(q, flags);
            } catch (const Xapian::QueryParserError &) {
                query = qp.parse_query(q, 0);
                if (pass) bad++;
            }
            enq.set_query(query);
            Xapian::MSet m = enq.get_mset(0, 10);
            size_t n = 0;
            for (auto it = m.begin(); it != m.end(); ++it) n += it.get_document().get_data().size() > 0;
            if (pass) {
                lat.push_back(seconds_since(t0) * 1000.0);
                hits += n;
            }
        }
    }
    double sum = 0;
    for (double x : lat) sum += x;
    std::printf("{\"queries\": %zu, \"hits\": %zu, \"parse_fallbacks\": %zu, \"mean_ms\": %.4f, "
                "\"p50_ms\": %.4f, \"p90_ms\": %.4f, \"p99_ms\": %.4f}\n",
                lat.size(), hits, bad, lat.empty() ? 0 : sum / (double)lat.size(), pct(lat, 50), pct(lat, 90),
                pct(lat, 99));
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: xapian_min index DB DIR | xapian_min query DB QUERIES\n");
        return 2;
    }
    std::string mode = argv[1];
    try {
        if (mode == "index") return do_index(argv[2], argv[3]);
        if (mode == "query") return do_query(argv[2], argv[3]);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_min: %s\n", e.get_description().c_str());
        return 1;
    }
    std::fprintf(stderr, "xapian_min: unknown mode %s\n", mode.c_str());
    return 2;
}
