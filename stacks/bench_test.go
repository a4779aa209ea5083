package stacks

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// contextDir is the benchmark's 50 stacks of 5,000 resources: those in
// $BLAST_CONTEXT_DIR when set (made by TestGenerateContext), else made once
// in a temporary folder.
func contextDir(b *testing.B) string {
	benchOnce.Do(func() {
		if benchDir = os.Getenv("BLAST_CONTEXT_DIR"); benchDir != "" {
			return
		}
		benchDir, benchErr = os.MkdirTemp("", "blast-context-")
		if benchErr == nil {
			benchErr = genContext(benchDir, 50, 5000)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// benchQuery is what a plan that destroys 100 of the shared identities
// asks for, one owner each.
func benchQuery() Query {
	q := Query{}
	for i, id := range sharedIDs(400)[:100] {
		q.Add(id, i)
	}
	return q
}

func contextBytes(b *testing.B, dir string) int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "stack-*"))
	var n int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// BenchmarkContext is what --context adds to a check: load 50 stacks of
// 5,000 resources and match a plan's destroyed identities against them.
func BenchmarkContext(b *testing.B) {
	dir := contextDir(b)
	q := benchQuery()
	b.SetBytes(contextBytes(b, dir))
	b.ReportAllocs()
	var links int
	for b.Loop() {
		stacks, err := Load([]string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		links = 0
		for _, sl := range Match(stacks, q, MatchOptions{}) {
			links += len(sl.Links)
		}
	}
	b.ReportMetric(float64(links), "links")
}

// BenchmarkMatch is Match alone on the loaded stacks.
func BenchmarkMatch(b *testing.B) {
	stacks, err := Load([]string{contextDir(b)}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	values := 0
	for _, s := range stacks {
		values += s.Values()
	}
	q := benchQuery()
	b.ResetTimer()
	for b.Loop() {
		Match(stacks, q, MatchOptions{})
	}
	b.ReportMetric(float64(values), "values")
}
