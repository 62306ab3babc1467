#!/usr/bin/env bash
# tmux-builder.sh drives the real binary's builder in a real terminal (tmux):
# from an empty pipeline (the picker's n) it builds each of
#   - the seed pipeline: KDS → Firehose → S3 and KDS → Flink → OpenSearch
#     (with the keyboard, and the stream edited to 4 shards),
#   - a fan-in of two producers into one stream (dragging with the mouse),
#   - MSK → Flink → DynamoDB,
#   - KDS → Redshift streaming ingestion,
# adds a spike to the timeline and two checks, undoes and redoes one, saves
# (the prompt completing the directory with tab), quits, and runs
# `streamsim run` on the saved file, which must pass. It fails, printing the
# screen, as soon as a screen is not what it should be.
#
#   scripts/tmux-builder.sh            # 120×34
#   COLS=80 ROWS=24 scripts/tmux-builder.sh
#   COLS=200 ROWS=60 scripts/tmux-builder.sh
set -euo pipefail

cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-builder: tmux is not installed" >&2; exit 2; }
export LC_ALL=C.UTF-8 # so that ${#s} counts characters, not bytes

COLS=${COLS:-120}
ROWS=${ROWS:-34}
tmp=$(mktemp -d)
session="streamsim-builder-$$-0"
flows=0
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/streamsim" .
mkdir "$tmp/out"

screen() { tmux capture-pane -t "$session" -p 2>/dev/null || true; }

fail() {
	echo "tmux-builder: FAIL: $*" >&2
	echo "----- screen -----" >&2
	screen >&2
	echo "------------------" >&2
	exit 1
}

