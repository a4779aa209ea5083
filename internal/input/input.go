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
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// ErrTooLarge is the error of an input over its size limit: planjson's and
// stacks' ErrInputTooLarge, one error for both.
var ErrTooLarge = errors.New("input too large")

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

// ReadAll is io.ReadAll into b: given a buffer larger than the input (its
// size plus one, for the read that finds the end), a plan of 100 MB is read
// into one allocation of 100 MB, not a series of growing copies that would
// hold twice that at the peak. On an error, what was read is not returned
// whole and must not be used.
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

// readBlocks reads the rest of r into blocks after head, the full buffer
// ReadAll was given, and joins them into one buffer of the exact size.
// Growing one buffer instead, as io.ReadAll does, copies it at every step
// and holds the old and the new one at once: a 110 MB plan piped to blast
// peaked at 2.1 to 2.7 times its size (BENCHMARKS.md, Session 3).
//
// Joining holds the blocks and the buffer at once too. So when the input
// is large and is most of what the process holds, as in blast, the blocks
// are given back to the operating system as they are copied
// (debug.FreeOSMemory: a collection of a heap that is mostly these blocks,
// which hold no pointers, costs a few milliseconds), and a pipe's peak
// stays near its size. A program that holds much more (blast as a library,
// in a server) would pay a full collection of its own heap for every
// release, so there the blocks are left to the collector.
func readBlocks(r io.Reader, head []byte) ([]byte, error) {
	blocks := [][]byte{head}
	total := len(head)
	for size := firstBlock; ; size = min(2*size, lastBlock) {
		block := make([]byte, size)
		n, err := fill(r, block)
		if n > 0 {
			blocks = append(blocks, block[:n])
			total += n
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(blocks) == 1 {
		return head, nil // nothing beyond head, which was exactly full
	}
	release := total >= bigJoin && heapBeside(total) < total/2
	out := make([]byte, total)
	at, released := 0, 0
	for i := range blocks {
		at += copy(out[at:], blocks[i])
		blocks[i] = nil
		if release && (at-released >= releaseEvery || i == len(blocks)-1) {
			debug.FreeOSMemory()
			released = at
		}
	}
	return out, nil
}

// fill reads into b until it is full (err nil) or the input ends (io.EOF,
// with what was read), or fails. Unlike io.ReadFull, it passes on a reader's
// own io.ErrUnexpectedEOF (a cut gzip stream) as the error it is, and keeps
// an error that comes with the bytes that fill b.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// heapBeside is what the heap holds besides blocks of the given size, all
// allocated and still referenced: the bytes of live and not yet swept
// objects, less those of the blocks.
func heapBeside(blocks int) int {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return math.MaxInt // not known: do not force collections
	}
	return max(int(sample[0].Value.Uint64())-blocks, 0)
}
