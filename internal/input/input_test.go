package input

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestReadAllSizes: ReadAll returns exactly what the reader holds whatever
// size its buffer expects.
func TestReadAllSizes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	for _, expect := range []int64{0, 1, 511, 512, 9999, 10000, 10001, 1 << 20} {
		got, err := ReadAll(bytes.NewReader(data), make([]byte, 0, expect))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("expecting %d bytes: got %d bytes, %v", expect, len(got), err)
		}
	}
}

// TestReadAllBlocks: an input larger than the buffer (a pipe) is read in
// blocks and joined exactly, at and around every block boundary and past
// the size from which the join gives blocks back.
func TestReadAllBlocks(t *testing.T) {
	big := make([]byte, bigJoin+3*releaseEvery/2+7)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}
	sizes := []int{0, 1, 511, 512, 513, bigJoin - 1, bigJoin, len(big)}
	for at, size := 512, firstBlock; at < len(big); at, size = at+size, min(2*size, lastBlock) {
		sizes = append(sizes, at-1, at, at+1)
	}
	for _, n := range sizes {
		data := big[:n]
		got, err := ReadAll(struct{ io.Reader }{bytes.NewReader(data)}, make([]byte, 0, 512))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: got %d bytes, %v", n, len(got), err)
		}
	}
}

// failing is a reader that gives data in reads of at most step bytes and
// then err, with the last bytes when with is set.
type failing struct {
	data []byte
	step int
	err  error
	with bool
}

func (f *failing) Read(p []byte) (int, error) {
	n := copy(p, f.data[:min(len(f.data), f.step)])
	f.data = f.data[n:]
	if len(f.data) == 0 && (f.with || n == 0) {
		return n, f.err
	}
	return n, nil
}

// TestReadAllErrors: a read error is an error wherever it comes, io.
// ErrUnexpectedEOF from a cut stream included, and with the bytes that end
// a block too.
func TestReadAllErrors(t *testing.T) {
	cut := errors.New("cut")
	data := bytes.Repeat([]byte("x"), 3*firstBlock)
	for _, err := range []error{cut, io.ErrUnexpectedEOF} {
		for _, n := range []int{0, 100, 512, 513, 512 + firstBlock, len(data)} {
			for _, with := range []bool{false, true} {
				for _, expect := range []int{0, 511, 1 << 20} {
					r := &failing{data: data[:n], step: 4096, err: err, with: with}
					if _, got := ReadAll(r, make([]byte, 0, expect)); got != err {
						t.Errorf("%d bytes then %v (with the last: %v), buffer %d: error %v", n, err, with, expect, got)
					}
				}
			}
		}
	}
}

// TestReadAllOverflow: a buffer that turns out too small, even when it was
// sized for the input (a file that grew while it was read), ends with the
// whole input, and one that is exactly full is returned as it is.
func TestReadAllOverflow(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	for _, expect := range []int{1000, 9999, 10000} {
		b := make([]byte, 0, expect)
		got, err := ReadAll(struct{ io.Reader }{bytes.NewReader(data)}, b)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("buffer %d: got %d bytes, %v", expect, len(got), err)
		}
		if expect == len(data) && &got[0] != &b[:1][0] {
			t.Errorf("buffer %d, exactly full: copied, not returned as it is", expect)
		}
	}
}
