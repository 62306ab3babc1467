# Everyday commands. CI is .ci/run; `make ci` runs it.
.PHONY: run test test-short golden bench kinds kinds-ratio kinds-bytes kinds-10000 kinds-instructions size-cores fuzz smoke demo ci

run:          ## the TUI on the built-in scenarios
	go run .

test:         ## what CI runs (the emulator tests skip without .ci/run's servers)
	go test -race ./...

test-short:   ## quick: no race detector, fewer random scenarios
	go test -short ./...

golden:       ## rewrite golden files; review the diff before committing
	go test ./pipeline ./cmd ./scenarios ./docs -update
	go test ./ui/... -update

bench:        ## the speed goals: engine, advisor and dashboard frame time
	go test -run '^$$' -bench . ./sim/ ./pipeline/advice/ ./ui/...

kinds:        ## a day of each consumer kind through the real binary: wall time and peak RSS
	scripts/kinds-table.sh

kinds-ratio:  ## each kind's day through the engine and its bare loop, alternating: engine/loop over five pairs, and least against least
	GOMAXPROCS=1 go test ./sim -run '^$$' -bench '^BenchmarkKinds$$' -benchtime 5x

kinds-bytes:  ## each kind's engine/loop, the loops keeping each queued entry's bytes as the engine does
	GOMAXPROCS=1 go test -tags loopbytes ./sim -run '^$$' -bench '^BenchmarkKinds$$' -benchtime 5x

kinds-10000:  ## the first hour of Firehose -> S3 on 10,000 shards (10 GB/s), engine beside bare loop
	GOMAXPROCS=1 go test ./sim -run '^$$' -bench '^BenchmarkKind(Engine|Loop)$$/^firehose-s3$$' -benchtime 1x -kinds.for 1h -kinds.shards 10000

kinds-instructions: ## half an hour of each kind, engine and bare loop: instructions (needs valgrind)
	scripts/kinds-instructions.sh

size-cores:   ## `size` of a 1,000-shard stream on one core and on two: wall times and their ratio
	scripts/size-cores.sh

# -fuzzminimizetime: Go shrinks each new input for up to 60 s by default,
# longer than a short session; 2 s keeps the fuzzer exploring.
FUZZTIME ?= 30s
fuzz:         ## every fuzz target for FUZZTIME each; new finds go to testdata/fuzz
	for t in FuzzLoad FuzzLoadSetting FuzzParseDuration FuzzParseSize FuzzParseRate; do \
		go test ./pipeline -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s || exit 1; done
	go test ./cmd -run '^$$' -fuzz '^FuzzHostileText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
	go test ./internal/textsafe -run '^$$' -fuzz '^FuzzLine$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s

smoke:        ## drive the real binary in tmux: the design tool, then three workshop lessons
	scripts/tmux-smoke.sh
	scripts/tmux-workshop.sh

demo:         ## record docs/demo.cast (needs tmux and asciinema)
	scripts/record-demo.sh

ci:           ## everything CI does, with the local AWS emulators
	bash .ci/run
