//go:build !linux

package cmd

// preferHugePages: transparent huge pages are Linux's.
func preferHugePages() {}
