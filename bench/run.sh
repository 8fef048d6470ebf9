#!/usr/bin/env bash
# bench/run.sh: the speed benchmarks of wtosearch and its peers, in one
# command.  See bench/README.md.
#
#   bash bench/run.sh [--sizes 10000,100000] [--runs 3] [--seed 1]
#                     [--work DIR] [--out FILE] [--no-profile] [--wrk-seconds 30]
#
# For each size: generates the corpus (corpus/gen), then measures, --runs
# times, wtosearch (index, re-index, queries in one process, one search
# process, the daemon under wrk) and its peers on the same corpus (a
# minimal Xapian indexer and query loop, omindex + quest, SQLite FTS5).
# Writes bench/RESULTS.md (or --out): medians of the runs with min-max,
# and the machine it ran on.  Work files (corpora, indexes, logs) go to
# --work (default /tmp/wtosearch-bench); they are kept for inspection.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=10000
RUNS=3
SEED=1
WORK=${BENCH_WORK:-/tmp/wtosearch-bench}
OUT=$ROOT/bench/RESULTS.md
PROFILE=1
WRK_SECONDS=30

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-profile) PROFILE=0; shift ;;
    --wrk-seconds) WRK_SECONDS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs wants a positive number" >&2; exit 2; }
[[ $SIZES =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run.sh: --sizes wants numbers separated by commas" >&2; exit 2; }

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
mkdir -p "$WORK"
mkdir -p "$WORK/bin"
# The programs measured are copies taken now: a rebuild of the tree during
# the run (others at work on the same checkout) changes nothing measured,
# and the profile's symbols match the program that ran.
for p in cli/wtosearch corpus/gen/wtosearch-gen searchd/wtosearchd; do
    rm -f "$WORK/bin/${p##*/}"
    [ -x "$ROOT/build/$p" ] && cp "$ROOT/build/$p" "$WORK/bin/"
done
WTS=$WORK/bin/wtosearch
GEN=$WORK/bin/wtosearch-gen
WTSD=$WORK/bin/wtosearchd
QUERIES=$ROOT/bench/speed/queries.txt
XMIN=$WORK/xapian_min
g++ -O2 -std=c++17 -o "$XMIN" "$ROOT/bench/speed/xapian_min.cc" $(pkg-config --cflags --libs xapian-core)

RES=$WORK/results.jsonl
: > "$RES"
rec() { # size run metric value
    printf '{"size": %s, "run": %s, "metric": "%s", "value": %s}\n' "$1" "$2" "$3" "$4" >> "$RES"
}
now() { echo "$EPOCHREALTIME"; }
since() { python3 -c "import sys; print(round($(now) - $1, 4))"; }
jget() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# timed SIZE RUN NAME LOG cmd...: wall time and peak RSS of cmd
timed() {
    local size=$1 run=$2 name=$3 logf=$4; shift 4
    local t0; t0=$(now)
    /usr/bin/time -v -o "$logf.time" "$@" > "$logf" 2> "$logf.err" || {
        echo "run.sh: $name failed; see $logf.err" >&2; tail -5 "$logf.err" >&2; return 1; }
    rec "$size" "$run" "${name}_s" "$(since "$t0")"
    rec "$size" "$run" "${name}_rss_kb" "$(rss_kb "$logf.time")"
}

# The three queries of the whole-process comparison (words all three
# programs understand alike).
PROC_QUERIES=("trade finance" '"cross-border payments"' "financement du commerce")

start_daemon() { # DB → sets DPID, DURL
    local db=$1 f=$WORK/searchd.out
    "$WTSD" --db "$db" --listen 127.0.0.1:0 > "$f" 2> "$f.err" &
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

# ---- the runs ---------------------------------------------------------------
IFS=, read -r -a sizes <<< "$SIZES"
T_START=$(now)
for size in "${sizes[@]}"; do
    corpus=$WORK/corpus-$size
    rm -rf "$corpus"
    log "size $size: generating the corpus"
    t0=$(now)
    genout=$("$GEN" --seed "$SEED" --count "$size" --out "$corpus")
    rec "$size" 0 gen_s "$(since "$t0")"
    raw=$(echo "$genout" | sed -n 's/.*documents, \([0-9]*\) bytes.*/\1/p')
    rec "$size" 0 raw_bytes "$raw"
    rec "$size" 0 docs "$size"
    for run in $(seq "$RUNS"); do
        L=$WORK/logs-$size-$run
        mkdir -p "$L"
        rec "$size" "$run" loadavg_1m "$(cut -d' ' -f1 /proc/loadavg)"
        db=$WORK/wts-$size
        log "size $size run $run: wtosearch index"
        rm -rf "$db"
        timed "$size" "$run" wts_index "$L/index" "$WTS" index --db "$db" "$corpus"
        rec "$size" "$run" wts_index_bytes "$(du -sb "$db" | cut -f1)"
        paras=$(sed -n 's/.*(\([0-9]*\) paragraphs).*/\1/p' "$L/index" | tail -1)
        rec "$size" "$run" wts_paragraphs "${paras:-0}"
        log "size $size run $run: wtosearch re-index (unchanged)"
        timed "$size" "$run" wts_reindex "$L/reindex" "$WTS" index --db "$db" "$corpus"

        log "size $size run $run: queries, whole file through batch --threads 1"
        t0=$(now)
        "$WTS" batch --threads 1 --db "$db" "$QUERIES" > "$L/batch.jsonl" || true
        rec "$size" "$run" wts_batch_file_s "$(since "$t0")"
        rec "$size" "$run" wts_batch_errors "$(grep -c '"error"' "$L/batch.jsonl" || true)"
        log "size $size run $run: queries, one at a time (qlat.py)"
        j=$(python3 "$ROOT/bench/speed/qlat.py" "$WTS" "$db" "$QUERIES")
        echo "$j" > "$L/qlat.json"
        for k in mean p50 p90 p99; do rec "$size" "$run" "wts_q_${k}_ms" "$(jget "$j" ${k}_ms)"; done

        log "size $size run $run: minimal Xapian"
        xdb=$WORK/xmin-$size
        rm -rf "$xdb"
        timed "$size" "$run" xmin_index "$L/xmin" "$XMIN" index "$xdb" "$corpus"
        rec "$size" "$run" xmin_index_bytes "$(du -sb "$xdb" | cut -f1)"
        j=$("$XMIN" query "$xdb" "$QUERIES")
        echo "$j" > "$L/xmin-query.json"
        for k in mean p50 p90 p99; do rec "$size" "$run" "xmin_q_${k}_ms" "$(jget "$j" ${k}_ms)"; done

        log "size $size run $run: omindex"
        odb=$WORK/omega-$size
        rm -rf "$odb"
        timed "$size" "$run" omindex "$L/omindex" omindex --db "$odb" --url / "$corpus"
        rec "$size" "$run" omindex_bytes "$(du -sb "$odb" | cut -f1)"

        log "size $size run $run: SQLite FTS5"
        fdb=$WORK/fts5-$size.db
        timed "$size" "$run" fts5_index "$L/fts5" python3 "$ROOT/bench/speed/fts5.py" index "$fdb" "$corpus"
        rec "$size" "$run" fts5_index_bytes "$(stat -c %s "$fdb")"
        j=$(python3 "$ROOT/bench/speed/fts5.py" query "$fdb" "$QUERIES")
        echo "$j" > "$L/fts5-query.json"
        for k in mean p50 p90 p99; do rec "$size" "$run" "fts5_q_${k}_ms" "$(jget "$j" ${k}_ms)"; done

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
            log "size $size run $run: wtosearchd under wrk (16 connections, ${WRK_SECONDS} s)"
            if start_daemon "$db"; then
                WTS_QUERIES=$QUERIES wrk -t2 -c16 -d5s -s "$ROOT/bench/speed/search.lua" "$DURL" > /dev/null 2>&1 || true
                WTS_QUERIES=$QUERIES wrk -t2 -c16 -d"${WRK_SECONDS}s" --latency -s "$ROOT/bench/speed/search.lua" "$DURL" \
                    > "$L/wrk.txt" 2>&1 || true
                kill "$DPID" 2>/dev/null || true
                wait "$DPID" 2>/dev/null || true
                j=$(sed -n 's/^WRK_JSON //p' "$L/wrk.txt")
                if [ -n "$j" ]; then
                    req=$(jget "$j" requests); dur=$(jget "$j" duration_s)
                    rec "$size" "$run" searchd_qps "$(python3 -c "print(round($req / $dur, 1))")"
                    for k in p50 p99; do rec "$size" "$run" "searchd_${k}_ms" "$(jget "$j" ${k}_ms)"; done
                    rec "$size" "$run" searchd_errors "$(( $(jget "$j" non2xx) + $(jget "$j" socket_errors) ))"
                fi
            else
                log "wtosearchd did not start; see $WORK/searchd.out.err"
                kill "$DPID" 2>/dev/null || true
            fi
        fi
    done
done

# ---- the profile of the indexer ---------------------------------------------
PROF=$WORK/profile.txt
rm -f "$PROF"
if [ "$PROFILE" = 1 ]; then
    psize=10000
    pcorpus=$WORK/corpus-$psize
    if perf stat -e instructions true >/dev/null 2>&1; then
        [ -d "$pcorpus" ] || "$GEN" --seed "$SEED" --count "$psize" --out "$pcorpus" > /dev/null
        log "profile: perf record (DWARF call stacks) of wtosearch index, $psize documents"
        rm -rf "$WORK/prof-db"
        perf record -F 99 --call-graph dwarf,32768 -o "$WORK/perf.data" \
            "$WTS" index --db "$WORK/prof-db" "$pcorpus" > /dev/null 2> "$WORK/perf.err"
        log "profile: reading the stacks"
        { echo "tool: perf record -F 99 --call-graph dwarf, wtosearch index of $psize documents"
          echo "self: share of samples in the function itself"
          perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.5 2>/dev/null \
              | grep -E '^ +[0-9.]+%' | sed 's/  */ /g' | head -40
          echo "--- stacks"
          perf script -F ip,sym,dso -i "$WORK/perf.data" 2>/dev/null | python3 "$ROOT/bench/speed/stages.py"
        } > "$PROF"
    else
        psize=1000
        pcorpus=$WORK/corpus-prof-$psize
        "$GEN" --seed "$SEED" --count "$psize" --out "$pcorpus" > /dev/null
        log "profile: callgrind of wtosearch index, $psize documents (perf is not allowed here)"
        rm -rf "$WORK/prof-db"
        valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
            "$WTS" index --db "$WORK/prof-db" "$pcorpus" > /dev/null 2>&1
        { echo "tool: valgrind --tool=callgrind, wtosearch index of $psize documents"
          echo "self: share of instructions in the function itself"
          callgrind_annotate "$WORK/callgrind.out" 2>/dev/null | sed -n '/^ *Ir/,$p' | head -45
          echo "--- stacks"
          callgrind_annotate --inclusive=yes "$WORK/callgrind.out" 2>/dev/null | sed -n '/^ *Ir/,$p' | head -45
        } > "$PROF"
    fi
fi

rec 0 0 loadavg_1m_end "$(cut -d' ' -f1 /proc/loadavg)"
log "writing $OUT"
python3 "$ROOT/bench/speed/report.py" --results "$RES" --out "$OUT" --queries "$QUERIES" \
    --profile "$PROF" --runs "$RUNS" --sizes "$SIZES" --seed "$SEED" --wrk-seconds "$WRK_SECONDS" \
    --elapsed "$(since "$T_START")" --wts "$WTS" --wtsd "$WTSD"
log "done in $(since "$T_START") s"
