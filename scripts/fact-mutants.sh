#!/usr/bin/env bash
# Plants one fault at a time in the engine's use of AWS's published numbers
# and reports which faults the tests miss: each use in sim/*.go of a
# constant of pipeline/facts.go (a limit, a latency, a price) is raised by a
# quarter and one (X becomes (X*5/4 + X/X): a small integer such as 2
# switches a day would stay 2 under X*5/4 alone) in a copy of the tree,
# and the tests run. A
# fault that leaves them passing ("survived") is a rule no test holds to
# its number. Units (MiB, KiB, GB) are left alone.
#   scripts/fact-mutants.sh [PATTERN]   only the constants matching PATTERN (grep -E)
# TESTS sets the packages tested (default ./sim, with -short: about 20 s a
# fault here); JOBS the copies run side by side (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
pattern=${1:-.}
tests=${TESTS:-./sim}
jobs=${JOBS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
facts=$(grep -oE '^\s+[A-Z][A-Za-z0-9]+\s+(float64|int)?\s*=' pipeline/facts.go | awk '{print $1}' |
	grep -vxE 'MiB|KiB|GB' | grep -E "$pattern" | paste -sd'|')
[ -n "$facts" ] || { echo "fact-mutants: no constant matches $pattern" >&2; exit 2; }
# file:line:byte offset:name of every use
grep -noE -b "pipeline\.($facts)\b" $(ls sim/*.go | grep -v _test.go) >"$work/sites" || true
echo "$(wc -l <"$work/sites") uses of $(echo "$facts" | tr '|' '\n' | wc -l) constants; $jobs copies" >&2
split -n "r/$jobs" "$work/sites" "$work/part."
run() { # run PART: each site of PART in a copy of the tree of its own
	local part=$1 tree="$1.tree"
	mkdir -p "$tree" && git ls-files -z | xargs -0 cp --parents -t "$tree"
	while IFS=: read -r file line off name; do
		cp "$tree/$file" "$tree/$file.orig"
		python3 - "$tree/$file" "$off" "$name" <<'PY'
import sys
path, off, name = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
b = open(path, 'rb').read()
assert b[off:off + len(name)] == name
open(path, 'wb').write(b[:off] + b'(' + name + b'*5/4 + ' + name + b'/' + name + b')' + b[off + len(name):])
PY
		if ! (cd "$tree" && go vet ./sim >/dev/null 2>&1); then
			result="does not build"
		elif (cd "$tree" && go test -short -count=1 $tests >/dev/null 2>&1); then
			result=SURVIVED
		else
			result=caught
		fi
		echo "$file:$line $name $result"
		mv "$tree/$file.orig" "$tree/$file"
	done <"$part"
}
for p in "$work"/part.*; do run "$p" >"$p.out" & done
wait
cat "$work"/part.*.out | sort -t: -k1,1 -k2n
echo "$(cat "$work"/part.*.out | grep -c SURVIVED) survived" >&2
