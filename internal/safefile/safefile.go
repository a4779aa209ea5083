// Package safefile writes files without following links. blast runs in CI,
// often as root, in a checkout that the change under review controls: a
// committed symlink at a report's path, or at the temporary name it is
// written under, must never make blast overwrite a file elsewhere.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotRegular says the target exists and is a link, a folder or another
// non-regular file, and was left untouched.
var ErrNotRegular = errors.New("exists and is not a regular file")

// Check refuses a target that exists and is not a regular file, and a
// relative target one of whose folders is a symlink (a committed link to
// /etc is as good as a link at the file itself). A missing target is fine.
func Check(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link: %w", path, ErrNotRegular)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if filepath.IsAbs(path) {
		// An absolute path is the pipeline's own choice (/tmp is a link
		// on some systems); only the folders inside the checkout are the
		// change's to plant.
		return nil
	}
	dir := filepath.Dir(filepath.Clean(path))
	for dir != "." && dir != string(filepath.Separator) && !strings.HasPrefix(dir, "..") {
		if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("folder %s is a symbolic link: %w", dir, ErrNotRegular)
		}
		dir = filepath.Dir(dir)
	}
	return nil
}

// Temp is a file being written next to its target, renamed onto it by
// Commit. Its name is chosen by os.CreateTemp, which opens with O_EXCL: no
// link planted in advance can be followed.
type Temp struct {
	target string
	f      *os.File
}

// Create checks the target with Check and opens a temporary file in its
// folder. The caller writes to it and calls Commit, or Abort.
func Create(path string, perm fs.FileMode) (*Temp, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".blast-tmp-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &Temp{target: path, f: f}, nil
}

// Write writes to the temporary file.
func (t *Temp) Write(p []byte) (int, error) { return t.f.Write(p) }

// Commit closes the temporary file and renames it onto the target. rename
// replaces a link at the target rather than following it; the target is
// checked again first so that one planted meanwhile is refused, not
// replaced.
func (t *Temp) Commit() error {
	if err := t.f.Close(); err != nil {
		os.Remove(t.f.Name())
		return err
	}
	if err := Check(t.target); err != nil {
		os.Remove(t.f.Name())
		return err
	}
	if err := os.Rename(t.f.Name(), t.target); err != nil {
		os.Remove(t.f.Name())
		return err
	}
	return nil
}

// Abort removes the temporary file; after Commit it does nothing.
func (t *Temp) Abort() {
	t.f.Close()
	os.Remove(t.f.Name())
}

// WriteFile writes data to path through a temporary file in its folder,
// never through a link.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	t, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := t.Write(data); err != nil {
		t.Abort()
		return err
	}
	return t.Commit()
}
