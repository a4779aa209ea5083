package input

import (
	"bytes"
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
