#!/usr/bin/env bash
# Prints how the cost of a run grows with shards and simulated time: the
# Firehose -> S3 day of sim/testdata/kinds/firehose-s3.yaml at 1 MB/s per
# shard (the rate scaled with the shards), at 10, 100, 1,000 and 10,000
# shards and 1 h, 24 h and 7 d, through the real binary. For each: user CPU,
# nanoseconds per shard-tick (flat when the cost is proportional to shards
# x ticks) and peak RSS.
#   scripts/scale-table.sh [SHARDS:DURATION ...]   (default: the table below)
# PER_SHARD_KB sets the rate per shard in KB/s (default 1000): a scenario's
# rate is at most 10 GB/s, so rows past 10,000 shards need less per shard,
# e.g. PER_SHARD_KB=500 scripts/scale-table.sh 5000:2h 10000:1h 20000:30m.
# DURATION is hours (2h) or minutes (30m).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp)
dir=$(mktemp -d)
trap 'rm -rf "$bin" "$dir"' EXIT
go build -o "$bin" .
per=${PER_SHARD_KB:-1000}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(10:24h 100:24h 1000:1h 1000:24h 1000:168h 10000:2h)
printf '%-8s %-6s %10s %18s %8s\n' shards time 'user s' 'ns/shard-tick' 'RSS MB'
for c in "${cases[@]}"; do
	shards=${c%%:*} dur=${c##*:}
	f="$dir/fh-$shards-$dur.yaml"
	sed -e "s/^duration: .*/duration: $dur/" -e "s/^    rate: 1GB\/s/    rate: $((shards * per))KB\/s/" \
		-e "s/^    shards: 1000/    shards: $shards/" sim/testdata/kinds/firehose-s3.yaml >"$f"
	/usr/bin/time -f '%U %M' -o "$dir/time" "$bin" run "$f" --quiet --yes >/dev/null || [ $? -eq 1 ]
	read -r user kb <"$dir/time"
	case $dur in
	*h) ticks=$((${dur%h} * 3600)) ;;
	*m) ticks=$((${dur%m} * 60)) ;;
	*) echo "scale-table: $dur: want hours (2h) or minutes (30m)" >&2 && exit 2 ;;
	esac
	printf '%-8s %-6s %10.2f %18.0f %8.1f\n' "$shards" "$dur" "$user" \
		"$(echo "$user * 1000000000 / ($shards * $ticks)" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
done
