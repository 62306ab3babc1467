#!/usr/bin/env bash
# tmux-smoke.sh drives the real binary in a real terminal (tmux) through the
# first minutes of a workshop: keys that arrive together (one write) and a
# bracketed paste, pick a scenario, run it, pause it, step it, read the
# builder's estimate, run hot-partition-key until the advisor names its hot
# key, visit the events and the heatmap's cursor with tab, the charts, steer
# the run, refuse to lose its recorded change on esc and q, save it as a
# session on the way out, quit. It fails, printing the screen, as soon as a
# screen is not what it should be; on every screen the help bar must show
# ? and q (or ctrl+c while a field has the keys). Then, when ssh is
# installed, scripts/tmux-smoke-room.sh joins a workshop room with it.
#
#   scripts/tmux-smoke.sh            # 120×34
#   COLS=80 ROWS=24 scripts/tmux-smoke.sh
#   COLS=160 ROWS=48 scripts/tmux-smoke.sh
set -euo pipefail

cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-smoke: tmux is not installed" >&2; exit 2; }

COLS=${COLS:-120}
ROWS=${ROWS:-34}
tmp=$(mktemp -d)
session="streamsim-smoke-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/streamsim" .

screen() { tmux capture-pane -t "$session" -p 2>/dev/null || true; }

fail() {
	echo "tmux-smoke: FAIL: $*" >&2
	echo "----- screen -----" >&2
	screen >&2
	echo "------------------" >&2
	exit 1
}

# check_screen fails on anything that must never show, and on a help bar
# (the last line) without its pinned keys.
check_screen() {
	local s last
	s=$(screen)
	for bad in "panic:" "goroutine " "terminal too small" "✗ stopped" "simulation stopped"; do
		if grep -qF -- "$bad" <<<"$s"; then
			fail "unexpected screen (contains \"$bad\")"
		fi
	done
	last=$(tail -n 1 <<<"$s")
	if ! grep -qF "ctrl+c quit" <<<"$last" && ! { grep -qF "? help" <<<"$last" && grep -qF "q quit" <<<"$last"; } &&
		! grep -qF "esc/? close" <<<"$last" && ! grep -qF "y yes" <<<"$last"; then
		fail "the help bar lacks ? and q: \"$last\""
	fi
}

# burst TEXT: write TEXT to the terminal in one write, as a fast typist, a
# paste without bracketing or a slow SSH link delivers it.
burst() {
	tmux set-buffer -b smoke -- "$1"
	tmux paste-buffer -d -b smoke -t "$session"
	sleep 0.2
}

# paste TEXT: a bracketed paste (the TUI asks the terminal for them).
paste() {
	tmux set-buffer -b smoke -- "$1"
	tmux paste-buffer -p -d -b smoke -t "$session"
	sleep 0.2
}

# wait_for TEXT [SECONDS]: wait until the screen shows TEXT.
wait_for() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		if screen | grep -qF -- "$text"; then
			check_screen
			return 0
		fi
		sleep 0.05
	done
	fail "waited ${limit}s for \"$text\""
}

# key K...: send keys one at a time (keys sent together arrive as one message).
key() {
	local k
	for k in "$@"; do
		tmux send-keys -t "$session" "$k"
		sleep 0.1
	done
}

