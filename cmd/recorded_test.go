package cmd

import (
	"strings"
	"testing"
)

// TestSetShardsOnUnevenStream: --set of another shard count on a stream with
// hash_ranges makes its ranges even (as UpdateShardCount would) and says so,
// instead of refusing the file; the producer's per-shard keys keep the split
// they were measured on.
func TestSetShardsOnUnevenStream(t *testing.T) {
	file := "../pipeline/testdata/good/imported.yaml"
	_, stderr := wantCode(t, []string{"run", file, "--set", "orders.shards=8", "--quiet"}, 0)
	if !strings.Contains(stderr, "orders's hash_ranges are dropped") {
		t.Errorf("no word of the dropped ranges:\n%s", stderr)
	}
	wantCode(t, []string{"run", file, "--set", "writers.rate=3900/s", "--quiet"}, 0)
}
