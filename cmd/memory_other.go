//go:build !unix

package cmd

const (
	rlimitAS   = 0
	rlimitData = 0
)

// getRlimit: no resource limits here.
func getRlimit(int) (uint64, bool) { return 0, false }
