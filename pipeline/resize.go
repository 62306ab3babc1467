package pipeline

import "fmt"

// ResizeState is what a stream storage service judges a change of its unit
// count against: the simulator's engine asks it for every UpdateShardCount
// (and every change of a Kafka topic's partitions), the dashboard before it
// sends one, so that both refuse the same calls.
type ResizeState struct {
	Service  ServiceName // the node's service
	Units    int         // units (shards, partitions) now
	OnDemand bool        // Kinesis: the stream is in on-demand mode (AWS sizes it)
	Updating bool        // Kinesis: an UpdateShardCount call is still in progress (the stream is UPDATING)
	Recent   int         // Kinesis: UpdateShardCount calls in the last 24 h
}

// ResizeError is a change of a unit count that the service refuses.
type ResizeError struct {
	Op     string // the call: "UpdateShardCount", "alter --partitions"
	Want   int    // the count asked for
	Reason string // why the service refuses it, in the engine's event words
	Hint   string // what would be accepted, if anything
}

func (e *ResizeError) Error() string {
	s := fmt.Sprintf("%s to %d refused: %s", e.Op, e.Want, e.Reason)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// CheckResize says why the service refuses changing the unit count from
// st.Units to want, or returns nil when it accepts the change. Kinesis Data
// Streams follows KDS-RESHARD-STEP (one call at most doubles and at least
// halves the count, judged against the shards the stream has now), the
// stream must not be UPDATING, and KDS-RESHARD-RATE (at most
// KDSScalingOpsPerDay calls per rolling 24 h); an on-demand stream takes no
// UpdateShardCount at all. Kafka (MSK, MSK Serverless)
// adds partitions to a topic but never removes them. Other services accept
// any count the catalog's range allows.
func CheckResize(st ResizeState, want int) error {
	switch st.Service {
	case KinesisDataStreams:
		refuse := func(reason, hint string) error {
			return &ResizeError{Op: "UpdateShardCount", Want: want, Reason: reason, Hint: hint}
		}
		if st.OnDemand {
			return refuse("an on-demand stream sizes itself", "switch it to provisioned first: mode=provisioned")
		}
		if st.Updating {
			return refuse("the stream is still UPDATING", "one call at a time: wait until the last one is done")
		}
		if want > 2*st.Units || 2*want < st.Units {
			return refuse("a call can at most double or halve the shard count",
				fmt.Sprintf("%d shards now: %d to %d in one call", st.Units, (st.Units+1)/2, 2*st.Units))
		}
		if st.Recent >= KDSScalingOpsPerDay {
			return refuse(fmt.Sprintf("at most %d scaling operations per 24 h", KDSScalingOpsPerDay), "")
		}
	case MSK, MSKServerless:
		if want < st.Units {
			return &ResizeError{Op: "alter --partitions", Want: want, Reason: "Kafka adds partitions to a topic, never removes them",
				Hint: fmt.Sprintf("%d partitions now: %d or more", st.Units, st.Units)}
		}
	}
	return nil
}
