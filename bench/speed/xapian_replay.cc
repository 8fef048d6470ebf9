// xapian_replay.cc: what Xapian's writer alone costs on wtosearch's own
// documents, for bench/run.sh.
//
//   xapian_replay SRC DST [COMMIT_FILES RUN_FILES]
//
// SRC is an index of `wtosearch index --termlists`: its documents can be
// read back whole (terms, positions, wdf, values, stored record).  For
// each shard of SRC, one process writes the same documents into a new
// database the way the indexer does: commits every COMMIT_FILES documents
// (500), a new run every RUN_FILES (20,000), without term lists, the runs
// merged at the end by Xapian's compactor into 8 KiB blocks.  What the
// indexer does besides (reading, segmenting, annotating, tokenizing,
// stemming, packing the record) is not done.
//
// Each process makes every document twice: once only read from SRC and
// built (the "read" pass), then read, built and written.  The difference
// is the writer's cost: add_document, the commits and the merge.  One
// JSON object on stdout: per shard, and the largest of each figure over
// the shards (they run side by side, as the indexer's do).
#include <xapian.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using clk = std::chrono::steady_clock;

namespace {

double seconds_since(clk::time_point t0) { return std::chrono::duration<double>(clk::now() - t0).count(); }

double cpu_seconds() {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The shard directories an index's stub names ("glass shard-0.1").
std::vector<std::string> shards_of(const std::string &src) {
    std::ifstream stub(src + "/XAPIANDB");
    std::vector<std::string> out;
    std::string line;
    while (std::getline(stub, line))
        if (line.compare(0, 6, "glass ") == 0) out.push_back(src + "/" + line.substr(6));
    return out;
}

// A new document holding what d holds: each term at its positions with its
// wdf, the values, the record.
Xapian::Document rebuilt(const Xapian::Document &d) {
    Xapian::Document out;
    for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        const std::string term = *t;
        Xapian::termcount placed = 0;
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            out.add_posting(term, *p, 0);
            placed++;
        }
        const Xapian::termcount wdf = t.get_wdf();
        if (wdf > 0 || placed == 0) out.add_term(term, wdf);
    }
    for (auto v = d.values_begin(); v != d.values_end(); ++v) out.add_value(v.get_valueno(), *v);
    out.set_data(d.get_data());
    return out;
}

struct ShardFigures {
    unsigned docs = 0, runs = 0;
    double read_s = 0, read_cpu = 0, replay_s = 0, replay_cpu = 0;
};

