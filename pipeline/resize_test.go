package pipeline

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckResize(t *testing.T) {
	kds := ResizeState{Service: "kinesis-data-streams", Units: 4}
	for _, tc := range []struct {
		st   ResizeState
		want int
		err  string // "" = accepted
	}{
		{kds, 8, ""},
		{kds, 2, ""},
		{kds, 9, "at most double or halve the shard count (4 shards now: 2 to 8 in one call)"},
		{kds, 1, "at most double or halve"},
		{ResizeState{Service: "kinesis-data-streams", Units: 5}, 3, ""}, // 2 × 3 ≥ 5
		{ResizeState{Service: "kinesis-data-streams", Units: 5}, 2, "(5 shards now: 3 to 10 in one call)"},
		{ResizeState{Service: "kinesis-data-streams", Units: 4, Updating: true}, 8, "still UPDATING"},
		{ResizeState{Service: "kinesis-data-streams", Units: 4, OnDemand: true}, 8, "an on-demand stream sizes itself"},
		{ResizeState{Service: "kinesis-data-streams", Units: 4, Recent: 10}, 8, "at most 10 scaling operations per 24 h"},
		{ResizeState{Service: "msk", Units: 6}, 12, ""},
		{ResizeState{Service: "msk-serverless", Units: 6}, 3, "alter --partitions to 3 refused: Kafka adds partitions to a topic, never removes them"},
		{ResizeState{Service: "kinesis-video-streams", Units: 6}, 1, ""},
	} {
		err := CheckResize(tc.st, tc.want)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%+v → %d: refused: %v", tc.st, tc.want, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%+v → %d: %v, want %q", tc.st, tc.want, err, tc.err)
		}
		var re *ResizeError
		if err != nil && !errors.As(err, &re) {
			t.Errorf("%v is not a ResizeError", err)
		}
	}
}
