package common

import (
	"context"
	"os"
	"strings"
	"testing"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// TestSimEstimatorSkipsBigSamples: the builder's estimate never starts a
// simulation the backend says would take more than EstimateMaxTime (here
// ten minutes of 100,000 shards behind Firehose, about 7 s); it says why.
func TestSimEstimatorSkipsBigSamples(t *testing.T) {
	data, err := os.ReadFile("../../sim/testdata/cost/100000-shards-firehose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := pipeline.Load("big.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	est := SimEstimator(simbackend.New(simbackend.Options{Paused: true}), EstimateSpan, EstimateMaxTicks)
	_, err = est(context.Background(), sc)
	if err == nil || !strings.Contains(err.Error(), "too big to sample while you edit (10m of it would take about") {
		t.Fatalf("err = %v", err)
	}
}
