package advice

import (
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// Rates from the snapshot: what flows into a node, and the limits of a unit.

// flowInto is the new records (and bytes) per second written into a node by
// its producers and consumers, from the snapshot: retries are not counted.
func (d *Diagnoser) flowInto(s pipeline.Snapshot, id string) (recs, bytes float64) {
	for _, w := range d.ix.Writers(id) {
		ws := d.snap(s, w.ID)
		if ws == nil {
			continue
		}
		switch w.Stage {
		case pipeline.Producer:
			// A producer sends every record it makes to each of its targets.
			recs += ws.InRate
			bytes += ws.InBytesRate
		case pipeline.Consumer:
			r := ws.OutRate / float64(max(1, len(w.To)))
			recs += r
			if ws.InRate > 0 {
				bytes += r * ws.InBytesRate / ws.InRate
			}
		}
	}
	return recs, bytes
}

// sourceFlow is the new records (and bytes) per second that reach a node from
// the producers, following consumers back to their sources: what the node
// would take if nothing on the way held records back.
func (d *Diagnoser) sourceFlow(s pipeline.Snapshot, id string, depth int) (recs, bytes float64) {
	n := d.ix.Node(id)
	if n == nil || depth > len(d.sc.Nodes) {
		return 0, 0
	}
	if n.Stage == pipeline.Consumer && n.From != "" {
		return d.sourceFlow(s, n.From, depth+1)
	}
	for _, w := range d.ix.Writers(id) {
		ws := d.snap(s, w.ID)
		if ws == nil {
			continue
		}
		switch w.Stage {
		case pipeline.Producer:
			recs += ws.InRate
			bytes += ws.InBytesRate
		case pipeline.Consumer:
			r, b := d.sourceFlow(s, w.ID, depth+1)
			recs += r
			bytes += b
		}
	}
	return recs, bytes
}

// keyProducer finds the producer whose key space holds the stream's hot key:
// the one the snapshot names (HotProducer); otherwise the busiest writer.
func (d *Diagnoser) keyProducer(s pipeline.Snapshot, stream, producer string) (*pipeline.Node, *pipeline.NodeSnapshot) {
	var best *pipeline.Node
	var bestS *pipeline.NodeSnapshot
	for _, w := range d.ix.Writers(stream) {
		ws := d.snap(s, w.ID)
		if w.Stage != pipeline.Producer || ws == nil {
			continue
		}
		if producer != "" && w.ID == producer {
			return w, ws
		}
		if bestS == nil || ws.InRate > bestS.InRate {
			best, bestS = w, ws
		}
	}
	return best, bestS
}

// unitLimit is what one shard, partition or stream of a store takes per
// second (records, bytes; 0 = no limit of that kind) and its name.
func unitLimit(n *pipeline.Node) (recs, bytes float64, unit string) {
	unit = n.Service.Parts.Noun
	if unit == "" {
		unit = "unit"
	}
	if f := adviceOf(n).unitLimit; f != nil {
		recs, bytes = f(n)
	}
	return recs, bytes, unit
}

func limitText(recLimit, byteLimit float64) string {
	var parts []string
	if recLimit > 0 {
		parts = append(parts, recs(recLimit))
	}
	if byteLimit > 0 {
		parts = append(parts, bytesRate(byteLimit))
	}
	return strings.Join(parts, " and ")
}
