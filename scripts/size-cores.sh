#!/usr/bin/env bash
# Times `streamsim size FILE` through the real binary on one core and on
# two (GOMAXPROCS=1 and 2), in PAIRS pairs whose order alternates, checks
# that both print the same (the time of the search aside), and prints each
# side's wall times and the ratio one core / two: least, median, most.
# The default files are the 1,000-shard stream over ten minutes and over
# an hour. `make size-cores` runs it.
#   scripts/size-cores.sh [PAIRS [FILE...]]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-8}
shift || true
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(cmd/testdata/size/kds-1000.yaml cmd/testdata/size-hour/kds-1000-1h.yaml)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/streamsim" .
ms() { echo $(($(date +%s%N) / 1000000)); }
# side P FILE OUT: one run on P cores; prints its wall time in ms.
side() {
	local start end
	start=$(ms)
	GOMAXPROCS=$1 "$dir/streamsim" size "$2" >"$3" || [ $? -eq 1 ]
	end=$(ms)
	echo $((end - start))
}
# stats: least, median and most of the numbers on stdin.
stats() { sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%g–%g (median %g)", v[1], v[NR], m }'; }
printf '%-16s %-28s %-28s %s\n' file 'one core, ms' 'two cores, ms' 'one / two'
for f in "${files[@]}"; do
	: >"$dir/times"
	for i in $(seq "$pairs"); do
		if [ $((i % 2)) -eq 1 ]; then
			t1=$(side 1 "$f" "$dir/out1")
			t2=$(side 2 "$f" "$dir/out2")
		else
			t2=$(side 2 "$f" "$dir/out2")
			t1=$(side 1 "$f" "$dir/out1")
		fi
		if ! diff <(sed 's/ in [0-9.]*s$//' "$dir/out1") <(sed 's/ in [0-9.]*s$//' "$dir/out2") >/dev/null; then
			echo "size-cores: $f prints differently on one core and on two" >&2
			exit 1
		fi
		echo "$t1 $t2" >>"$dir/times"
	done
	printf '%-16s %-28s %-28s %s\n' "$(basename "$f" .yaml)" \
		"$(awk '{ print $1 }' "$dir/times" | stats)" \
		"$(awk '{ print $2 }' "$dir/times" | stats)" \
		"$(awk '{ printf "%.2f\n", $1 / $2 }' "$dir/times" | stats)"
done
