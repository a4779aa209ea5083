package policy

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// AddressGlob matches resource and module addresses. '*' matches any run of
// characters, dots and brackets included; everything else is literal, so
// module.app[0].* means what it says (no character classes to trip over).
type AddressGlob struct {
	Pattern string
	re      *regexp.Regexp
}

// ParseAddressGlob checks an address pattern.
func ParseAddressGlob(p string) (AddressGlob, error) {
	if strings.TrimSpace(p) == "" {
		return AddressGlob{}, fmt.Errorf("an empty address pattern")
	}
	if !utf8.ValidString(p) {
		return AddressGlob{}, fmt.Errorf("address pattern %q is not valid UTF-8", p)
	}
	for _, r := range p {
		if r <= ' ' || r == 0x7f {
			return AddressGlob{}, fmt.Errorf("address pattern %q has white space or a control character", p)
		}
	}
	// Brackets must pair up outside quoted keys, which may hold anything
	// (module.app["a]b"]), with \" escaping a quote inside one.
	depth, quoted := 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted || c == '*':
		case c == '[':
			depth++
		case c == ']':
			depth--
		}
		if depth < 0 || depth > 1 {
			return AddressGlob{}, fmt.Errorf("address pattern %q has unbalanced brackets", p)
		}
	}
	if quoted {
		return AddressGlob{}, fmt.Errorf("address pattern %q has an unclosed quote", p)
	}
	if depth != 0 {
		return AddressGlob{}, fmt.Errorf("address pattern %q has unbalanced brackets", p)
	}
	var b strings.Builder
	b.WriteString(`(?s)^`) // '*' matches line breaks too
	for i, part := range strings.Split(p, "*") {
		if i > 0 {
			b.WriteString(".*")
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return AddressGlob{}, fmt.Errorf("address pattern %q: %v", p, err)
	}
	return AddressGlob{Pattern: p, re: re}, nil
}

// Match reports whether the address matches.
func (g AddressGlob) Match(addr string) bool { return g.re != nil && g.re.MatchString(addr) }

// PathGlob matches plan file paths: '*' and '?' stay within a path segment,
// '**' crosses segments.
type PathGlob struct {
	Pattern string
	re      *regexp.Regexp
}

// ParsePathGlob checks a path pattern.
func ParsePathGlob(p string) (PathGlob, error) {
	if strings.TrimSpace(p) == "" {
		return PathGlob{}, fmt.Errorf("an empty path pattern")
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		case p[i] == '[' || p[i] == ']':
			return PathGlob{}, fmt.Errorf("path pattern %q: character classes are not supported", p)
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return PathGlob{}, fmt.Errorf("path pattern %q: %v", p, err)
	}
	return PathGlob{Pattern: p, re: re}, nil
}

// Match reports whether a slash-separated path matches.
func (g PathGlob) Match(path string) bool {
	return g.re != nil && g.re.MatchString(strings.TrimPrefix(path, "./"))
}
