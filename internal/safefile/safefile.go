// Package safefile reads and writes the user's files without surprises: a
// read takes regular files only, up to a size, and never blocks on a FIFO or
// a device; a write goes to a temporary file beside the target and is renamed
// onto it only when complete, keeps the target's mode, leaves a symlink a
// link, and refuses anything that is not a regular file. It imports the
// standard library only.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// TooLargeError is a file over the limit of what is read from it.
type TooLargeError struct {
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("file is %d bytes; the limit is %d", e.Size, e.Limit)
}

// Read returns the content of a regular file of at most limit bytes. A
// directory, FIFO, device or socket is refused at once, without opening it
// for longer than it takes to look.
func Read(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(st); err != nil {
		return nil, err
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil { // the file opened may not be the one looked at
		return nil, err
	}
	if err := regular(st); err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, &TooLargeError{Size: st.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit { // it grew while read
		return nil, &TooLargeError{Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// regular refuses what is not a regular file, naming what it is.
func regular(st fs.FileInfo) error {
	m := st.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return &NotRegularError{What: what}
}

// NotRegularError is a path that names something other than a regular file.
type NotRegularError struct{ What string }

func (e *NotRegularError) Error() string {
	if e.What == "not a regular file" {
		return e.What
	}
	return "is " + e.What + ", not a regular file"
}

// Target is where a write to path lands: the path itself, or the file a
// symlink points to (the link stays), with the mode the file keeps (perm for
// a new file). A path that exists and is not a regular file is refused.
func Target(path string, perm fs.FileMode) (target string, mode fs.FileMode, exists bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", 0, false, err
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(real, filepath.Base(abs))
		}
		return abs, perm, false, nil
	case err != nil:
		return "", 0, false, err
	}
	if err := regular(st); err != nil {
		return "", 0, true, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return "", 0, true, err
	}
	return abs, st.Mode().Perm(), true, nil
}

// Write writes data to path in one step: to a temporary file beside the
// target, then renamed onto it. On any error the target is as it was and no
// temporary file stays. A new file gets perm; an existing one keeps its mode.
func Write(path string, data []byte, perm fs.FileMode) error {
	target, mode, _, err := Target(path, perm)
	if err != nil {
		return err
	}
	f, err := CreateTemp(target)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return Commit(f, target, mode, err)
}

// CreateTemp creates the temporary file for a write to target, beside it so
// that the rename stays on one file system.
func CreateTemp(target string) (*os.File, error) {
	return os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
}

// Commit closes a temporary file from CreateTemp and renames it onto target
// with mode, unless err (the writing's error) is set; on any error the
// temporary file is removed and the error returned.
func Commit(f *os.File, target string, mode fs.FileMode, err error) error {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), mode)
	}
	if err == nil {
		err = os.Rename(f.Name(), target)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
