#!/usr/bin/env bash
# Times `pgadvise analyze` against pgbadger on the same generated PostgreSQL 15
# stderr log, and prints a Markdown table.
#
#   bash bench/run.sh                      # 300 MB log, 3 runs each
#   SIZE=1GB RUNS=1 bash bench/run.sh
#   PGBADGER_JOBS= bash bench/run.sh       # pgadvise only
#
# Environment:
#   SIZE           log size: bytes or 300MB, 1GB, 64MiB ...      (300MB)
#   RUNS           runs per tool; the table shows medians         (3)
#   SEED           generator seed                                 (1)
#   PGBADGER       pgbadger binary                                (/usr/bin/pgbadger)
#   PGBADGER_JOBS  space-separated -j values to time pgbadger with ("1 2")
#   PGBADGER_MAX   if pgbadger's first run takes longer than this many seconds,
#                  it is run once only (and the table says so)   (300)
#
# Wall times depend on what else the machine runs: the table also gives CPU
# time (user + system), and the load average before and after. Everything
# is written to a temporary directory that is removed at the end.
set -euo pipefail

SIZE=${SIZE:-300MB}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
PGBADGER=${PGBADGER:-/usr/bin/pgbadger}
PGBADGER_JOBS=${PGBADGER_JOBS-"1 2"}
PGBADGER_MAX=${PGBADGER_MAX:-300}
PREFIX='%m [%p] %q%u@%d '
TIME=/usr/bin/time

cd "$(dirname "$0")/.."

if [ ! -x "$TIME" ]; then
	echo "run.sh: $TIME is missing; installing GNU time" >&2
	if ! { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }; }; then
		echo "run.sh: could not install GNU time (apt-get install time)" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgadvise-bench.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building pgadvise and loggen ..." >&2
go build -o "$tmp/pgadvise" ./cmd/pgadvise
go build -o "$tmp/loggen" ./bench/loggen
log="$tmp/bench.log"
"$tmp/loggen" -size "$SIZE" -seed "$SEED" -o "$log" 2>"$tmp/loggen.out"
cat "$tmp/loggen.out" >&2
bytes=$(stat -c %s "$log")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
cat "$log" >/dev/null # into the page cache: every tool reads it warm

# measure NAME CMD...: runs CMD under GNU time and appends
# "wall_s cpu_s maxrss_kb" to $tmp/NAME.runs.
measure() {
	local name=$1
	shift
	if ! "$TIME" -v -o "$tmp/time.out" "$@" >"$tmp/cmd.out" 2>&1; then
		echo "run.sh: failed: $*" >&2
		tail -20 "$tmp/cmd.out" >&2
		exit 1
	fi
	awk '
		/Elapsed \(wall clock\)/ {
			n = split($NF, p, ":"); w = 0
			for (i = 1; i <= n; i++) w = w * 60 + p[i]
		}
		/User time \(seconds\)/ { u = $NF }
		/System time \(seconds\)/ { s = $NF }
		/Maximum resident set size/ { r = $NF }
		END { printf "%.2f %.2f %d\n", w, u + s, r }
	' "$tmp/time.out" >>"$tmp/$name.runs"
	echo "  $name: $(tail -1 "$tmp/$name.runs" | awk '{ printf "wall %ss, cpu %ss, max RSS %.0f MB", $1, $2, $3 / 1024 }')" >&2
}

# median FILE COLUMN
median() {
	awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "pgadvise analyze, $RUNS run(s) ..." >&2
for _ in $(seq "$RUNS"); do
	measure pgadvise "$tmp/pgadvise" analyze --format json -o /dev/null "$log"
done
stmts=$("$tmp/pgadvise" analyze --format json -o "$tmp/report.json" "$log" 2>/dev/null; grep -o '"statements": *[0-9]*' "$tmp/report.json" | head -1 | grep -o '[0-9]*$' || true)
shapes=$(grep -o '"shapes": *[0-9]*' "$tmp/report.json" | head -1 | grep -o '[0-9]*$' || true)
rm -f "$tmp/report.json"

tools=(pgadvise)
declare -A note
for j in $PGBADGER_JOBS; do
	name="pgbadger-j$j"
	tools+=("$name")
	echo "pgbadger -j $j ..." >&2
	for i in $(seq "$RUNS"); do
		measure "$name" "$PGBADGER" -f stderr --prefix "$PREFIX" -j "$j" --quiet \
			--tempdir "$tmp" --pid-dir "$tmp" -o "$tmp/pgbadger.html" "$log"
		rm -f "$tmp/pgbadger.html"
		first=$(head -1 "$tmp/$name.runs" | cut -d' ' -f1)
		if [ "$i" -lt "$RUNS" ] && awk -v w="$first" -v m="$PGBADGER_MAX" 'BEGIN { exit !(w > m) }'; then
			note[$name]=" (1 run: over ${PGBADGER_MAX}s)"
			break
		fi
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

pa_wall=$(median "$tmp/pgadvise.runs" 1)
pa_cpu=$(median "$tmp/pgadvise.runs" 2)
cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no -- cmd capture analyzer catalog report 2>/dev/null)" ]; then
	commit="$commit + uncommitted changes"
fi

echo
echo "Log: $mb MB (SIZE=$SIZE SEED=$SEED), $(tail -1 "$tmp/loggen.out" | sed 's/^loggen: //; s/, in .*//')"
echo "pgadvise: ${stmts:-?} statements, ${shapes:-?} shapes; commit $commit"
echo "Machine: $(nproc) CPUs ($cpu_model), $(date -u +%Y-%m-%d); load average before $load_before, after $load_after"
echo
echo "| tool | runs | wall (median) | MB/s (wall) | CPU user+sys (median) | MB/s per CPU-second | peak RSS (max) | pgadvise speed ÷ tool speed (wall) | (CPU) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for t in "${tools[@]}"; do
	f="$tmp/$t.runs"
	n=$(wc -l <"$f")
	wall=$(median "$f" 1)
	cpu=$(median "$f" 2)
	rss=$(sort -g -k3 "$f" | tail -1 | awk '{ printf "%.0f MB", $3 / 1024 }')
	label=$t
	case $t in pgbadger-j*) label="pgbadger -j ${t#pgbadger-j}" ;; esac
	awk -v t="$label${note[$t]:-}" -v n="$n" -v w="$wall" -v c="$cpu" -v mb="$mb" -v r="$rss" -v pw="$pa_wall" -v pc="$pa_cpu" 'BEGIN {
		rw = (t ~ /^pgadvise/) ? "1" : sprintf("%.0f×", w / pw)
		rc = (t ~ /^pgadvise/) ? "1" : sprintf("%.0f×", c / pc)
		printf "| %s | %d | %.2f s | %s | %.2f s | %s | %s | %s | %s |\n", t, n, w, rate(mb, w), c, rate(mb, c), r, rw, rc
	}
	function rate(mb, s) { if (s <= 0) return "-"; return sprintf(mb / s < 10 ? "%.1f" : "%.0f", mb / s) }'
done
