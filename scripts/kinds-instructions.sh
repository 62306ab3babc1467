#!/usr/bin/env bash
# Counts the instructions each kind of sim/testdata/kinds takes through the
# engine and through its bare loop (BenchmarkKindEngine, BenchmarkKindLoop),
# under valgrind's cachegrind, over the first DUR of its day (default 30m),
# and prints their ratio. Unlike a time, the count does not move with a busy
# machine, so a change's effect shows on one run; it does not see cache
# misses, which BenchmarkKinds' times do. The collector is off (GOGC=off):
# its background work follows the wall clock, which valgrind stretches, and
# moved Firehose + Flink EFO's count by up to 12% between runs of one
# binary; the days allocate a few MB, so the heap stays small. Both counts
# include the test binary's start and the key hashing, a few million
# instructions.
#   scripts/kinds-instructions.sh [DUR [KIND...]]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "kinds-instructions: needs valgrind (apt install valgrind)" >&2; exit 2; }
dur=${1:-30m}
shift || true
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go test -c -o "$dir/sim.test" ./sim
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || for f in sim/testdata/kinds/*.yaml; do kinds+=("$(basename "$f" .yaml)"); done
count() { # count SIDE KIND: instructions of one side's run
	# Valgrind cannot run RDTSCP, which Go's runtime uses when a lock is
	# contended: such a run dies with SIGILL and counts only what it got
	# through. A run that fails is tried again, up to three times.
	for try in 1 2 3; do
		if (cd sim && GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=cachegrind --cache-sim=no \
			--cachegrind-out-file="$dir/cg.out" "$dir/sim.test" -test.run '^$' \
			-test.bench "^BenchmarkKind$1/^$2\$" -test.benchtime 1x -kinds.for "$dur" >/dev/null 2>&1); then
			cg_annotate "$dir/cg.out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
			return 0
		fi
		echo "kinds-instructions: $1 $2 failed under valgrind (try $try of 3)" >&2
	done
	return 1
}
printf '%-22s %14s %14s %8s\n' kind engine loop ratio
for k in "${kinds[@]}"; do
	e=$(count Engine "$k") || exit 1
	l=$(count Loop "$k") || exit 1
	printf '%-22s %14d %14d %8.2f\n' "$k" "$e" "$l" "$(echo "$e / $l" | bc -l)"
done
