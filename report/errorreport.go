package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/blast-dev/blast/internal/junit"
	"github.com/blast-dev/blast/internal/mdtext"
)

// DecisionError is the decision of a report written when blast could not
// judge the plans (exit 1). It is never a scoring.Decision: the gate made
// no decision at all.
const DecisionError = "error"

// ErrorReport is what the JSON report holds on exit 1 (docs/json-report.md):
// the decision "error" and the one line blast printed on stderr. It holds
// no score: nothing was judged.
type ErrorReport struct {
	Version  string `json:"version"`
	Decision string `json:"decision"`
	Error    string `json:"error"`
	Hint     string `json:"hint"`
}

// RenderError renders the report of a failed check in a format, so that a
// CI integration that posts the report replaces an earlier "pass" with the
// error instead of leaving it up. msg is the error line and hint the hint
// line blast printed (both without the "blast: error: " prefix); id is the
// report ID of the markdown marker. Error messages name files, flags and
// addresses, never an attribute value; this writes them as they are, escaped
// for the format.
func RenderError(format, id, msg, hint string) ([]byte, error) {
	msg, hint = mdtext.OneLine(msg), mdtext.OneLine(hint)
	var b bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ErrorReport{Version: SchemaVersion, Decision: DecisionError, Error: msg, Hint: hint}); err != nil {
			return nil, err
		}
	case "markdown":
		b.WriteString(markdownError(id, msg, hint))
	case "sarif":
		// A run that did not succeed, with the error as its notification
		// and no results.
		type text struct {
			Text string `json:"text"`
		}
		notes := []map[string]any{{"level": "error", "message": text{"blast could not judge the plan: " + msg}}}
		log := map[string]any{
			"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
			"version": "2.1.0",
			"runs": []map[string]any{{
				"tool":        map[string]any{"driver": map[string]any{"name": "blast", "informationUri": "https://github.com/blast-dev/blast", "rules": []any{}}},
				"invocations": []map[string]any{{"executionSuccessful": false, "toolExecutionNotifications": notes}},
				"results":     []any{},
			}},
		}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(log); err != nil {
			return nil, err
		}
	case "junit":
		// One errored case in the gate's suite, as a test runner reports a
		// test that could not run.
		body := msg
		if hint != "" {
			body += "\nhint: " + hint
		}
		doc := junit.ErrorSuites{Name: "blast", Tests: 1, Errors: 1, Suite: junit.ErrorSuite{Name: "blast gate", Tests: 1, Errors: 1,
			Case: junit.ErrorCase{Name: "sign-off", Classname: "blast", Error: junit.Error{Message: junit.XMLSafe(msg), Type: DecisionError, Body: junit.XMLSafe(body)}}}}
		b.WriteString(xml.Header)
		enc := xml.NewEncoder(&b)
		enc.Indent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
		b.WriteString("\n")
	case "github":
		text := msg
		if hint != "" {
			text += "\nhint: " + hint
		}
		fmt.Fprintf(&b, "::error title=%s::%s\n", githubProperty("blast: error"), githubData("blast could not judge the plan: "+text))
	default:
		// table, and any format without its own: the lines of stderr.
		b.WriteString("blast: error: " + msg + "\n")
		if hint != "" {
			b.WriteString("blast: hint: " + hint + "\n")
		}
		b.WriteString("Decision: error, the plan was not judged (exit 1)\n")
	}
	return b.Bytes(), nil
}

// markdownError is the pull-request comment of a failed check: the same
// marker as the report it replaces, then what failed.
func markdownError(id, msg, hint string) string {
	var b strings.Builder
	b.WriteString(MarkdownMarker(id) + "\n")
	b.WriteString("## ❌ blast: error · the plan was not judged\n\n")
	b.WriteString("blast failed: " + mdtext.Text(mdtext.Shorten(msg, 2000)) + "\n")
	if hint != "" {
		b.WriteString("\nHint: " + mdtext.Text(mdtext.Shorten(hint, 1000)) + "\n")
	}
	b.WriteString("\nNothing was judged, so nothing passed: the check fails (exit 1) until blast can read its inputs. " +
		"An earlier report on this pull request no longer holds.\n")
	return b.String()
}
