package termtext

import (
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// cells measures text as a terminal shows it. Its settings are fixed rather
// than read from the locale (as runewidth's default does), so that the same
// plan gives the same table on every machine: East Asian ambiguous runes
// count one column.
var cells = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// Width is how many columns of a terminal s takes.
func Width(s string) int { return cells.StringWidth(s) }

// Safe keeps text from a plan on its line and out of the terminal's
// control: a hand-made plan can hold escape sequences in an address. C0 and
// C1 control characters (C1's CSI, U+009B, starts a sequence on some
// terminals as ESC [ does), line and paragraph separators, and the
// bidirectional overrides that make a terminal show text in another order
// than it is written all become a space.
func Safe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == '\u2028', r == '\u2029', r == utf8.RuneError,
			r == '\u061c', r == '\u200e', r == '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return ' '
		}
		return r
	}, s)
}

// ellipsis marks where shortened text was cut.
const ellipsis = "…"

// prefixWidth is the longest prefix of s at most w columns wide. A rune of
// zero width (a combining mark) stays with the rune before it.
func prefixWidth(s string, w int) string {
	used := 0
	for i, r := range s {
		rw := cells.RuneWidth(r)
		if rw > 0 && used+rw > w {
			return s[:i]
		}
		used += rw
	}
	return s
}

// suffixWidth is the longest suffix of s at most w columns wide, never
// starting on a zero-width rune, which belongs to the rune before it.
func suffixWidth(s string, w int) string {
	used, start := 0, len(s)
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		rw := cells.RuneWidth(r)
		if used+rw > w {
			break
		}
		used += rw
		if rw > 0 {
			start = i
		}
	}
	return s[start:]
}

// ShortenAddress fits a resource address into w columns by taking out its
// middle, keeping what tells it apart: the first module call (which part
// of the configuration), the instance keys of the module calls after it
// (module.shard[0] and module.shard[1] are different objects), and the
// resource's type.name with its key, the type the first of these to go.
// So module.team["a"].module.shard[0].module.env.aws_db_instance.db becomes
// module.team["a"]…shard[0]…aws_db_instance.db, then
// module.team["a"]…shard[0]…instance.db; when even the name does not fit,
// the start and the end of the address.
func ShortenAddress(addr string, w int) string {
	if Width(addr) <= w {
		return addr
	}
	ew := Width(ellipsis)
	if w <= ew {
		return prefixWidth(ellipsis, w)
	}
	calls, resource := splitAddress(addr)
	if len(calls) > 0 {
		head := "module." + calls[0]
		var keyed []string
		for _, c := range calls[1:] {
			if strings.Contains(c, "[") {
				keyed = append(keyed, c)
			}
		}
		// Without keys in the middle, a plain cut: it keeps as much of
		// the end as fits.
		if len(keyed) == 0 && Width(head)+ew+Width(resource[len(resource)-1]) <= w {
			return head + ellipsis + suffixWidth(addr[len(head):], w-Width(head)-ew)
		}
		mid := strings.Join(append([]string{head}, keyed...), ellipsis) + ellipsis
		if room := w - Width(mid); room >= Width(resource[len(resource)-1]) {
			return mid + suffixWidth(strings.Join(resource, "."), room)
		}
	}
	// Keep a third of the width for the start and the rest for the end,
	// the instance key.
	front := prefixWidth(addr, (w-ew)/3)
	return front + ellipsis + suffixWidth(addr, w-ew-Width(front))
}

// splitAddress splits an address into its module calls, each a name and
// key (team["a"] of module.team["a"]), and the steps of the resource
// (aws_instance, web[0]; data, aws_ami, base), never empty.
func splitAddress(addr string) (calls, resource []string) {
	steps := addressSteps(addr)
	for len(steps) > 2 && steps[0] == "module" {
		calls = append(calls, steps[1])
		steps = steps[2:]
	}
	return calls, steps
}

// addressSteps splits an address at the dots outside instance keys, which
// may hold dots and quoted brackets of their own: module.a["x.y"].b.c is
// module, a["x.y"], b, c.
func addressSteps(addr string) []string {
	var steps []string
	depth, quoted, escaped, start := 0, false, false, 0
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case c == '.' && depth == 0:
			steps = append(steps, addr[start:i])
			start = i + 1
		}
	}
	return append(steps, addr[start:])
}

// Wrap breaks text into lines at most first columns wide for the first
// line and rest for the others: at spaces, else after punctuation that
// ends a word in an identifier (a reason such as
// replace_because_cannot_update breaks after an underscore), else anywhere
// between runes. A width <= 0 means no limit.
func Wrap(s string, first, rest int) []string {
	var lines []string
	for w := first; w > 0 && Width(s) > w; w = rest {
		fit := prefixWidth(s, w)
		if fit == "" { // a rune wider than the line
			_, size := utf8.DecodeRuneInString(s)
			fit = s[:size]
		}
		cut, next := len(fit), len(fit)
		if i := strings.LastIndexByte(s[:min(len(fit)+1, len(s))], ' '); i > 0 {
			cut, next = i, i+1
		} else if i := strings.LastIndexAny(fit, "_.,;:/-]|"); i+1 >= len(fit)/3 {
			// A break that leaves most of the line empty is worse than
			// one inside a word.
			cut, next = i+1, i+1
		}
		lines = append(lines, strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[next:], " ")
	}
	if s != "" || len(lines) == 0 {
		lines = append(lines, s)
	}
	return lines
}

// Pad fills s with spaces to w columns.
func Pad(s string, w int) string {
	if n := w - Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// SGR codes of the few colours the table uses, for Painter.Paint; join two
// with a semicolon (Red + ";" + Bold).
const (
	Bold   = "1"
	Red    = "31"
	Green  = "32"
	Yellow = "33"
	Blue   = "34"
	Dim    = "2"
)

// Painter colours text when colour is on. It is applied after text is
// measured and padded, so colour never counts as width, and only to text
// Safe has cleaned or blast wrote: no escape sequence comes from a plan.
type Painter bool

// Paint wraps s in the SGR sequence sgr and a reset, when p is on and both
// are not empty.
func (p Painter) Paint(sgr, s string) string {
	if !p || sgr == "" || s == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}
