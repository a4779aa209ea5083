package input

import (
	"bytes"
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
