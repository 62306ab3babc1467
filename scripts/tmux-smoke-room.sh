#!/usr/bin/env bash
# tmux-smoke-room.sh runs a workshop room (streamsim serve, its board in a
# tmux pane of its own) and joins it with the system's ssh client in another:
# type the room code and a name, pick a lesson, run it, record the session;
# the board shows the learner and their screen; a command is refused; q on
# the board closes the room, the learner is told, the work stays and is
# collected, and the collected session replays as a lesson. Without ssh it
# says so and exits 0 (tmux-smoke.sh calls it when ssh is installed).
#
#   scripts/tmux-smoke-room.sh                 # builds the binary
#   BIN=path/to/streamsim scripts/tmux-smoke-room.sh
set -euo pipefail

cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-smoke-room: tmux is not installed" >&2; exit 2; }
if ! command -v ssh >/dev/null; then
	echo "tmux-smoke-room: no ssh client: the room is not tried"
	exit 0
fi

tmp=$(mktemp -d)
board="streamsim-room-board-$$"
learner="streamsim-room-learner-$$"
other="streamsim-room-other-$$"
cleanup() {
	for s in "$board" "$learner" "$other"; do tmux kill-session -t "$s" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

bin=${BIN:-}
if [[ -z $bin ]]; then
	go build -o "$tmp/streamsim" .
	bin=$tmp/streamsim
fi

screen() { tmux capture-pane -t "$1" -p 2>/dev/null || true; }

fail() {
	echo "tmux-smoke-room: FAIL: $*" >&2
	for s in "$board" "$learner" "$other"; do
		echo "----- $s -----" >&2
		screen "$s" >&2
	done
	echo "---------------" >&2
	exit 1
}

# wait_for SESSION TEXT [SECONDS]
wait_for() {
	local s=$1 text=$2 limit=${3:-15} i
	for ((i = 0; i < limit * 20; i++)); do
		if screen "$s" | grep -qF -- "$text"; then
			if screen "$s" | grep -qF -e "panic:" -e "goroutine "; then
				fail "a panic on $s"
			fi
			return 0
		fi
		sleep 0.05
	done
	fail "waited ${limit}s on $s for \"$text\""
}

key() {
	local s=$1 k
	shift
	for k in "$@"; do
		tmux send-keys -t "$s" "$k"
		sleep 0.1
	done
}

type_text() {
	local i
	for ((i = 0; i < ${#2}; i++)); do
		tmux send-keys -t "$1" -l "${2:i:1}"
		sleep 0.03
	done
}

code=smoke-room-code
ssh_opts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
	-o PubkeyAuthentication=no -o PreferredAuthentications=keyboard-interactive)

echo "tmux-smoke-room: the room, its board in a terminal"
tmux new-session -d -s "$board" -x 120 -y 34 \
	"TERM=xterm-256color $bin serve --listen 127.0.0.1:0 --data $tmp/room --code $code; echo \$? > $tmp/rc; sleep 30"
wait_for "$board" "streamsim room"
wait_for "$board" "nobody yet"
wait_for "$board" "listening on 127.0.0.1:"
port=$(screen "$board" | grep -oE 'listening on 127\.0\.0\.1:[0-9]+' | head -1 | cut -d: -f2)
[[ -n $port ]] || fail "no port on the board"
wait_for "$board" "code $code"

echo "tmux-smoke-room: ann joins with ssh on port $port"
tmux new-session -d -s "$learner" -x 120 -y 34 \
	"TERM=xterm-256color ssh ${ssh_opts[*]} -p $port ann@127.0.0.1; echo \$? > $tmp/ssh-rc; sleep 30"
wait_for "$learner" "room code:"
type_text "$learner" "$code"
key "$learner" Enter
wait_for "$learner" "your name (enter for ann)"
key "$learner" Enter
wait_for "$learner" "lessons you do, checked as you go"
wait_for "$board" "1/60 learners"
wait_for "$board" "ann joined from 127.0.0.1"

echo "tmux-smoke-room: ann starts a lesson, answers its prediction, and records the session"
key "$learner" /
type_text "$learner" "hot-partition-key"
key "$learner" Enter Enter
wait_for "$learner" "your guess"
type_text "$learner" "1500"
key "$learner" Enter
wait_for "$board" "/8 ✓✓"
key "$learner" R
wait_for "$learner" "save session as:"
key "$learner" Enter
wait_for "$learner" "saved the session to"

echo "tmux-smoke-room: the board shows ann's screen, read-only"
key "$board" Enter
wait_for "$board" "watching ann"
wait_for "$board" "hot-partition-key"
key "$board" Escape
wait_for "$board" "enter watch"

echo "tmux-smoke-room: a command is refused"
tmux new-session -d -s "$other" -x 120 -y 20 \
	"ssh ${ssh_opts[*]} -p $port eve@127.0.0.1 cat /etc/passwd; echo rc=\$?; sleep 30"
wait_for "$other" "room code:"
type_text "$other" "$code"
key "$other" Enter
wait_for "$other" "your name"
key "$other" Enter
wait_for "$other" "this room runs no commands"
wait_for "$other" "rc=1"
wait_for "$board" "refused eve from 127.0.0.1: a command (exec)"

echo "tmux-smoke-room: q on the board closes the room"
key "$board" q
wait_for "$board" "close the room?"
key "$board" y
wait_for "$learner" "The instructor closed the room. What you saved stays"
for ((i = 0; i < 200; i++)); do
	[[ -s $tmp/rc && -s $tmp/ssh-rc ]] && break
	sleep 0.05
done
[[ -s $tmp/rc ]] || fail "serve did not exit"
[[ $(cat "$tmp/rc") == 0 ]] || fail "serve exited with status $(cat "$tmp/rc")"
[[ $(cat "$tmp/ssh-rc") == 0 ]] || fail "ssh exited with status $(cat "$tmp/ssh-rc")"
wait_for "$board" "room closed; the learners' work is in"

echo "tmux-smoke-room: the work is collected and replays as a lesson"
session_file=$tmp/room/learners/ann/hot-partition-key-session.yaml
[[ -f $session_file ]] || fail "ann's session was not kept"
"$bin" serve --collect "$tmp/out" --data "$tmp/room" | grep -qF "collected 1 learner(s), 1 scenario file(s)" ||
	fail "collect did not gather ann's session"
"$bin" run --lesson --quiet "$tmp/out/ann/hot-partition-key-session.yaml" >/dev/null || [[ $? == 1 ]] ||
	fail "the collected session does not replay"
grep -qF "reason=closing" "$tmp/room/serve.log" || fail "the log lacks ann's leaving"
echo "tmux-smoke-room: OK (joined with $(ssh -V 2>&1 | cut -d, -f1); board, watch, a refusal, close, collect)"
