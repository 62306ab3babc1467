#!/usr/bin/env bash
# Prints, for every scenario of sim/testdata/kinds (one per consumer kind,
# each a 24 h day of a 1,000-shard or 1,000-partition stream), the wall time
# and peak RSS of `streamsim run FILE --quiet` through the real binary.
# BenchmarkKinds (go test ./sim -run '^$' -bench Kinds) puts each beside its
# bare loop; this is what a user would see. `make kinds` runs it.
#   scripts/kinds-table.sh [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp)
out=$(mktemp)
trap 'rm -f "$bin" "$out"' EXIT
go build -o "$bin" .
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(sim/testdata/kinds/*.yaml)
printf '%-22s %10s %10s\n' kind 'wall s' 'RSS MB'
for f in "${files[@]}"; do
	# --yes: a day of 1,000 shards is estimated above the prompt's minute on a slow machine.
	/usr/bin/time -f '%e %M' -o "$out" "$bin" run "$f" --quiet --yes >/dev/null || [ $? -eq 1 ]
	read -r wall kb <"$out"
	printf '%-22s %10.2f %10.1f\n' "$(basename "$f" .yaml)" "$wall" "$(echo "$kb / 1024" | bc -l)"
done
