// Package input is what reading a plan and reading another stack's state
// share: the error of one input that blast cannot read, whose message names
// the input and says what is wrong in one line (planjson.InputError and
// stacks.InputError are this Error), the words for why a file could not be
// read, and reading an input whole without growing copies: a file into a
// buffer of its size, a pipe in blocks joined once.
package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
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
//
// When the input outgrows b (a pipe, whose size nobody knows), the rest is
// read into blocks and joined: see readBlocks.
func ReadAll(r io.Reader, b []byte) ([]byte, error) {
	for len(b) < cap(b) {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return readBlocks(r, b)
}

// The blocks of readBlocks grow from the first size to the last, so that a
// small input wastes little and a large one takes few blocks.
const (
	firstBlock = 64 << 10
	lastBlock  = 8 << 20
)

// bigJoin is the size from which readBlocks gives the blocks back to the
// operating system while it joins them, every releaseEvery bytes.
const (
	bigJoin      = 32 << 20
	releaseEvery = 16 << 20
)

// readBlocks reads the rest of r into blocks after head, and joins them
// into one buffer of the exact size. Growing one buffer instead, as
// io.ReadAll does, copies it at every step and holds the old and the new
// one at once: a 110 MB plan piped to blast peaked at 2.3 to 2.8 times its
// size before the plan was even parsed. Joining holds the blocks and the
// buffer at once too, so a large input's blocks are returned to the
// operating system as they are copied (debug.FreeOSMemory: a collection of
// a heap that is almost all these blocks, which hold no pointers, costs
// little), and the peak stays near the input's size.
func readBlocks(r io.Reader, head []byte) ([]byte, error) {
	blocks := [][]byte{head}
	total := len(head)
	size := firstBlock
	for {
		block := make([]byte, size)
		n, err := io.ReadFull(r, block)
		blocks = append(blocks, block[:n])
		total += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(2*size, lastBlock)
	}
	out := make([]byte, total)
	at, released := 0, 0
	for i := range blocks {
		at += copy(out[at:], blocks[i])
		blocks[i] = nil
		if total >= bigJoin && (at-released >= releaseEvery || at == total) {
			debug.FreeOSMemory()
			released = at
		}
	}
	return out, nil
}
