#!/usr/bin/env bash
# The benchmarks of BENCHMARKS.md (run by `make bench`, after `make bench-data`):
#   1. go test -bench for load, classify, graph, score and render;
#   2. the whole command, blast check --format json, on every generated plan,
#      side by side with jq counting the plan's deletes and, when opa is on PATH
#      (or $OPA names it), opa eval of the same blast radius in Rego
#      (scripts/bench-radius.rego). Runs are interleaved, so that load from
#      other processes falls on every tool alike.
#
#   3. the budgets of the radius (issue 14): the nested 15,000-resource plan
#      against jq and the flat plan, and the chain and fan-out of deletes,
#      with the size of the report.
#
# Environment: BENCH_SIZES (default "100 1000 15000 50000"), BENCH_RUNS (runs
# per tool and size, default 5), BENCH_GO=0 to skip the go test benchmarks,
# BENCH_SHAPES=0 to skip the budgets of the radius, OPA=path/to/opa.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
sizes=${BENCH_SIZES:-"100 1000 15000 50000"}
runs=${BENCH_RUNS:-5}
opa=${OPA:-$(command -v opa || true)}

die() {
	echo "bench.sh: error: $*" >&2
	exit 1
}

[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for peak memory; apt-get install time"
command -v jq >/dev/null || die "jq is needed for the comparison; apt-get install jq"
for n in $sizes; do
	[ -f "bench-data/plan-$n.json" ] || die "bench-data/plan-$n.json is missing; run make bench-data"
done
shapes="nested-15000 chain-16000 fanout-19000"
if [ "${BENCH_SHAPES:-1}" != 0 ]; then
	for f in $shapes plan-15000; do
		[ -f "bench-data/$f.json" ] || die "bench-data/$f.json is missing; run make bench-data"
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/blast-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/blast" ./cmd/blast

echo "# blast benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory"
echo "- $(go version), $(jq --version)${opa:+, opa $("$opa" version | awk '/^Version/ {print $2}')}"
echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [ "${BENCH_GO:-1}" != 0 ]; then
	echo '## go test -bench'
	echo
	echo '```'
	go test -run '^$' -bench 'Plan' -benchmem ./plan/planjson/ | grep -E '^(Benchmark|cpu|ok)'
	go test -run '^$' -bench 'ChainRadius' -benchmem ./graph/ | grep -E '^(Benchmark|ok)'
	echo '```'
	echo
fi

# measure TOOL FILE CMD...: one run; appends "tool size wall_ms cpu_ms rss_kb" to $tmp/runs.
measure() {
	local tool=$1 n=$2
	shift 2
	local start end
	start=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || {
		local rc=$?
		# blast exits 2 when the plan needs a sign-off: a verdict, not a failure.
		if [ "$tool" != blast ] || [ "$rc" != 2 ]; then
			cat "$tmp/stderr" >&2
			die "$tool failed on plan-$n.json (exit $rc)"
		fi
	}
	end=$(date +%s%N)
	# GNU time writes "Command exited with non-zero status N" first.
	read -r user sys rss < <(tail -n 1 "$tmp/time")
	echo "$tool $n $(((end - start) / 1000000)) $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}') $rss" >>"$tmp/runs"
}

: >"$tmp/runs"
# median, for the tables' awk programs.
median='
	function median(list,   a, k, i, j, t) {
		k = split(list, a, " ")
		for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return a[int((k + 1) / 2)]
	}'
for n in $sizes; do
	plan=bench-data/plan-$n.json
	for _ in $(seq "$runs"); do
		measure blast "$n" "$tmp/blast" check --format json "$plan"
		measure jq "$n" jq '[.resource_changes[] | select(.change.actions | index("delete"))] | length' "$plan"
		if [ -n "$opa" ]; then
			measure opa "$n" "$opa" eval -d scripts/bench-radius.rego -i "$plan" --format raw 'count(data.blast.deny)'
		fi
	done
done

echo "## Whole command (median of $runs interleaved runs)"
echo
echo '```'
echo "blast: blast check --format json bench-data/plan-N.json"
echo "jq:    jq '[.resource_changes[] | select(.change.actions | index(\"delete\"))] | length' bench-data/plan-N.json"
[ -n "$opa" ] && echo "opa:   opa eval -d scripts/bench-radius.rego -i bench-data/plan-N.json --format raw 'count(data.blast.deny)'"
echo '```'
echo
echo "| resources | plan MB | tool | wall ms | CPU ms (user+sys) | peak RSS MB | RSS / plan | wall vs blast |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|"
for n in $sizes; do
	bytes=$(stat -c %s "bench-data/plan-$n.json")
	awk -v n="$n" -v bytes="$bytes" "$median"'
		$2 == n { wall[$1] = wall[$1] " " $3; cpu[$1] = cpu[$1] " " $4; if ($5 > rss[$1]) rss[$1] = $5; seen[$1] = 1 }
		END {
			b = median(wall["blast"])
			split("blast jq opa", tools, " ")
			for (i = 1; i <= 3; i++) {
				t = tools[i]
				if (!seen[t]) continue
				w = median(wall[t])
				printf "| %s | %.1f | %s | %d | %d | %.0f | %.2f | %s |\n", n, bytes / 1e6, t, w, median(cpu[t]),
					rss[t] / 1024, rss[t] * 1024 / bytes, (t == "blast" ? "" : sprintf("%.1fx", w / (b > 0 ? b : 1)))
			}
		}' "$tmp/runs"
done
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${BENCH_SHAPES:-1}" != 0 ] || exit 0
# The budgets of the radius: each plan, blast (and jq for the nested plan)
# interleaved; "tool file wall_ms cpu_ms rss_kb report_bytes" per run.
: >"$tmp/shapes"
for _ in $(seq "$runs"); do
	for f in plan-15000 $shapes; do
		measure blast "$f" "$tmp/blast" check --format json "bench-data/$f.json"
		echo "$(tail -n 1 "$tmp/runs") $(stat -c %s "$tmp/stdout")" >>"$tmp/shapes"
	done
	measure jq nested-15000 jq '[.resource_changes[]|select(.change.actions==["delete"])]|length' bench-data/nested-15000.json
	echo "$(tail -n 1 "$tmp/runs") 0" >>"$tmp/shapes"
done
echo
echo "## Budgets of the radius (median of $runs interleaved runs)"
echo
echo '```'
echo "blast: blast check --format json bench-data/FILE.json"
echo "jq:    jq '[.resource_changes[]|select(.change.actions==[\"delete\"])]|length' bench-data/nested-15000.json"
echo '```'
echo
echo "| plan | MB | tool | wall ms | CPU ms (user+sys) | peak RSS MB | RSS / plan | report MB |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for f in plan-15000 $shapes; do
	bytes=$(stat -c %s "bench-data/$f.json")
	awk -v f="$f" -v bytes="$bytes" "$median"'
		$2 == f { wall[$1] = wall[$1] " " $3; cpu[$1] = cpu[$1] " " $4; if ($5 > rss[$1]) rss[$1] = $5; out[$1] = $6; seen[$1] = 1 }
		END {
			split("blast jq", tools, " ")
			for (i = 1; i <= 2; i++) {
				t = tools[i]
				if (!seen[t]) continue
				printf "| %s | %.1f | %s | %d | %d | %.0f | %.2f | %s |\n", f, bytes / 1e6, t, median(wall[t]), median(cpu[t]),
					rss[t] / 1024, rss[t] * 1024 / bytes, (t == "blast" ? sprintf("%.1f", out[t] / 1e6) : "")
			}
		}' "$tmp/shapes"
done
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
