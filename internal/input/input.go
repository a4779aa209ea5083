// Package input is what reading a plan and reading another stack's state
// share: the error of one input that blast cannot read, whose message names
// the input and says what is wrong in one line (planjson.InputError and
// stacks.InputError are this Error), the words for why a file could not be
// read, and reading a file whole without growing copies.
package input

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Error is a problem with one input. Source names it (a file, "-", an
// NDJSON line, a --context argument).
type Error struct {
	Source string
	Err    error
	Hint   string
}

func (e *Error) Error() string { return e.Source + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// New is the Error of source, with a hint ("" for none) and a message.
func New(source, hint string, format string, args ...any) *Error {
	return &Error{Source: source, Err: fmt.Errorf(format, args...), Hint: hint}
}

// DescribeOS says in a few words why an input could not be opened or read,
// without the path the message already names; notExist is what a missing
// one is ("no such file", "no such file or folder").
func DescribeOS(err error, notExist string) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return notExist
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadAll is io.ReadAll into b: given a buffer of the expected size, a plan
// of 100 MB is read into one allocation of 100 MB, not a series of growing
// copies that would hold twice that at the peak.
func ReadAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow, as io.ReadAll does
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}
