// Package inputerr is the error of one input that blast cannot read: a plan,
// another stack's state. Its message names the input and says what is wrong
// in one line, so that blast can print it as it is; a hint, when there is
// one, says what to do about it. planjson and stacks both return it, as
// planjson.InputError and stacks.InputError.
package inputerr

import (
	"errors"
	"fmt"
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
