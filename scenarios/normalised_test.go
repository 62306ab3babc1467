package scenarios

import (
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
)

// TestNormalisedGolden pins the normalised form (every default written out) of
// each built-in, so a change of a default or of the loader shows up in review.
// Rewrite with: go test ./scenarios -update
func TestNormalisedGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			s, err := Load(name)
			if err != nil {
				t.Fatalf("does not load:\n%v", err)
			}
			got, err := pipeline.Encode(s, true)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/"+name+".golden", got)

			// The normalised form is itself a valid scenario that encodes the same.
			again, err := pipeline.Load(name+".yaml", got)
			if err != nil {
				t.Fatalf("normalised form does not load:\n%v", err)
			}
			twice, err := pipeline.Encode(again, true)
			if err != nil {
				t.Fatal(err)
			}
			if string(twice) != string(got) {
				t.Errorf("normalising twice changes the result:\n%s", golden.FirstDifference(string(got), string(twice)))
			}
		})
	}
}
