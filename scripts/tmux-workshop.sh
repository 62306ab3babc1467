#!/usr/bin/env bash
# tmux-workshop.sh drives `streamsim workshop` (the real binary, in tmux)
# through three lessons by doing their steps: hot-partition-key and
# video-ingestion-kvs end to end, and firehose-buffering where the learner
# first sets the wrong value and gets the hint. It starts from a corrupt
# progress file (reported and replaced), saves each session with R, checks
# the progress survives a restart, and judges the saved sessions with
# `streamsim run SESSION.yaml --lesson`: those that did the steps pass, the
# one saved before the right change fails and names its step. It fails,
# printing the screen, as soon as a screen is not what it should be.
#
#   scripts/tmux-workshop.sh            # 120×34
#   COLS=80 ROWS=24 scripts/tmux-workshop.sh
set -euo pipefail

cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-workshop: tmux is not installed" >&2; exit 2; }

COLS=${COLS:-120}
ROWS=${ROWS:-34}
tmp=$(mktemp -d)
session="streamsim-workshop-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/streamsim" .

screen() { tmux capture-pane -t "$session" -p 2>/dev/null || true; }

fail() {
	echo "tmux-workshop: FAIL: $*" >&2
	echo "----- screen -----" >&2
	screen >&2
	echo "------------------" >&2
	exit 1
}

check_screen() {
	local s
	s=$(screen)
	for bad in "panic:" "goroutine " "terminal too small" "✗ stopped" "simulation stopped"; do
		if grep -qF -- "$bad" <<<"$s"; then
			fail "unexpected screen (contains \"$bad\")"
		fi
	done
}

# wait_for TEXT... [-t SECONDS]: wait until the screen shows every TEXT at once.
wait_for() {
	local limit=15 texts=() i s all
	while (($#)); do
		if [[ $1 == -t ]]; then
			limit=$2
			shift 2
		else
			texts+=("$1")
			shift
		fi
	done
	for ((i = 0; i < limit * 20; i++)); do
		s=$(screen)
		all=1
		for t in "${texts[@]}"; do
			grep -qF -- "$t" <<<"$s" || { all=0; break; }
		done
		if ((all)); then
			check_screen
			return 0
		fi
		sleep 0.05
	done
	fail "waited ${limit}s for: ${texts[*]}"
}

key() {
	local k
	for k in "$@"; do
		tmux send-keys -t "$session" "$k"
		sleep 0.1
	done
}

type_text() {
	local i
	for ((i = 0; i < ${#1}; i++)); do
		tmux send-keys -t "$session" -l "${1:i:1}"
		sleep 0.02
	done
}

# answer TEXT: type a line into the open prompt.
answer() {
	type_text "$1"
	key Enter
}

# your_turn N OF: the run waits for the learner at step N of OF.
your_turn() { wait_for "‖ your turn" "step $1/$2" -t 30; }

fast() { for ((i = 0; i < 12; i++)); do tmux send-keys -t "$session" "+"; done; sleep 0.2; }

# record NAME: save the session with R.
record() {
	key R
	wait_for "save session as:"
	key C-u
	answer "$1"
	wait_for "saved the session to $1"
}

# picker: back from the dashboard to the workshop's list, unfiltered.
picker() {
	key Escape
	wait_for "esc scenarios"
	key Escape
	wait_for "streamsim workshop" "esc clear filter"
	key Escape
	wait_for "lessons done"
}

# open_lesson NAME: filter the list to NAME and start it.
open_lesson() {
	key /
	type_text "$1"
	key Enter
	wait_for "> $1"
	key Enter
	wait_for "lesson · step"
}

config="$tmp/config"
mkdir -p "$config/streamsim" "$tmp/work"
printf '{garbage' >"$config/streamsim/progress.json"
tmux new-session -d -s "$session" -x "$COLS" -y "$ROWS" -c "$tmp/work" \
	"TERM=xterm-256color XDG_CONFIG_HOME=$config $tmp/streamsim workshop; echo \$? > $tmp/rc; sleep 30"

echo "tmux-workshop: a corrupt progress file is said, and the lessons listed"
wait_for "streamsim workshop" "0 of 13 lessons done"
wait_for "starting afresh"
wait_for "· new"

echo "tmux-workshop: hot-partition-key: predict, reshard, predict, watch"
open_lesson hot-partition-key
your_turn 2 8
wait_for "your guess ("
answer "800k"
fast
your_turn 5 8
wait_for "waits for you to reshard events"
key t
wait_for "events: shards (now 4):"
answer "8"
your_turn 6 8
answer "4000000"
your_turn 7 8
wait_for "space go on"
key Space
wait_for "■ finished" -t 30
wait_for "step 8/8"
record hot.yaml
picker
wait_for "✓ done" "1 of 13 lessons done"

echo "tmux-workshop: video-ingestion-kvs: two settings, a guess, a watch"
open_lesson video-ingestion-kvs
fast
your_turn 3 6
key k
wait_for "set node.key=value:"
answer "vision.instances=1"
your_turn 4 6
answer "5000"
your_turn 5 6
key k
wait_for "set node.key=value:"
answer "vision.instances=3"
your_turn 6 6
key Space
wait_for "■ finished" -t 30
record video.yaml
picker
wait_for "2 of 13 lessons done"

echo "tmux-workshop: firehose-buffering: the wrong value first gets the hint"
open_lesson firehose-buffering
your_turn 2 6
answer "900s"
fast
your_turn 4 6
key k
wait_for "set node.key=value:"
answer "delivery.buffer.interval=120s"
wait_for "hint: k opens a prompt" "‖ your turn"
record wrong.yaml
key k
wait_for "set node.key=value:"
answer "delivery.buffer.interval=60s"
your_turn 5 6
key Space
wait_for "■ finished" -t 30
record firehose.yaml

echo "tmux-workshop: quit"
key q
for ((i = 0; i < 100; i++)); do
	[[ -s $tmp/rc ]] && break
	sleep 0.05
done
[[ -s $tmp/rc ]] || fail "q did not quit"
rc=$(cat "$tmp/rc")
[[ $rc == 0 ]] || fail "streamsim workshop exited with status $rc"

echo "tmux-workshop: the progress survives a restart"
list=$(XDG_CONFIG_HOME=$config "$tmp/streamsim" workshop </dev/null)
grep -qF "13 lessons, 3 done" <<<"$list" || fail "after a restart: $list"
grep -E "hot-partition-key +done · best prediction" <<<"$list" >/dev/null || fail "hot-partition-key's progress: $list"

echo "tmux-workshop: run --lesson judges the saved sessions"
for s in hot video firehose; do
	out=$("$tmp/streamsim" run "$tmp/work/$s.yaml" --lesson --quiet) || fail "$s.yaml does not pass run --lesson: $out"
	grep -qF "lesson: all" <<<"$out" || fail "$s.yaml: $out"
done
set +e
out=$("$tmp/streamsim" run "$tmp/work/wrong.yaml" --lesson --quiet)
code=$?
set -e
[[ $code == 1 ]] || fail "the session saved before the right change exits $code: $out"
grep -qF "step 4 not done: delivery.buffer.interval is 120" <<<"$out" || fail "wrong.yaml does not name its step: $out"
echo "tmux-workshop: OK (3 lessons done, progress kept, sessions judged; the wrong one fails at step 4)"
