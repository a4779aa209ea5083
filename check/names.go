package check

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeName shows a file name from the change under review without
// letting it act on whoever reads the report: control characters, bidi
// controls (U+202E turns "gis.exe" around) and other invisible format
// characters become \uXXXX, bytes that are not UTF-8 \xXX. A name that
// needs none of it is returned as is.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}
