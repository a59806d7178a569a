#!/usr/bin/env bash
# Benchmark: mieru against Hugo on the same synthetic data.
#
#   bench/run.sh                 # 500, 5,000 and 50,000 programs × 5 years, 3 runs each
#   SIZES="500 5000" RUNS=5 bench/run.sh
#
# Installs Hugo and GNU time from apt when missing, builds mieru (release),
# generates each site once with the `synth` example (seed 1), then builds it
# alternately with `mieru build` and `hugo --minify`, each from an empty
# output folder, and prints a Markdown table. Work files go to $BENCH_DIR
# (default: /tmp/mieru-bench); they are large (about 10 GB at 50,000).
set -euo pipefail

SIZES=${SIZES:-"500 5000 50000"}
RUNS=${RUNS:-3}
YEARS=${YEARS:-5}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/mieru-bench}
REPO=$(cd "$(dirname "$0")/.." && pwd)

need_apt() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "$@"
}
command -v hugo >/dev/null 2>&1 || need_apt hugo
[ -x /usr/bin/time ] || need_apt time

cd "$REPO"
cargo build --release --quiet --bin mieru --example synth
MIERU="$REPO/target/release/mieru"
SYNTH="$REPO/target/release/examples/synth"
mkdir -p "$BENCH_DIR"
RESULTS="$BENCH_DIR/results.tsv"
: >"$RESULTS"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(hugo version | cut -d' ' -f1-2); mieru $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" >&2

# One timed run: prints "seconds max_rss_kb".
timed() {
    local log="$BENCH_DIR/time.txt"
    /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" || {
        echo "failed: $*" >&2
        cat "$BENCH_DIR/stderr.txt" >&2
        exit 1
    }
    tail -n 1 "$log"
}

# Before each timed run: write out and drop the page cache (when allowed,
# as root), then read the tool's input once, so that every run starts the
# same way: input in memory, no dirty pages of the previous run, and no
# freshly deleted inodes for the file system to step around (on ext4
# without a journal, creating files right after deleting many is several
# times slower).
settle() {
    sync
    if [ -w /proc/sys/vm/drop_caches ]; then
        echo 3 >/proc/sys/vm/drop_caches
    fi
    find "$@" -type f -exec cat {} + >/dev/null
}

for n in $SIZES; do
    site="$BENCH_DIR/site-$n-$YEARS-$SEED"
    if [ ! -d "$site/content" ]; then
        rm -rf "$site"
        echo "generating $n programs × $YEARS years…" >&2
        "$SYNTH" --programs "$n" --years "$YEARS" --seed "$SEED" --out "$site" >&2
    fi
    for run in $(seq 1 "$RUNS"); do
        rm -rf "$BENCH_DIR/out-mieru" "$BENCH_DIR/out-hugo"
        settle "$site/content" "$site/themes"
        read -r secs rss < <(timed "$MIERU" build --root "$site" --output "$BENCH_DIR/out-mieru" --quiet)
        pages=$(find "$BENCH_DIR/out-mieru" -name '*.html' | wc -l)
        charts=$(find "$BENCH_DIR/out-mieru" -name '*.svg' | wc -l)
        printf 'mieru\t%s\t%s\t%s\t%s\t%s\n' "$n" "$pages" "$charts" "$secs" "$rss" >>"$RESULTS"
        echo "  mieru $n run $run: ${secs} s, ${rss} KB, $pages pages" >&2
        rm -rf "$BENCH_DIR/out-mieru"
        settle "$site/hugo"
        read -r secs rss < <(timed hugo --minify --quiet --source "$site/hugo" --destination "$BENCH_DIR/out-hugo")
        pages=$(find "$BENCH_DIR/out-hugo" -name '*.html' | wc -l)
        printf 'hugo\t%s\t%s\t0\t%s\t%s\n' "$n" "$pages" "$secs" "$rss" >>"$RESULTS"
        echo "  hugo  $n run $run: ${secs} s, ${rss} KB, $pages pages" >&2
    done
done
rm -rf "$BENCH_DIR/out-mieru" "$BENCH_DIR/out-hugo"

# The table: median, min and max wall time; pages/s at the median; peak RSS
# (the largest of the runs); mieru/Hugo ratio of pages/s.
sort -k2,2n -k1,1 -k5,5g "$RESULTS" | awk -F'\t' '
    function flush() {
        if (cnt == 0) return
        med = (cnt % 2) ? t[(cnt + 1) / 2] : (t[cnt / 2] + t[cnt / 2 + 1]) / 2
        pps = (med > 0) ? pg / med : 0
        key = size
        if (tool == "mieru") mpps[key] = pps; else hpps[key] = pps
        line[++nl] = sprintf("| %s | %s | %d | %d | %.2f | %.2f | %.2f | %.0f | %.0f |", tool, size, pg, ch, med, t[1], t[cnt], pps, rss / 1024)
        ltool[nl] = tool; lsize[nl] = size
        cnt = 0; rss = 0
    }
    { if ($1 != tool || $2 != size) flush()
      tool = $1; size = $2; pg = $3; ch = $4; t[++cnt] = $5; if ($6 > rss) rss = $6 }
    END {
        flush()
        print "| tool | programs | pages | charts | wall median s | min s | max s | pages/s | peak RSS MB | mieru/Hugo pages/s |"
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= nl; i++) {
            r = (ltool[i] == "mieru" && hpps[lsize[i]] > 0) ? sprintf("%.2f×", mpps[lsize[i]] / hpps[lsize[i]]) : ""
            print line[i] " " r " |"
        }
    }'
