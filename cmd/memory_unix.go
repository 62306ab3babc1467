//go:build unix

package cmd

import "syscall"

const (
	rlimitAS   = syscall.RLIMIT_AS
	rlimitData = syscall.RLIMIT_DATA
)

// getRlimit reads a soft resource limit; false when there is none
// (RLIM_INFINITY is all ones).
func getRlimit(which int) (uint64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(which, &r); err != nil || r.Cur >= 1<<62 {
		return 0, false
	}
	return uint64(r.Cur), true
}
