package termtext

import (
	"strings"
	"testing"
)

func TestShortenAddress(t *testing.T) {
	for _, c := range []struct {
		addr string
		w    int
		want string
	}{
		{"aws_instance.web", 30, "aws_instance.web"},
		{"module.env.terraform_data.subnet_private[\"a\"]", 40, "module.env…form_data.subnet_private[\"a\"]"},
		{"module.team[\"a\"].module.shard[0].module.env.aws_db_instance.db", 50, "module.team[\"a\"]…shard[0]…aws_db_instance.db"},
		{"module.team[\"a\"].module.shard[0].module.env.aws_db_instance.db", 34, "module.team[\"a\"]…shard[0]…tance.db"},
		{"module.m[\"a.b\"].aws_s3_bucket.logs[\"x.y\"]", 34, "module.m[\"a.b\"]…bucket.logs[\"x.y\"]"},
		{"aws_s3_bucket.logs[\"日本語のキーはとても長い\"]", 24, "aws_s3_…ーはとても長い\"]"},
	} {
		got := ShortenAddress(c.addr, c.w)
		if got != c.want {
			t.Errorf("ShortenAddress(%q, %d) = %q, want %q", c.addr, c.w, got, c.want)
		}
		if w := Width(got); w > c.w {
			t.Errorf("ShortenAddress(%q, %d) is %d wide", c.addr, c.w, w)
		}
		if !strings.ContainsRune(got, '…') && got != c.addr {
			t.Errorf("ShortenAddress(%q) cut without a mark: %q", c.addr, got)
		}
	}
}

// FuzzShortenAddress: any address, any width: never wider than asked (from
// the width of the mark up), never a broken rune.
func FuzzShortenAddress(f *testing.F) {
	f.Add("module.a[\"x\"].module.b.aws_instance.c[0]", 20)
	f.Add("aws_s3_bucket.b[\"日本語\u0301\"]", 7)
	f.Fuzz(func(t *testing.T, addr string, w int) {
		if w < 1 || w > 500 {
			return
		}
		addr = Safe(addr)
		got := ShortenAddress(addr, w)
		if Width(got) > w {
			t.Errorf("ShortenAddress(%q, %d) = %q, %d wide", addr, w, got, Width(got))
		}
		if !strings.ContainsRune(addr, '\ufffd') && strings.ContainsRune(got, '\ufffd') {
			t.Errorf("ShortenAddress(%q, %d) split a rune: %q", addr, w, got)
		}
	})
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want []string
	}{
		{"replace_because_cannot_update; forced by triggers_replace", 30, []string{"replace_because_cannot_update;", "forced by triggers_replace"}},
		{"replace_because_cannot_update", 20, []string{"replace_because_", "cannot_update"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"日本語日本語", 5, []string{"日本", "語日", "本語"}},
		{"short", 0, []string{"short"}},
	} {
		got := Wrap(c.s, c.w, c.w)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}
