#!/usr/bin/env bash
# Writes `streamsim run NAME --json` of every built-in scenario, of every
# scenario file of sim/testdata/kinds and of
# sim/testdata/throttled-retries.yaml to DIR (default: a new temporary
# directory), one NAME.json each, and prints DIR. Run it before and after
# an engine change and diff the two directories: they must be identical.
#   scripts/builtin-json.sh /tmp/before && (change) && scripts/builtin-json.sh /tmp/after && diff -r /tmp/before /tmp/after
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" .
for name in $("$bin" scenarios | awk 'NR > 1 { print $1 }'); do
	# Exit 1 (an expectation failed) is part of a report, not an error.
	"$bin" run "$name" --quiet --yes --json "$dir/$name.json" >/dev/null || [ $? -eq 1 ]
done
if [ -z "${NO_KINDS:-}" ]; then
	for f in sim/testdata/kinds/*.yaml; do
		"$bin" run "$f" --quiet --yes --json "$dir/kinds-$(basename "$f" .yaml).json" >/dev/null || [ $? -eq 1 ]
	done
	# The retry path under throttling in every tick, which the kinds (one
	# retry, hot shards only) take little of.
	"$bin" run sim/testdata/throttled-retries.yaml --quiet --yes --json "$dir/throttled-retries.json" >/dev/null
fi
echo "$dir"