# type_text TEXT: type literally, one character at a time.
type_text() {
	local i
	for ((i = 0; i < ${#1}; i++)); do
		tmux send-keys -t "$session" -l "${1:i:1}"
		sleep 0.03
	done
}

sim_clock() { screen | grep -oE 'sim [0-9]+:[0-9]{2}:[0-9]{2}' | head -1; }

mkdir -p "$tmp/work"
tmux new-session -d -s "$session" -x "$COLS" -y "$ROWS" -c "$tmp/work" \
	"TERM=xterm-256color $tmp/streamsim; echo \$? > $tmp/rc; sleep 30"

echo "tmux-smoke: picker"
wait_for "streaming pipelines on AWS, simulated"
wait_for "seed-pipeline"
wait_for "enter open"

echo "tmux-smoke: keys in one write, and a paste"
third=$("$tmp/streamsim" scenarios | sed -n 4p | cut -d' ' -f1)
burst "jjjk" # down three, up one: the third scenario
wait_for "> $third"
key /
paste "hot-partition"
wait_for "1 of "
wait_for "> hot-partition-key"
key Escape
wait_for "enter open"

echo "tmux-smoke: filter to seed-pipeline and run it"
key /
type_text "seed-pipeline"
key Enter
wait_for "1 of "
key r
wait_for "▶ running"
wait_for "write load"
wait_for "lag & latency"
first=$(sim_clock)
[[ -n $first ]] || fail "no simulated clock on the dashboard"

echo "tmux-smoke: pause"
key Space
wait_for "‖ paused"
wait_for "space resume"
a=$(sim_clock)
sleep 0.6
b=$(sim_clock)
[[ $a == "$b" ]] || fail "the clock moved while paused ($a → $b)"
echo "tmux-smoke: paused at ${a#sim }"

echo "tmux-smoke: step one tick"
key .
sleep 0.3
c=$(sim_clock)
[[ $c != "$b" ]] || fail "'.' did not step the paused run ($b)"

echo "tmux-smoke: back to the builder: the estimate"
key Escape
wait_for "est. \$" 15
# At 80 columns the help bar keeps ?, q, esc and the main action and drops
# what does not fit: the key sheet lists the findings' key.
key "?"
wait_for "keys · builder"
wait_for "advice"
key Escape
wait_for "r run" # valid: the run is offered

echo "tmux-smoke: run hot-partition-key: the advisor finds the hot key"
key Escape
wait_for "enter open"
key / Escape /
type_text "hot-partition-key"
key Enter
wait_for "1 of "
key r
wait_for "▶ running"
wait_for "advice (" 20
wait_for "· critical" 20
finding=$(screen | grep -oE "[a-z]+ · critical" | head -1)
# The hot key's own finding is on the stream, events: scroll the advice to it.
for ((i = 0; i < 40; i++)); do
	screen | grep -qF "Hot key: partition key" && break
	key Down
done
screen | grep -qF "Hot key: partition key" || fail "the advice never names the hot key"
check_screen

echo "tmux-smoke: tab to the events, then the heatmap's cursor"
key Tab
wait_for "┏ events"
key Tab
wait_for "▸ shard"
key Right
wait_for "←↑↓→ cell"

echo "tmux-smoke: the key sheet"
key "?"
wait_for "keys · dashboard"
wait_for "esc/? close"
key Escape
wait_for "write load"

echo "tmux-smoke: the charts"
key c
wait_for "records/s · "
wait_for "shards × time"
wait_for "c live view"
key n
wait_for "records/s · "
key c
wait_for "write load"

echo "tmux-smoke: steer, then esc and q ask before the change is lost"
key Space
wait_for "‖ paused"
key k
type_text "events.shards=99"
wait_for "refused"
key C-u
type_text "orders.rate=100/s"
key Enter
wait_for "1 change(s) recorded"
key Escape
wait_for "go back anyway?"
key n
wait_for "‖ paused"
key q
wait_for "quit anyway?"
key s
wait_for "save session as:"
key Enter

echo "tmux-smoke: quit"
for ((i = 0; i < 100; i++)); do
	[[ -s $tmp/rc ]] && break
	sleep 0.05
done
[[ -s $tmp/rc ]] || fail "saving the session did not go on to quit"
rc=$(cat "$tmp/rc")
[[ $rc == 0 ]] || fail "streamsim exited with status $rc"
session_file=$(ls "$tmp/work"/*-session.yaml 2>/dev/null | head -1)
[[ -n $session_file ]] || fail "no session file was saved"
grep -qF "orders.rate: 100/s" "$session_file" || fail "the session lacks the change: $(cat "$session_file")"
"$tmp/streamsim" run "$session_file" --quiet >/dev/null || [[ $? == 1 ]] || fail "the session does not replay"
echo "tmux-smoke: OK (ran from ${first#sim } to ${c#sim }; advice: $finding; session $(basename "$session_file") replays; exit 0)"

# The workshop room (streamsim serve), joined with the system's ssh client
# when one is installed (the script says so and passes when not).
BIN=$tmp/streamsim scripts/tmux-smoke-room.sh