ShardFigures replay_shard(const std::string &src, const std::string &dst, unsigned commit_files,
                          unsigned run_files) {
    ShardFigures f;
    Xapian::Database in(src);
    const Xapian::docid last = in.get_lastdocid();
    // the read pass
    auto t0 = clk::now();
    double c0 = cpu_seconds();
    for (Xapian::docid id = 1; id <= last; id++) {
        try {
            Xapian::Document d = rebuilt(in.get_document(id));
            (void)d;
        } catch (const Xapian::DocNotFoundError &) {
        }
    }
    f.read_s = seconds_since(t0);
    f.read_cpu = cpu_seconds() - c0;
    // the pass that writes
    t0 = clk::now();
    c0 = cpu_seconds();
    std::vector<std::string> runs;
    Xapian::WritableDatabase out;
    unsigned in_batch = 0, in_run = 0;
    auto open_run = [&] {
        runs.push_back(dst + ".run" + std::to_string(runs.size()));
        out = Xapian::WritableDatabase(runs.back(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS |
                                                        Xapian::DB_NO_TERMLIST);
    };
    open_run();
    for (Xapian::docid id = 1; id <= last; id++) {
        Xapian::Document d;
        try {
            d = rebuilt(in.get_document(id));
        } catch (const Xapian::DocNotFoundError &) {
            continue;
        }
        out.add_document(d);
        f.docs++;
        if (++in_batch < commit_files) continue;
        in_batch = 0;
        out.commit();
        in_run += commit_files;
        if (in_run >= run_files && id < last) {
            out.close();
            in_run = 0;
            open_run();
        }
    }
    out.commit();
    out.close();
    Xapian::Database all;
    for (const std::string &r : runs) all.add_database(Xapian::Database(r));
    all.compact(dst, Xapian::Compactor::FULLER, 8192);
    f.replay_s = seconds_since(t0);
    f.replay_cpu = cpu_seconds() - c0;
    f.runs = static_cast<unsigned>(runs.size());
    for (const std::string &r : runs) std::filesystem::remove_all(r);
    return f;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3 && argc != 5) {
        std::fprintf(stderr, "usage: xapian_replay SRC DST [COMMIT_FILES RUN_FILES]\n");
        return 2;
    }
    const std::string src = argv[1], dst = argv[2];
    const unsigned commit_files = argc == 5 ? static_cast<unsigned>(std::atoi(argv[3])) : 500;
    const unsigned run_files = argc == 5 ? static_cast<unsigned>(std::atoi(argv[4])) : 20000;
    const std::vector<std::string> shards = shards_of(src);
    if (shards.empty() || commit_files == 0 || run_files == 0) {
        std::fprintf(stderr, "xapian_replay: %s names no shard (is it a wtosearch index?)\n", src.c_str());
        return 2;
    }
    std::error_code made;
    std::filesystem::create_directories(dst, made);
    if (made) {
        std::fprintf(stderr, "xapian_replay: %s: %s\n", dst.c_str(), made.message().c_str());
        return 1;
    }
    // each shard's figures come back over a pipe of its own
    std::vector<int> fds;
    std::vector<pid_t> pids;
    auto t0 = clk::now();
    for (size_t k = 0; k < shards.size(); k++) {
        int p[2];
        if (pipe(p) != 0) return 1;
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            int rc = 0;
            ShardFigures f;
            try {
                f = replay_shard(shards[k], dst + "/shard-" + std::to_string(k), commit_files, run_files);
            } catch (const Xapian::Error &e) {
                std::fprintf(stderr, "xapian_replay: %s: %s\n", shards[k].c_str(), e.get_description().c_str());
                rc = 1;
            }
            char line[256];
            int n = std::snprintf(line, sizeof line, "%u %u %.3f %.3f %.3f %.3f\n", f.docs, f.runs, f.read_s,
                                  f.read_cpu, f.replay_s, f.replay_cpu);
            if (write(p[1], line, static_cast<size_t>(n)) != n) rc = 1;
            _exit(rc);
        }
        close(p[1]);
        fds.push_back(p[0]);
        pids.push_back(pid);
    }
    int failed = 0;
    std::vector<ShardFigures> figs(shards.size());
    for (size_t k = 0; k < shards.size(); k++) {
        char buf[256] = "";
        ssize_t n = read(fds[k], buf, sizeof buf - 1);
        close(fds[k]);
        int status = 0;
        waitpid(pids[k], &status, 0);
        if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
        if (n > 0)
            std::sscanf(buf, "%u %u %lf %lf %lf %lf", &figs[k].docs, &figs[k].runs, &figs[k].read_s, &figs[k].read_cpu,
                        &figs[k].replay_s, &figs[k].replay_cpu);
    }
    const double wall = seconds_since(t0);
    unsigned docs = 0;
    double read_max = 0, writer_max = 0, writer_cpu = 0, read_cpu = 0;
    std::ostringstream per;
    for (size_t k = 0; k < figs.size(); k++) {
        const ShardFigures &f = figs[k];
        docs += f.docs;
        read_max = std::max(read_max, f.read_s);
        writer_max = std::max(writer_max, f.replay_s - f.read_s);
        writer_cpu += f.replay_cpu - f.read_cpu;
        read_cpu += f.read_cpu;
        per << (k ? ", " : "") << "{\"docs\": " << f.docs << ", \"runs\": " << f.runs << ", \"read_s\": " << f.read_s
            << ", \"replay_s\": " << f.replay_s << ", \"read_cpu_s\": " << f.read_cpu
            << ", \"replay_cpu_s\": " << f.replay_cpu << "}";
    }
    std::printf("{\"docs\": %u, \"shards\": %zu, \"wall_s\": %.3f, \"read_s\": %.3f, \"writer_s\": %.3f, "
                "\"read_cpu_s\": %.3f, \"writer_cpu_s\": %.3f, \"per_shard\": [%s]}\n",
                docs, shards.size(), wall, read_max, writer_max, read_cpu, writer_cpu, per.str().c_str());
    return failed;
}
