package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// MarkdownMarkerPrefix starts the first line of every markdown report; the
// line is MarkdownMarker(id). A CI integration finds its own comment by that
// exact line (and by who posted it) and updates it instead of adding one.
const MarkdownMarkerPrefix = "<!-- blast-report:"

// MaxReportIDLen bounds a report ID: it lands in an HTML comment that CI
// integrations compare byte for byte, so it stays short and plain.
const MaxReportIDLen = 100

// DefaultReportID names a report whose caller gave no ID.
const DefaultReportID = "default"

// MarkdownMarker is the first line of the markdown report of report ID id,
// "<!-- blast-report:ID -->". An empty id is DefaultReportID.
func MarkdownMarker(id string) string {
	if id == "" {
		id = DefaultReportID
	}
	return MarkdownMarkerPrefix + id + " -->"
}

// ValidReportID checks an ID given by a person (--report-id): letters,
// digits and . _ / - only, at most MaxReportIDLen bytes. Anything else could
// end the HTML comment, break the shell that greps for it, or tell two
// projects apart by an invisible character, so it is refused, not mended.
func ValidReportID(id string) error {
	if id == "" {
		return fmt.Errorf("the report ID is empty")
	}
	if len(id) > MaxReportIDLen {
		return fmt.Errorf("the report ID is %d bytes long, more than %d", len(id), MaxReportIDLen)
	}
	for i := 0; i < len(id); i++ {
		if !reportIDByte(id[i]) {
			return fmt.Errorf("the report ID holds %q, which is not a letter, a digit or one of . _ / -", id[i:i+1])
		}
	}
	return nil
}

// SanitizeReportID makes an ID out of something derived (a path): every
// byte outside [A-Za-z0-9._/-] becomes '-', and an ID too long keeps its
// start and a hash of the whole, so that two long paths stay apart.
func SanitizeReportID(s string) string {
	b := []byte(s)
	for i := range b {
		if !reportIDByte(b[i]) {
			b[i] = '-'
		}
	}
	id := string(b)
	if id == "" {
		return DefaultReportID
	}
	if len(id) > MaxReportIDLen {
		sum := sha256.Sum256([]byte(s))
		id = strings.TrimRight(id[:MaxReportIDLen-13], "-") + "-" + hex.EncodeToString(sum[:])[:12]
	}
	return id
}

func reportIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-'
}
