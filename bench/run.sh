#!/usr/bin/env bash
# bench/run.sh: the speed benchmarks of wtosearch and its peers, in one
# command.  See bench/README.md.
#
#   bash bench/run.sh [--sizes 10000,100000] [--runs 3,1] [--seed 1]
#                     [--corpus DIR] [--queries FILE] [--work DIR] [--out FILE]
#                     [--no-profile] [--wrk-seconds 30] [--drawn 300]
#
# For each size: generates the corpus (corpus/gen), then measures, --runs
# times, wtosearch (index, re-index, queries in one process, one search
# process, the daemon under wrk) and its peers on the same corpus (a
# minimal Xapian indexer and query loop, omindex + quest, SQLite FTS5).
# --runs R applies to every size; --runs 3,1 means 3 runs of the first size
# and 1 of the second (one count per size).  --corpus DIR measures the files
# already under DIR instead (no generator; --sizes and --seed are then
# ignored, the size is the number of files, hidden ones and MANIFEST.tsv
# left out as the indexer leaves them).  --queries FILE: one query per line,
# '#' comments and blank lines skipped (default bench/speed/queries.txt).
# --drawn N: also N queries drawn from each corpus measured (speed/drawq.py,
# seeded with --seed), run by wtosearch, the minimal Xapian loop and FTS5:
# queries no one chose (default 300; 0: none).
# Then, unless --no-profile, profiles the indexer and the queries (at the
# largest size).  Writes bench/RESULTS.md (or --out): medians of the runs
# with min-max, and the machine it ran on.  Work files (corpora, indexes,
# logs) go to --work (default /tmp/wtosearch-bench); they are kept.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=10000
RUNS=3
SEED=1
CORPUS=
QUERIES_IN=$ROOT/bench/speed/queries.txt
WORK=${BENCH_WORK:-/tmp/wtosearch-bench}
OUT=$ROOT/bench/RESULTS.md
PROFILE=1
WRK_SECONDS=30
DRAWN=300

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }
needs_value() {
    [ $# -ge 2 ] && [[ $2 != --* ]] || { echo "run.sh: $1 wants a value" >&2; usage >&2; exit 2; }
}
while [ $# -gt 0 ]; do
    case $1 in
    --sizes|--runs|--seed|--corpus|--queries|--work|--out|--wrk-seconds|--drawn) needs_value "$@" ;;
    esac
    case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --queries) QUERIES_IN=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-profile) PROFILE=0; shift ;;
    --wrk-seconds) WRK_SECONDS=$2; shift 2 ;;
    --drawn) DRAWN=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || {
    echo "run.sh: --runs wants a positive number, or one per size separated by commas" >&2; exit 2; }
