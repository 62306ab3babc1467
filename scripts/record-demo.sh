#!/usr/bin/env bash
# record-demo.sh records the main flow of the TUI as an asciinema cast
# (docs/demo.cast): the picker, the seed pipeline in the builder, a run with its
# dashboard, the hot-partition-key scenario with the advisor's findings and a
# reshard. It drives the real binary inside tmux, as scripts/tmux-smoke.sh does.
# Needs tmux and asciinema (Debian: apt-get install tmux asciinema).
#
#   scripts/record-demo.sh && asciinema play docs/demo.cast
set -euo pipefail

cd "$(dirname "$0")/.."
for tool in tmux asciinema; do
	command -v "$tool" >/dev/null || { echo "record-demo: $tool is not installed" >&2; exit 2; }
done

tmp=$(mktemp -d)
session="streamsim-demo-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/streamsim" .

out=docs/demo.cast
rm -f "$out"
tmux new-session -d -s "$session" -x 120 -y 34 \
	"asciinema rec --quiet --overwrite --cols 120 --rows 34 -c '$tmp/streamsim' $out"

key() { tmux send-keys -t "$session" "$@"; sleep "${PAUSE:-0.6}"; }
type() { local c; for ((i = 0; i < ${#1}; i++)); do c=${1:i:1}; tmux send-keys -t "$session" -l "$c"; sleep 0.12; done; }

sleep 2                          # the picker
key Down; key Down; key Up; key Up
sleep 1
key Enter; sleep 2               # seed-pipeline in the builder, with its estimate
key r; sleep 3                   # the dashboard
key +; key +; sleep 4            # faster
key Space; sleep 1.5; key Space  # pause, resume
sleep 2
key Escape; key Escape; sleep 1  # back to the picker
key /; type hot; key Enter; sleep 1
key Enter; sleep 2               # hot-partition-key in the builder
key r; sleep 2
key +; key +; sleep 5            # the hot shard and the advisor's findings
key t; sleep 0.8; type 8; key Enter; sleep 4   # reshard to 8: the AWS CLI in the events pane
key Tab; sleep 2
key q; sleep 1
key y 2>/dev/null || true
for _ in 1 2 3 4 5 6 7 8 9 10; do
	tmux has-session -t "$session" 2>/dev/null || break
	sleep 0.5
done
[[ -s $out ]] || { echo "record-demo: nothing recorded" >&2; exit 1; }
echo "record-demo: wrote $out ($(wc -c <"$out") bytes)"
