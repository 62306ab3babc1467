//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNoBlock opens for reading without waiting for a writer: if the path
// was swapped for a FIFO after it was looked at, the open returns at once
// and the second look refuses it.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
