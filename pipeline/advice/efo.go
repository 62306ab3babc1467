package advice

import "github.com/streamsim/streamsim/pipeline"

// efoFix says which of a stream's polling readers should read with enhanced
// fan-out so they stop sharing each shard's 2 MB/s and 5 reads/s
// (KDS-READ-CAPACITY: one polling consumer, the others enhanced fan-out).
// Only readers whose service may (pipeline.Service.CanUseEFO) are named:
// Firehose reads by polling (FH-KDS-POLLING), so it is the one that keeps
// polling when it reads the stream. why (": 2 MB/s each…") follows the
// advice; it returns "" when no reader can switch.
func efoFix(polling []*pipeline.Node, why string) string {
	var can, must []string
	rule := ""
	for _, r := range polling {
		if r.Service.CanUseEFO() {
			can = append(can, r.ID)
			continue
		}
		if p := adviceOf(r).pollsOnly; p != nil {
			rule = " (" + p.id + ")"
		}
		must = append(must, r.ID)
	}
	keep := ""
	switch {
	case len(must) > 0:
		keep = sprintf("; %s %s by polling only%s", listAnd(must), plural(len(must), "reads", "read"), rule)
	case len(can) > 1:
		keep = sprintf("; %s keeps polling", can[0])
		can = can[1:]
	default:
		can = nil
	}
	if len(can) == 0 {
		return ""
	}
	return sprintf("read with enhanced fan-out (read: enhanced-fan-out) in %s%s%s.", listAnd(can), why, keep)
}
