package mdtext

import (
	"strings"
	"unicode/utf8"
)

// Text escapes text so that markdown and HTML show it literally, and keeps
// an @ from mentioning anyone.
func Text(s string) string {
	s = OneLine(s)
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteRune(r)
			if !isWordRune(prev) {
				b.WriteRune('\u2060') // word joiner: no mention, nothing visible
			}
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// Code writes s as a code span, which shows every character as it is: no
// markdown, no HTML, no @mention. The fence is longer than any run of
// backticks in s; in a table cell a pipe is escaped, the one thing a table
// reads even inside code.
func Code(s string, inTable bool) string {
	s = OneLine(s)
	longest := longestBackticks(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (s != "" && strings.Trim(s, " ") == "") {
		s = " " + s + " "
	}
	if s == "" {
		s = " "
	}
	return fence + s + fence
}

// IndentedBlock writes text as a fenced code block indented into a list
// item, with a fence no line of the text can close.
func IndentedBlock(text, lang, indent string) string {
	longest := longestBackticks(text)
	fence := strings.Repeat("`", max(3, longest+1))
	var b strings.Builder
	b.WriteString("\n" + indent + fence + lang + "\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(indent + strings.TrimRight(strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' {
				return ' '
			}
			return r
		}, line), " ") + "\n")
	}
	b.WriteString(indent + fence + "\n")
	return b.String()
}

// longestBackticks is the longest run of backticks in s, which a fence
// around s must be longer than.
func longestBackticks(s string) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// OneLine turns every line break and control character into a space.
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
}

// Shorten cuts s to n runes, marking the cut with an ellipsis.
func Shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j
			break
		}
		count++
	}
	return s[:i] + "…"
}

// ShortenMiddle cuts s to n runes by taking out its middle, since the
// end of an address (the instance key) tells it apart as much as its start.
func ShortenMiddle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// Fit writes head and as many items as the budget (in bytes) holds, then what more
// says of the items left out. It returns "" when not even head fits.
func Fit(budget int, head string, items []string, more func(left int) string) string {
	s, _ := FitLeft(budget, head, items, more)
	return s
}

// FitLeft is Fit that also says how many items it left out.
func FitLeft(budget int, head string, items []string, more func(left int) string) (string, int) {
	return FitEach(budget, head, len(items), func(i int) string { return items[i] }, more)
}

// FitEach is FitLeft over n items made on demand, so that a list of
// 15,000 changes costs only the rows that fit.
func FitEach(budget int, head string, n int, item func(i int) string, more func(left int) string) (string, int) {
	reserve := len(more(n))
	if len(head)+reserve > budget {
		return "", n
	}
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < n; i++ {
		it := item(i)
		if b.Len()+len(it)+reserve > budget {
			b.WriteString(more(n - i))
			return b.String(), n - i
		}
		b.WriteString(it)
	}
	return b.String(), 0
}
