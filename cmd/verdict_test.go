package cmd

import (
	"errors"
	"strings"
	"testing"
	"time"

	awsb "github.com/streamsim/streamsim/backends/aws"
	"github.com/streamsim/streamsim/pipeline"
)

// Expectations of a run that measured nothing are not checked, not failed;
// what could not be deleted is counted and the cleanup command given.
func TestAWSVerdictLine(t *testing.T) {
	rep := &pipeline.Report{Scenario: "x", Expectations: make([]pipeline.ExpectationResult, 6)}
	st := style{}
	for _, tc := range []struct {
		name string
		res  awsb.Result
		err  error
		want []string
		not  []string
	}{
		{"nothing ran", awsb.Result{}, errors.New("create failed"),
			[]string{"ERROR x: 6 expectations not checked", "nothing was created"}, []string{"failed"}},
		{"some left", awsb.Result{Elapsed: time.Minute, Created: make([]awsb.Resource, 4), Left: make([]awsb.Resource, 1)}, errors.New("x"),
			[]string{"ERROR x: 6 of 6 expectations failed", "could not delete 1 of the 4 resources it created: streamsim cleanup --run r1 --yes"}, nil},
		{"kept", awsb.Result{Elapsed: time.Minute, Created: make([]awsb.Resource, 4), Kept: true}, nil,
			[]string{"kept 4 resources (--keep)"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := awsVerdictLine(st, rep, tc.res, time.Minute, tc.err, "r1")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("%q has %q", got, n)
				}
			}
		})
	}
}
