package signoff

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// MaxAllowedSignersBytes bounds the size of an allowed_signers file.
const MaxAllowedSignersBytes = 4 << 20

// AllowedSigners is a parsed allowed_signers file: who may sign, with which
// key, in which namespaces and when. The format is git's and ssh-keygen's
// (see ALLOWED SIGNERS in ssh-keygen(1)).
type AllowedSigners struct {
	entries []entry
}

// entry is one line of an allowed_signers file.
type entry struct {
	line          int
	principals    string // comma-separated patterns, as written (quotes removed)
	certAuthority bool
	namespaces    *string // nil: any namespace; else comma-separated patterns
	validAfter    time.Time
	validBefore   time.Time
	key           ssh.PublicKey
	keyBlob       []byte
}

// Principals returns the principals fields of every line, sorted and
// without duplicates: the names the file lets sign.
func (a *AllowedSigners) Principals() []string {
	var out []string
	for _, e := range a.entries {
		out = append(out, e.principals)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ReadAllowedSigners reads and parses the allowed_signers file at path.
func ReadAllowedSigners(path string) (*AllowedSigners, error) {
	data, err := readFileMax(path, MaxAllowedSignersBytes)
	if err != nil {
		return nil, fmt.Errorf("reading allowed signers: %w", err)
	}
	return ParseAllowedSigners(path, data)
}

// ParseAllowedSigners parses the text of an allowed_signers file; name is
// used in errors, which read "name:line: what is wrong". Each line is
//
//	principals [options] keytype base64-key [comment]
//
// where principals is a comma-separated list of patterns (* and ? wildcards,
// ! negates), in double quotes if it holds spaces, and options is a
// comma-separated list of cert-authority, namespaces="list",
// valid-after="time" and valid-before="time" with time as
// YYYYMMDD[HHMM[SS]] and a trailing Z for UTC (else local time). Blank lines
// and lines starting with # are ignored. Like ssh-keygen, an unknown option
// is an error.
func ParseAllowedSigners(name string, data []byte) (*AllowedSigners, error) {
	if len(data) > MaxAllowedSignersBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxAllowedSignersBytes>>20)
	}
	a := &AllowedSigners{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		e, err := parseLine(string(bytes.TrimSuffix(line, []byte("\r"))))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
		}
		if e != nil {
			e.line = i + 1
			a.entries = append(a.entries, *e)
		}
	}
	return a, nil
}

const spaces = " \t"

func parseLine(s string) (*entry, error) {
	s = strings.TrimLeft(s, spaces)
	if s == "" || s[0] == '#' {
		return nil, nil
	}
	e := &entry{}
	var err error
	if e.principals, s, err = token(s); err != nil {
		return nil, fmt.Errorf("principals: %v", err)
	}
	if e.principals == "" {
		return nil, errors.New("empty principals")
	}
	for _, p := range strings.Split(e.principals, ",") {
		if strings.TrimPrefix(p, "!") == "" {
			return nil, fmt.Errorf("empty principal in %q", e.principals)
		}
	}
	s = strings.TrimLeft(s, spaces)
	if s == "" {
		return nil, errors.New("no key after the principals")
	}
	first := s
	if i := strings.IndexAny(s, spaces); i >= 0 {
		first = s[:i]
	}
	if isOptions(first) {
		if s, err = e.parseOptions(s); err != nil {
			return nil, err
		}
		s = strings.TrimLeft(s, spaces)
		if s == "" {
			return nil, errors.New("no key after the options")
		}
	}
	if err := e.parseKey(s); err != nil {
		return nil, err
	}
	return e, nil
}

// token reads a field up to white space, or a field in double quotes.
func token(s string) (tok, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", errors.New("no closing quote")
		}
		return s[1 : end+1], s[end+2:], nil
	}
	if i := strings.IndexAny(s, spaces); i >= 0 {
		return s[:i], s[i:], nil
	}
	return s, "", nil
}

var optionNames = []string{"cert-authority", "namespaces", "valid-after", "valid-before"}

// isOptions tells the options field from a key type: key types never hold
// '=', ',' or '"', and no key type is named like an option.
func isOptions(field string) bool {
	if strings.ContainsAny(field, `=,"`) {
		return true
	}
	for _, o := range optionNames {
		if strings.EqualFold(field, o) {
			return true
		}
	}
	return false
}