[[ $SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || {
    echo "run.sh: --sizes wants positive numbers separated by commas" >&2; exit 2; }
[[ $WRK_SECONDS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --wrk-seconds wants a positive number" >&2; exit 2; }
[[ $DRAWN =~ ^[0-9]+$ ]] || { echo "run.sh: --drawn wants a number (0: none)" >&2; exit 2; }
[ -r "$QUERIES_IN" ] && [ ! -d "$QUERIES_IN" ] || { echo "run.sh: --queries $QUERIES_IN: no such readable file" >&2; exit 2; }
QUERIES_IN=$(cd "$(dirname "$QUERIES_IN")" && pwd)/$(basename "$QUERIES_IN")
# The query lines, as every program here reads them: '#' comments and blank
# lines out (as qlat.py, fts5.py, xapian_min and search.lua skip them; batch
# would take a comment for a query), carriage returns of DOS line ends too.
query_lines() { sed 's/\r$//' "$1" | grep -v -e '^#' -e '^[[:space:]]*$' || true; }
[ -n "$(query_lines "$QUERIES_IN")" ] || { echo "run.sh: $QUERIES_IN holds no query" >&2; exit 2; }
# The documents of a corpus directory as the indexer sees them: regular
# files, hidden entries and MANIFEST.tsv (metadata) left out.  $2: find's
# -printf format.
corpus_files() { find "$1" -mindepth 1 -name '.*' -prune -o -type f ! -name MANIFEST.tsv -printf "$2"; }
if [ -n "$CORPUS" ]; then
    [ -d "$CORPUS" ] || { echo "run.sh: --corpus $CORPUS: no such directory" >&2; exit 2; }
    CORPUS=$(cd "$CORPUS" && pwd)
    SIZES=$(corpus_files "$CORPUS" 'x\n' | wc -l)
    [ "$SIZES" -gt 0 ] || { echo "run.sh: --corpus $CORPUS holds no file" >&2; exit 2; }
fi
IFS=, read -r -a sizes <<< "$SIZES"
IFS=, read -r -a runs_of <<< "$RUNS"
if [ ${#runs_of[@]} -eq 1 ]; then
    for i in "${!sizes[@]}"; do runs_of[i]=${runs_of[0]}; done
elif [ ${#runs_of[@]} -ne ${#sizes[@]} ]; then
    echo "run.sh: --runs $RUNS gives ${#runs_of[@]} counts for ${#sizes[@]} size(s)${CORPUS:+ (with --corpus there is one size)}" >&2
    exit 2
fi
RUNS_PER_SIZE=$(IFS=,; echo "${runs_of[*]}")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- what it needs ----------------------------------------------------------
# Debian package per program; installed only when missing.
need_pkgs=()
want() { command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); }
want /usr/bin/time time
want omindex xapian-omega
want quest xapian-tools
want sqlite3 sqlite3
want python3 python3
want wrk wrk
want hyperfine hyperfine
want valgrind valgrind
want perf linux-perf
want g++ g++
want pkg-config pkg-config
want meson meson
want ninja ninja-build
dpkg -s libxapian-dev >/dev/null 2>&1 || need_pkgs+=(libxapian-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
[ -x "$ROOT/scripts/install-deps.sh" ] && [ ! -f "$ROOT/build/build.ninja" ] && bash "$ROOT/scripts/install-deps.sh"

# ---- build ----------------------------------------------------------------
if [ ! -f "$ROOT/build/build.ninja" ]; then
    (cd "$ROOT" && meson setup build >/dev/null)
fi
log "building"
ninja -C "$ROOT/build" >/dev/null
mkdir -p "$WORK/bin"
WORK=$(cd "$WORK" && pwd)
# The programs measured are copies taken now: a rebuild of the tree during
# the run (others at work on the same checkout) changes nothing measured,
# and the profile's symbols match the program that ran.
for p in cli/wtosearch cli/wtosearch-index cli/wtosearch-extract corpus/gen/wtosearch-gen searchd/wtosearchd; do
    rm -f "$WORK/bin/${p##*/}"
    if [ -x "$ROOT/build/$p" ]; then cp "$ROOT/build/$p" "$WORK/bin/"; fi
done
WTS=$WORK/bin/wtosearch
GEN=$WORK/bin/wtosearch-gen
WTSD=$WORK/bin/wtosearchd
# The query lines every program reads (see query_lines).
QUERIES=$WORK/queries.txt
query_lines "$QUERIES_IN" > "$QUERIES"
NQ=$(wc -l < "$QUERIES")
# The same as batch reads them: {"q": ...} a line, since a plain line
# starting with '{' is taken for JSON.
QUERIES_JSONL=$WORK/queries.jsonl
python3 -c 'import json, sys
for l in open(sys.argv[1], encoding="utf-8"): print(json.dumps({"q": l.rstrip("\n")}, ensure_ascii=False))' \
    "$QUERIES" > "$QUERIES_JSONL"
XMIN=$WORK/xapian_min
g++ -O2 -std=c++17 -o "$XMIN" "$ROOT/bench/speed/xapian_min.cc" $(pkg-config --cflags --libs xapian-core)
XREPLAY=$WORK/xapian_replay
g++ -O2 -std=c++17 -o "$XREPLAY" "$ROOT/bench/speed/xapian_replay.cc" $(pkg-config --cflags --libs xapian-core)
TCK=$(getconf CLK_TCK)
# The interpreter itself, not a wrapper (pyenv's shims take a fraction of a
# second to start): treerss.py must be polling before a short command ends.
PY=$(python3 -c 'import sys; print(sys.executable)')

RES=$WORK/results.jsonl
: > "$RES"
rec() { # size run metric value
    printf '{"size": %s, "run": %s, "metric": "%s", "value": %s}\n' "$1" "$2" "$3" "$4" >> "$RES"
}
now() { echo "$EPOCHREALTIME"; }
since() { python3 -c "import sys; print(round($(now) - $1, 4))"; }
jget() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
# query_times SIZE RUN LOG PREFIX KEY... < JSON: the answer of a query
# program (qlat.py, xapian_min query, fts5.py query) kept in LOG, and its
# KEY_ms figures recorded as PREFIX_KEY_ms.
query_times() {
    local size=$1 run=$2 logf=$3 pre=$4 j k
    shift 4
    j=$(cat)
    echo "$j" > "$logf"
    for k in "$@"; do rec "$size" "$run" "${pre}_${k}_ms" "$(jget "$j" "${k}_ms")"; done
}
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
cpu_s() { awk -F': ' '/(User|System) time \(seconds\)/ {t += $2} END {print t + 0}' "$1"; }
cpu_ticks() { # PID: its user + system CPU time so far (all its threads), in clock ticks
    sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# Processes run in the background (the timed command, its RSS poller, the
# daemon): ended, with what they started, if run.sh stops early.
CUR_TP= CUR_WP= DPID=
kill_tree() {
    local k
    for k in $(cat /proc/"$1"/task/*/children 2>/dev/null); do kill_tree "$k"; done
    kill "$1" 2>/dev/null || true
}
cleanup() { local p; for p in $CUR_TP $CUR_WP $DPID; do kill_tree "$p"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# timed SIZE RUN NAME LOG cmd...: wall time and peak RSS of cmd (/usr/bin/time:
# its largest process).  With TREE_RSS=1, also the peak of the sum of RSS of
# all its processes (speed/treerss.py, every 0.2 s).  With OK_RC=N, exit
# status N is accepted too (wtosearch index: 1 when files were skipped).
timed() {
    local size=$1 run=$2 name=$3 logf=$4; shift 4
    local t0 t1 rc=0
    t0=$(now)
    /usr/bin/time -v -o "$logf.time" "$@" > "$logf" 2> "$logf.err" &
    CUR_TP=$!
    if [ "${TREE_RSS:-0}" = 1 ]; then
        "$PY" "$ROOT/bench/speed/treerss.py" "$CUR_TP" > "$logf.rss" &
        CUR_WP=$!
    fi
    wait "$CUR_TP" || rc=$?
    t1=$(now)
    CUR_TP=
    if [ -n "$CUR_WP" ]; then wait "$CUR_WP" || true; CUR_WP=; fi
    if [ "$rc" -ne 0 ] && [ "$rc" -ne "${OK_RC:-0}" ]; then
        echo "run.sh: $name failed (exit status $rc); see $logf.err" >&2; tail -5 "$logf.err" >&2; return 1
    fi
    rec "$size" "$run" "${name}_s" "$(python3 -c "print(round($t1 - $t0, 4))")"
    rec "$size" "$run" "${name}_rss_kb" "$(rss_kb "$logf.time")"
    rec "$size" "$run" "${name}_cpu_s" "$(cpu_s "$logf.time")"
    if [ "${TREE_RSS:-0}" = 1 ] && [ -s "$logf.rss" ]; then
        local j; j=$(cat "$logf.rss")
        if [ "$(jget "$j" max_procs)" -gt 0 ]; then  # else it ended before the first poll
            rec "$size" "$run" "${name}_rss_all_kb" "$(jget "$j" max_rss_kb)"
            rec "$size" "$run" "${name}_procs" "$(jget "$j" max_procs)"
        fi
    fi
}

# The three queries of the whole-process comparison (words all three
# programs understand alike).
PROC_QUERIES=("trade finance" '"cross-border payments"' "financement du commerce")

start_daemon() { # DB [DAEMON ARGS...] → sets DPID, DURL
    local db=$1 f=$WORK/searchd.out
    shift
    "$WTSD" --db "$db" --listen 127.0.0.1:0 "$@" > "$f" 2> "$f.err" &
    DPID=$!
    DURL=
    for _ in $(seq 100); do
        DURL=$(grep -o 'http://[0-9.:]*' "$f" | head -1 || true)
        [ -n "$DURL" ] && break
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$DURL" ]
}
stop_daemon() {
    kill "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
    DPID=
}

# wrk_daemon SIZE RUN PREFIX WHAT DB [DAEMON ARGS...]: wtosearchd on DB under
# wrk (a warm-up of 5 s, then WRK_SECONDS timed), its figures recorded as
# PREFIX_qps, PREFIX_p50_ms, ...
wrk_daemon() {
    local size=$1 run=$2 pre=$3 what=$4 db=$5; shift 5
    log "size $size run $run: wtosearchd $what under wrk (16 connections, ${WRK_SECONDS} s)"
    if ! start_daemon "$db" "$@"; then
        log "wtosearchd did not start; see $WORK/searchd.out.err"
        stop_daemon
        return 0
    fi
    WTS_QUERIES=$QUERIES wrk -t2 -c16 -d5s -s "$ROOT/bench/speed/search.lua" "$DURL" > /dev/null 2>&1 || true
    # the daemon's CPU time (utime + stime of all its threads) over the timed run only
    local c0 c1 j req dur wcpu k
    c0=$(cpu_ticks "$DPID" 2>/dev/null || echo)
    WTS_QUERIES=$QUERIES /usr/bin/time -f '%U %S' -o "$L/$pre-wrk.cpu" \
        wrk -t2 -c16 -d"${WRK_SECONDS}s" --latency -s "$ROOT/bench/speed/search.lua" "$DURL" \
        > "$L/$pre-wrk.txt" 2>&1 || true
    c1=$(cpu_ticks "$DPID" 2>/dev/null || echo)
    # a daemon that died under the load is a fault to see, not a figure
    local died=0 drc=0
    if ! kill -0 "$DPID" 2>/dev/null; then
        died=1
        wait "$DPID" || drc=$?
        log "wtosearchd $what DIED during the run (exit status $drc); its log: $L/$pre.err"
    fi
    stop_daemon
    cp "$WORK/searchd.out.err" "$L/$pre.err" 2>/dev/null || true
    rec "$size" "$run" "${pre}_died" "$died"
    j=$(sed -n 's/^WRK_JSON //p' "$L/$pre-wrk.txt")
    [ -n "$j" ] || return 0
    req=$(jget "$j" requests); dur=$(jget "$j" duration_s)
    rec "$size" "$run" "${pre}_qps" "$(python3 -c "print(round($req / $dur, 1))")"
    for k in p50 p99; do rec "$size" "$run" "${pre}_${k}_ms" "$(jget "$j" ${k}_ms)"; done
    rec "$size" "$run" "${pre}_errors" "$(( $(jget "$j" non2xx) + $(jget "$j" socket_errors) ))"
    rec "$size" "$run" "${pre}_requests" "$req"
    rec "$size" "$run" "${pre}_wall_s" "$dur"
    if [ -n "$c0" ] && [ -n "$c1" ]; then
        rec "$size" "$run" "${pre}_cpu_s" "$(python3 -c "print(round(($c1 - $c0) / $TCK, 3))")"
    fi
    wcpu=$(tail -1 "$L/$pre-wrk.cpu" 2>/dev/null | awk 'NF == 2 {print $1 + $2}')
    if [ -n "$wcpu" ]; then rec "$size" "$run" "${pre}_wrk_cpu_s" "$wcpu"; fi
}

# corpus_subset N DEST: the first N documents of $CORPUS (by path), copied
# with their directories (for the profiles, on a corpus too large for them)
corpus_subset() {
    rm -rf "$2"
    mkdir -p "$2"
    (cd "$CORPUS" && corpus_files . '%P\n' | sort | sed -n "1,$1p" | xargs -r -d '\n' cp --parents -t "$2")
}

# ---- the runs ---------------------------------------------------------------
T_START=$(now)
for i in "${!sizes[@]}"; do
    size=${sizes[i]}
    if [ -n "$CORPUS" ]; then
        corpus=$CORPUS
        log "size $size: the files of $corpus"
        raw=$(corpus_files "$corpus" '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
    else
        corpus=$WORK/corpus-$size
        rm -rf "$corpus"
        log "size $size: generating the corpus"
        t0=$(now)
        genout=$("$GEN" --seed "$SEED" --count "$size" --out "$corpus")
        rec "$size" 0 gen_s "$(since "$t0")"
        raw=$(echo "$genout" | sed -n 's/.*documents, \([0-9]*\) bytes.*/\1/p')
    fi
    rec "$size" 0 raw_bytes "$raw"
    rec "$size" 0 docs "$size"
    rec "$size" 0 runs "${runs_of[i]}"
    rec "$size" 0 queries "$NQ"
    drawn=$WORK/drawn-$size.txt
    rm -f "$drawn"
    if [ "$DRAWN" -gt 0 ]; then
        log "size $size: drawing $DRAWN queries from the corpus"
        if python3 "$ROOT/bench/speed/drawq.py" "$corpus" --count "$DRAWN" --seed "$SEED" > "$drawn"; then
            rec "$size" 0 drawn_queries "$(wc -l < "$drawn")"
        else
            log "size $size: no queries drawn (see above); the fixed set only"
            rm -f "$drawn"
        fi
    fi
    for run in $(seq "${runs_of[i]}"); do
        L=$WORK/logs-$size-$run
        mkdir -p "$L"
        rec "$size" "$run" loadavg_1m "$(cut -d' ' -f1 /proc/loadavg)"
        db=$WORK/wts-$size
        log "size $size run $run: wtosearch index"
        rm -rf "$db"
        TREE_RSS=1 OK_RC=1 timed "$size" "$run" wts_index "$L/index" "$WTS" index --db "$db" "$corpus"
        rec "$size" "$run" wts_index_bytes "$(du -sb "$db" | cut -f1)"
        paras=$(sed -n 's/.*(\([0-9]*\) paragraphs).*/\1/p' "$L/index" | tail -1)
        rec "$size" "$run" wts_paragraphs "${paras:-0}"
        skipped=$(sed -n 's/^indexed .* \([0-9][0-9]*\) skipped.*/\1/p' "$L/index" | tail -1)
        rec "$size" "$run" wts_index_skipped "${skipped:-0}"
        log "size $size run $run: wtosearch re-index (unchanged)"
        OK_RC=1 timed "$size" "$run" wts_reindex "$L/reindex" "$WTS" index --db "$db" "$corpus"
        log "size $size run $run: wtosearch index --termlists, and its queries (qlat.py)"
        tdb=$WORK/wts-termlists-$size
        rm -rf "$tdb"
        OK_RC=1 timed "$size" "$run" wts_tl_index "$L/index-termlists" "$WTS" index --termlists --db "$tdb" "$corpus"
        rec "$size" "$run" wts_tl_index_bytes "$(du -sb "$tdb" | cut -f1)"
        python3 "$ROOT/bench/speed/qlat.py" "$WTS" "$tdb" "$QUERIES" \
            | query_times "$size" "$run" "$L/qlat-termlists.json" wts_tl_q p50 p99
        log "size $size run $run: Xapian's writer alone on the same documents (xapian_replay)"
        rdb=$WORK/replay-$size
        rm -rf "$rdb"
        if "$XREPLAY" "$tdb" "$rdb" > "$L/xreplay.json" 2> "$L/xreplay.err"; then
            j=$(cat "$L/xreplay.json")
            for k in read_s writer_s read_cpu_s writer_cpu_s; do rec "$size" "$run" "xreplay_$k" "$(jget "$j" "$k")"; done
        else
            log "xapian_replay failed; see $L/xreplay.err"
        fi
        rm -rf "$tdb" "$rdb"

        log "size $size run $run: queries, whole file through batch --threads 1"
        t0=$(now)
        "$WTS" batch --threads 1 --db "$db" "$QUERIES_JSONL" > "$L/batch.jsonl" || true
        rec "$size" "$run" wts_batch_file_s "$(since "$t0")"
        rec "$size" "$run" wts_batch_errors "$(grep -c '"error"' "$L/batch.jsonl" || true)"
        log "size $size run $run: queries, one at a time (qlat.py)"
        python3 "$ROOT/bench/speed/qlat.py" "$WTS" "$db" "$QUERIES" \
            | query_times "$size" "$run" "$L/qlat.json" wts_q mean p50 p90 p99

        log "size $size run $run: minimal Xapian"
        xdb=$WORK/xmin-$size
        rm -rf "$xdb"
        timed "$size" "$run" xmin_index "$L/xmin" "$XMIN" index "$xdb" "$corpus"
        rec "$size" "$run" xmin_index_bytes "$(du -sb "$xdb" | cut -f1)"
        rec "$size" "$run" xmin_docs "$(jget "$(cat "$L/xmin")" docs)"
        "$XMIN" query "$xdb" "$QUERIES" | query_times "$size" "$run" "$L/xmin-query.json" xmin_q mean p50 p90 p99

        log "size $size run $run: omindex"
        odb=$WORK/omega-$size
        rm -rf "$odb"
        timed "$size" "$run" omindex "$L/omindex" omindex --db "$odb" --url / "$corpus"
        rec "$size" "$run" omindex_bytes "$(du -sb "$odb" | cut -f1)"

        log "size $size run $run: SQLite FTS5"
        fdb=$WORK/fts5-$size.db
        timed "$size" "$run" fts5_index "$L/fts5" python3 "$ROOT/bench/speed/fts5.py" index "$fdb" "$corpus"
        rec "$size" "$run" fts5_index_bytes "$(stat -c %s "$fdb")"
        rec "$size" "$run" fts5_docs "$(jget "$(cat "$L/fts5")" docs)"
        python3 "$ROOT/bench/speed/fts5.py" query "$fdb" "$QUERIES" \
            | query_times "$size" "$run" "$L/fts5-query.json" fts5_q mean p50 p90 p99

        if [ -s "$drawn" ]; then
            log "size $size run $run: the queries drawn from the corpus (wtosearch, minimal Xapian, FTS5)"
            python3 "$ROOT/bench/speed/qlat.py" "$WTS" "$db" "$drawn" \
                | query_times "$size" "$run" "$L/qlat-drawn.json" wts_qd mean p50 p90 p99
            rec "$size" "$run" wts_qd_errors "$(jget "$(cat "$L/qlat-drawn.json")" errors)"
            "$XMIN" query "$xdb" "$drawn" | query_times "$size" "$run" "$L/xmin-query-drawn.json" xmin_qd p50 p99
            python3 "$ROOT/bench/speed/fts5.py" query "$fdb" "$drawn" \
                | query_times "$size" "$run" "$L/fts5-query-drawn.json" fts5_qd p50 p99
        fi

        log "size $size run $run: one process per search (hyperfine)"
        cmds=()
        for q in "${PROC_QUERIES[@]}"; do cmds+=("$WTS search --db $db '$q'"); done
        for q in "${PROC_QUERIES[@]}"; do cmds+=("quest -d $odb '$q'"); done
        hyperfine -N -i --style none --warmup 3 --runs 30 --export-json "$L/hyperfine.json" "${cmds[@]}" \
            > "$L/hyperfine.txt" 2>&1
        read -r wp qp < <(python3 - "$L/hyperfine.json" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
med = [statistics.median(x["times"]) * 1000 for x in r]
h = len(med) // 2
print(round(sum(med[:h]) / h, 3), round(sum(med[h:]) / h, 3))
EOF
)
        rec "$size" "$run" wts_proc_ms "$wp"
        rec "$size" "$run" quest_proc_ms "$qp"

        if [ -x "$WTSD" ]; then
            # every query run (no answers kept), then as the daemon starts
            # by default: answers kept, the same queries asked again and again
            wrk_daemon "$size" "$run" searchd "without its cache" "$db" --cache-bytes 0
            wrk_daemon "$size" "$run" searchd_cached "with its cache (default)" "$db"
        fi

        log "size $size run $run: wtosearch re-index with one file changed"
        # on a copy of the index, which the query profile below reads as
        # built; the file lies beside the corpus, which stays as it is
        cdb=$db.changed extra=$WORK/changed-$size
        rm -rf "$cdb" "$extra"
        cp -a "$db" "$cdb"
        mkdir -p "$extra"
        printf '1.  The Group discussed a plan for small firms.\n' > "$extra/changed.en.txt"
        "$WTS" index --db "$cdb" "$corpus" "$extra" > "$L/changed-first" 2>&1 || true
        printf '2.  The plan was welcomed.\n' >> "$extra/changed.en.txt"
        OK_RC=1 timed "$size" "$run" wts_changed "$L/changed" "$WTS" index --db "$cdb" "$corpus" "$extra"
        rm -rf "$cdb" "$extra"
    done
done

PROF=$WORK/profile.txt
QPROF=$WORK/profile-queries.txt
rm -f "$PROF" "$QPROF"
if [ "$PROFILE" = 1 ]; then
    PERF_OK=0
    if perf stat -e instructions true >/dev/null 2>&1; then PERF_OK=1; fi

    # ---- the profile of the queries, at the largest size --------------------
    qsize=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
    qdb=$WORK/wts-$qsize
    qwhat="wtosearch batch --threads 1 of the $NQ queries over the index of $qsize documents"
    "$WTS" batch --threads 1 --db "$qdb" "$QUERIES_JSONL" > /dev/null 2>&1 || true  # page cache warm
    if [ "$PERF_OK" = 1 ]; then
        log "profile: perf record (DWARF call stacks) of $qwhat"
        rm -f "$WORK/perf-queries.data"
        perf record -F 999 --call-graph dwarf -o "$WORK/perf-queries.data" \
            "$WTS" batch --threads 1 --db "$qdb" "$QUERIES_JSONL" > /dev/null 2> "$WORK/perf-queries.err" || true
        if [ -s "$WORK/perf-queries.data" ]; then
            log "profile: reading the stacks"
            { echo "tool: perf record -F 999 --call-graph dwarf, $qwhat"
              echo "self: share of samples in the function itself"
              perf report -i "$WORK/perf-queries.data" --stdio --no-children --sort dso,symbol --percent-limit 0.3 \
                  2>/dev/null | grep -E '^ +[0-9.]+%' | sed 's/  */ /g' | sed -n '1,40p' || true
              echo "--- stacks"
              perf script -F ip,sym,dso -i "$WORK/perf-queries.data" 2>/dev/null \
                  | python3 "$ROOT/bench/speed/qprof.py" || true
            } > "$QPROF"
        else
            log "profile: perf record of the queries failed; see $WORK/perf-queries.err"
        fi
    else
        log "profile: callgrind of $qwhat (perf is not allowed here)"
        valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind-queries.out" \
            "$WTS" batch --threads 1 --db "$qdb" "$QUERIES_JSONL" > /dev/null 2>&1 || true
        { echo "tool: valgrind --tool=callgrind, $qwhat"
          echo "self: share of instructions in the function itself (user space only: callgrind does not see the kernel, so neither pread64's system call)"
          callgrind_annotate "$WORK/callgrind-queries.out" 2>/dev/null | sed -n '/^ *Ir/,$p' | sed -n '1,45p' || true
          echo "--- stacks"
          callgrind_annotate --inclusive=yes "$WORK/callgrind-queries.out" 2>/dev/null | sed -n '/^ *Ir/,$p' \
              | sed -n '1,45p' || true
        } > "$QPROF"
    fi

    # ---- the profile of the indexer ------------------------------------------
    if [ "$PERF_OK" = 1 ]; then
        psize=10000
        if [ -n "$CORPUS" ]; then
            pcorpus=$CORPUS pwhat="wtosearch index of the $SIZES files of $CORPUS"
            if [ "$SIZES" -gt "$psize" ]; then
                pcorpus=$WORK/corpus-prof-$psize pwhat="wtosearch index of the first $psize files of $CORPUS"
                corpus_subset "$psize" "$pcorpus"
            fi
        else
            pcorpus=$WORK/corpus-$psize pwhat="wtosearch index of $psize documents"
            [ -d "$pcorpus" ] || "$GEN" --seed "$SEED" --count "$psize" --out "$pcorpus" > /dev/null
        fi
        log "profile: perf record (DWARF call stacks) of $pwhat"
        rm -rf "$WORK/prof-db"
        # `wtosearch index` runs wtosearch-index (exec): profiled directly,
        # as perf unwinds few stacks of a process after its exec
        pexe=$WTS
        [ -x "$WORK/bin/wtosearch-index" ] && pexe=$WORK/bin/wtosearch-index
        perf record -F 99 --call-graph dwarf,32768 -o "$WORK/perf.data" \
            "$pexe" index --db "$WORK/prof-db" "$pcorpus" > /dev/null 2> "$WORK/perf.err" || true
        log "profile: reading the stacks"
        { echo "tool: perf record -F 99 --call-graph dwarf, $pwhat"
          echo "self: share of samples in the function itself"
          perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.5 2>/dev/null \
              | grep -E '^ +[0-9.]+%' | sed 's/  */ /g' | sed -n '1,40p' || true
          echo "--- stacks"
          perf script -F ip,sym,dso -i "$WORK/perf.data" 2>/dev/null | python3 "$ROOT/bench/speed/stages.py" || true
        } > "$PROF"
    else
        psize=1000
        pcorpus=$WORK/corpus-prof-$psize
        if [ -n "$CORPUS" ]; then
            corpus_subset "$psize" "$pcorpus"
            pwhat="wtosearch index of the first $(corpus_files "$pcorpus" 'x\n' | wc -l) files of $CORPUS"
        else
            "$GEN" --seed "$SEED" --count "$psize" --out "$pcorpus" > /dev/null
            pwhat="wtosearch index of $psize documents"
        fi
        log "profile: callgrind of $pwhat (perf is not allowed here)"
        rm -rf "$WORK/prof-db" "$WORK"/callgrind.out.*
        # One output per process (%p): the indexer forks one per shard.
        valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out.%p" \
            "$WTS" index --db "$WORK/prof-db" "$pcorpus" > /dev/null 2>&1 || true
        nout=$(ls "$WORK"/callgrind.out.* 2>/dev/null | wc -l)
        cgout=$(grep -H '^totals:' "$WORK"/callgrind.out.* 2>/dev/null | sort -t' ' -k2,2n | tail -1 | cut -d: -f1 || true)
        if [ -n "$cgout" ]; then
            [ "$nout" -le 1 ] || pwhat="$pwhat (the busiest of its $nout processes: one per shard, and the parent)"
            { echo "tool: valgrind --tool=callgrind, $pwhat"
              echo "self: share of instructions in the function itself"
              callgrind_annotate "$cgout" 2>/dev/null | sed -n '/^ *Ir/,$p' | sed -n '1,45p' || true
              echo "--- stacks"
              callgrind_annotate --inclusive=yes "$cgout" 2>/dev/null | sed -n '/^ *Ir/,$p' | sed -n '1,45p' || true
            } > "$PROF"
        fi
    fi
fi

rec 0 0 loadavg_1m_end "$(cut -d' ' -f1 /proc/loadavg)"
log "writing $OUT"
python3 "$ROOT/bench/speed/report.py" --results "$RES" --out "$OUT" --queries "$QUERIES_IN" \
    --queries-used "$QUERIES" --profile "$PROF" --query-profile "$QPROF" --runs "$RUNS_PER_SIZE" \
    --sizes "$SIZES" --seed "$SEED" --corpus "$CORPUS" --wrk-seconds "$WRK_SECONDS" --no-profile "$((1 - PROFILE))" \
    --drawn "$DRAWN" \
    --elapsed "$(since "$T_START")" --wts "$WTS" --wtsd "$WTSD"
log "done in $(since "$T_START") s"