check_screen() {
	local s
	s=$(screen)
	for bad in "panic:" "goroutine " "terminal too small"; do
		if grep -qF -- "$bad" <<<"$s"; then
			fail "unexpected screen (contains \"$bad\")"
		fi
	done
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

# key K...: send keys one at a time.
key() {
	local k
	for k in "$@"; do
		tmux send-keys -t "$session" "$k"
		sleep 0.05
	done
}

# type_text TEXT: type literally.
type_text() {
	local i
	for ((i = 0; i < ${#1}; i++)); do
		tmux send-keys -t "$session" -l "${1:i:1}"
		sleep 0.01
	done
}

# box_at ID: "X Y" of a cell inside the node's box (1-based, for the mouse).
box_at() {
	local id=$1 y=0 line prefix
	while IFS= read -r line; do
		y=$((y + 1))
		for border in "│" "┃" "║" "│✗ " "┃✗ " "║✗ "; do
			if [[ $line == *"$border$id "* ]]; then
				prefix=${line%%"$border$id "*}
				echo "$((${#prefix} + 3)) $y"
				return 0
			fi
		done
	done < <(screen)
	fail "no box $id on the screen"
}

# drag FROM TO: press the mouse on one box, move to another, let go (SGR
# mouse reports, as a terminal sends them).
drag() {
	local a b
	a=($(box_at "$1"))
	b=($(box_at "$2"))
	tmux send-keys -t "$session" -l $'\e[<0;'"${a[0]};${a[1]}M"
	sleep 0.05
	tmux send-keys -t "$session" -l $'\e[<32;'"${b[0]};${b[1]}M"
	sleep 0.05
	tmux send-keys -t "$session" -l $'\e[<0;'"${b[0]};${b[1]}m"
	sleep 0.1
}

# add DOWNS ID: add the service DOWNS rows down the selected stage's list.
add() {
	local i
	key a
	wait_for "the services AWS offers at this stage"
	for ((i = 0; i < $1; i++)); do key Down; done
	key Enter
	wait_for "added $2 ("
}

# connect DONE MOVES...: c, the moves, enter; wait for DONE.
connect() {
	local done=$1
	shift
	key c
	wait_for "esc cancels" # c's word first: commands answer in any order
	key "$@" Enter
	wait_for "$done"
}

start() {
	local old=$session
	flows=$((flows + 1))
	session="streamsim-builder-$$-$flows"
	rm -f "$tmp/rc"
	# A new session before the old one goes: killing the last session stops
	# the tmux server, and a new session could meet it on its way out.
	tmux new-session -d -s "$session" -x "$COLS" -y "$ROWS" \
		"TERM=xterm-256color $tmp/streamsim; echo \$? > $tmp/rc; sleep 30"
	tmux kill-session -t "$old" 2>/dev/null || true
	wait_for "streaming pipelines on AWS, simulated"
	key n
	wait_for "An empty pipeline"
}

# finish FILE: a spike and two checks, undo and redo, save, quit, run.
finish() {
	local file=$1 i
	wait_for "● valid"
	key Tab Tab
	wait_for "[timeline 0]"
	key a Down Down Enter
	wait_for "add a spike"
	key Tab
	type_text "10m"
	key Tab Tab C-u
	type_text "2"
	key Enter
	wait_for "back to 1000/s at 12m (2 changes)"
	key Tab
	wait_for "[expect 0]"
	key a
	type_text "pipeline.produced_rec"
	wait_for "pipeline.produced_records"
	key Tab
	type_text " > 0"
	key Enter
	wait_for "added a check: pipeline.produced_records > 0"
	key a
	type_text "pipeline.delivered_records > 0"
	key Enter
	wait_for "[expect 2]"
	key u
	wait_for "undid: added a check: pipeline.delivered_records > 0"
	wait_for "[expect 1]"
	key C-r
	wait_for "[expect 2]"
	key s
	wait_for "save as: new-pipeline.yaml"
	key C-u
	type_text "$tmp/ou"
	key Tab # completes the directory
	wait_for "save as: $tmp/out/"
	type_text "$file"
	key Enter
	wait_for "saved $tmp/out/$file"
	key q
	for ((i = 0; i < 100; i++)); do
		[[ -s $tmp/rc ]] && break
		sleep 0.05
	done
	[[ -s $tmp/rc ]] || fail "q did not end the program"
	[[ $(cat "$tmp/rc") == 0 ]] || fail "streamsim exited with status $(cat "$tmp/rc")"
	"$tmp/streamsim" run "$tmp/out/$file" --quiet || fail "streamsim run $file did not pass"
}

echo "tmux-builder: the seed pipeline (keyboard)"
start
add 0 producer
key l
add 0 kds
key l
add 0 firehose
add 1 flink
key l
add 0 s3
add 3 opensearch
key h h h
connect "producer → kds" l
connect "firehose now reads kds" l
key h
connect "flink now reads kds" l j
key k
connect "firehose → s3" l
key h j
connect "flink → opensearch" l
key h h e
wait_for "edit kds"
key Down Down C-u
type_text "4"
key Enter
wait_for "updated kds"
key x
wait_for "deleted kds with its 3 connections · u brings it back"
key u
wait_for "undid: deleted kds"
finish seed.yaml
grep -qF "shards: 4" "$tmp/out/seed.yaml" || fail "seed.yaml lacks shards: 4"

echo "tmux-builder: a fan-in of two producers (mouse)"
start
add 0 producer
add 0 producer-2
key l
add 0 kds
key l
add 0 firehose
key l
add 0 s3
drag producer kds
wait_for "producer → kds"
drag producer-2 kds
wait_for "producer-2 → kds"
drag kds firehose
wait_for "firehose now reads kds"
drag firehose s3
wait_for "firehose → s3"
finish fan-in.yaml

echo "tmux-builder: MSK → Flink → DynamoDB"
start
add 0 producer
key l
add 1 msk
key l
add 1 flink
key l
add 2 dynamodb
key h h h
connect "producer → msk" l
connect "flink now reads msk" l
connect "flink → dynamodb" l
finish msk.yaml

echo "tmux-builder: KDS → Redshift streaming ingestion"
start
add 0 producer
key l
add 0 kds
key l l
add 1 redshift
key h h h
connect "producer → kds" l
key c
wait_for "esc cancels"
key l l
wait_for "kds → redshift: enter connects them"
key Enter
wait_for "redshift now reads kds"
finish redshift.yaml

echo "tmux-builder: OK (${COLS}×${ROWS}: 4 pipelines built, saved and run)"