// parseOptions parses the options field and returns what follows it.
func (e *entry) parseOptions(s string) (string, error) {
	seen := map[string]bool{}
	for {
		name := s
		if i := strings.IndexAny(s, "=, \t"); i >= 0 {
			name = s[:i]
		}
		lname := strings.ToLower(name)
		if seen[lname] {
			return "", fmt.Errorf("option %s given twice", lname)
		}
		s = s[len(name):]
		switch lname {
		case "cert-authority":
			e.certAuthority = true
		case "namespaces", "valid-after", "valid-before":
			val, rest, err := quotedValue(s)
			if err != nil {
				return "", fmt.Errorf("option %s: %v", lname, err)
			}
			s = rest
			switch lname {
			case "namespaces":
				e.namespaces = &val
			case "valid-after":
				if e.validAfter, err = parseTime(val); err != nil {
					return "", fmt.Errorf("option valid-after: %v", err)
				}
			case "valid-before":
				if e.validBefore, err = parseTime(val); err != nil {
					return "", fmt.Errorf("option valid-before: %v", err)
				}
			}
		case "":
			return "", errors.New("empty option")
		default:
			return "", fmt.Errorf("unsupported option %q", name)
		}
		seen[lname] = true
		if s == "" || strings.IndexAny(s[:1], spaces) == 0 {
			break
		}
		if s[0] != ',' {
			return "", fmt.Errorf("unexpected %q after option %s", s[:1], lname)
		}
		s = s[1:]
	}
	if !e.validAfter.IsZero() && !e.validBefore.IsZero() && !e.validBefore.After(e.validAfter) {
		return "", errors.New("valid-before is not after valid-after")
	}
	return s, nil
}

// quotedValue reads `="value"`, where a backslash escapes a quote.
func quotedValue(s string) (val, rest string, err error) {
	if !strings.HasPrefix(s, `="`) {
		return "", "", errors.New(`want ="value"`)
	}
	s = s[2:]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case s[i] == '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", errors.New("no closing quote")
}

// parseTime parses YYYYMMDD[HHMM[SS]][Z], as ssh-keygen does: UTC with a
// trailing Z, local time without.
func parseTime(s string) (time.Time, error) {
	loc := time.Local
	v := s
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		loc, v = time.UTC, v[:len(v)-1]
	}
	var layout string
	switch len(v) {
	case 8:
		layout = "20060102"
	case 12:
		layout = "200601021504"
	case 14:
		layout = "20060102150405"
	default:
		return time.Time{}, fmt.Errorf("bad time %q: want YYYYMMDD[HHMM[SS]][Z]", s)
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("bad time %q: want YYYYMMDD[HHMM[SS]][Z]", s)
		}
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: %v", s, dropPrefix(err))
	}
	return t, nil
}

func dropPrefix(err error) string {
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message != "" {
		return strings.TrimPrefix(pe.Message, ": ")
	}
	return "out of range"
}

// parseKey parses "keytype base64 [comment]".
func (e *entry) parseKey(s string) error {
	typ, s, _ := token(s)
	s = strings.TrimLeft(s, spaces)
	b64, _, _ := token(s)
	if _, ok := keyTypes[typ]; !ok {
		if b64 == "" {
			return fmt.Errorf("%q is neither a key type nor an option", typ)
		}
		return fmt.Errorf("unsupported key type %q", typ)
	}
	if b64 == "" {
		return fmt.Errorf("no key data after %s", typ)
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("bad base64 in %s key", typ)
	}
	key, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return fmt.Errorf("bad %s key: %v", typ, strings.TrimPrefix(err.Error(), "ssh: "))
	}
	if key.Type() != typ {
		return fmt.Errorf("key type %q does not match its data (%s)", typ, key.Type())
	}
	e.key, e.keyBlob = key, key.Marshal()
	return nil
}

// allows reports whether the line allows the namespace.
func (e *entry) allows(namespace string) bool {
	return e.namespaces == nil || matchList(namespace, *e.namespaces, false)
}

// validAt reports whether now lies within the line's validity window.
func (e *entry) validAt(now time.Time) bool {
	return (e.validAfter.IsZero() || !now.Before(e.validAfter)) &&
		(e.validBefore.IsZero() || !now.After(e.validBefore))
}

// matchList reports whether s matches a comma-separated list of patterns as
// OpenSSH's match_pattern_list does: some pattern matches and no negated
// (!pattern) one does.
func matchList(s, list string, fold bool) bool {
	if fold {
		s, list = strings.ToLower(s), strings.ToLower(list)
	}
	got := false
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if matchPattern(s, p) {
			if neg {
				return false
			}
			got = true
		}
	}
	return got
}

// matchPattern matches s against a pattern of literal bytes, '*' (any run)
// and '?' (any one byte), in linear time.
func matchPattern(s, p string) bool {
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			si++
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// readFileMax reads a regular file of at most max bytes.
// It looks before it opens, so that a named pipe cannot block it.
func readFileMax(path string, max int64) ([]byte, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %s", path, sizeText(max))
	}
	return data, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
