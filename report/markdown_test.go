package report

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/blast-dev/blast/internal/mdtext"
	"github.com/blast-dev/blast/plan"
)

// gfm renders markdown as GitHub does (CommonMark with its table,
// autolink and strikethrough extensions, raw HTML let through), so a test
// can look at what a reader of the pull request sees.
func gfm(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	g := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := g.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func renderMD(t *testing.T, r *Report) string {
	t.Helper()
	b, err := Render(r, "markdown", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bigReport builds a report of n destructive changes spread over modules,
// each with a blast radius and a data-loss finding, the way a 15,000
// resource teardown looks.
func bigReport(n int, addrPad int) *Report {
	r := &Report{
		Version: SchemaVersion, Score: 100, Threshold: 50, Decision: "signoff_required",
		Plans: []Plan{{Source: "plan.json", FormatVersion: "1.2", TerraformVersion: "1.11.4", Tool: "terraform",
			HasConfiguration: true, Drift: []Drift{}, Deferred: []Deferred{}, Warnings: []string{}}},
		Changes: []Change{}, Findings: []Finding{},
		Signoff: &Signoff{Digest: "sha256:00", Required: 1, Records: []SignoffRecord{}, Notes: []string{}},
	}
	pad := strings.Repeat("x", addrPad)
	for i := 0; i < n; i++ {
		mod := fmt.Sprintf(`module.app["svc-%03d"]`, i%300)
		addr := fmt.Sprintf(`%s.aws_db_instance.db["%s%05d"]`, mod, pad, i)
		kind := []plan.Kind{plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD}[i%3]
		radius := &Radius{}
		for j := 0; j < 4; j++ {
			radius.Changed = append(radius.Changed, fmt.Sprintf(`%s.aws_instance.app[%d]`, mod, j))
			radius.Unchanged = append(radius.Unchanged, fmt.Sprintf(`module.dns.aws_route53_record.r["%05d-%d"]`, i, j))
		}
		radius.ChangedCount, radius.UnchangedCount = len(radius.Changed), len(radius.Unchanged)
		r.Changes = append(r.Changes, Change{
			Address: addr, Type: "aws_db_instance", Module: mod, Kind: kind, Actions: []string{"delete"},
			Reason: "delete_because_no_resource_config", ForcedBy: []string{}, Class: "stateful_data",
			Risk: float64(n-i) / 100, Factors: []Factor{{Name: "kind", Points: float64(n-i) / 100, Detail: "aws_db_instance deleted: 100 x weight 1.0 (stateful_data, catalog)"}},
			BlastRadius: radius,
		})
		r.Findings = append(r.Findings, Finding{Rule: "data-loss", Severity: "critical", Address: addr,
			Message: addr + " holds data and is destroyed; its prior state shows deletion_protection off", Points: 5})
		switch kind {
		case "delete":
			r.Summary.Delete++
		case "replace":
			r.Summary.Replace++
		default:
			r.Summary.ReplaceCBD++
		}
	}
	r.Plans[0].Summary = r.Summary
	return r
}

var leftOutRE = regexp.MustCompile(`… and ([0-9,]+) more destructive changes`)

// TestMarkdownLimit renders a 15,000-change report: it must stay under
// GitHub's comment limit, show the riskiest changes and say how many it
// left out.
func TestMarkdownLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *Report
	}{
		{"15000 changes", bigReport(15000, 0)},
		{"15000 changes, 2 KB addresses", bigReport(15000, 2000)},
		{"hostile", hostileReport()},
		{"15000 changes, 1000 sign-offs of long names", hugeSignoffs(bigReport(15000, 0))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := renderMD(t, tc.r)
			t.Logf("%d bytes, %d characters", len(md), utf8.RuneCountInString(md))
			if len(md) > MarkdownLimit {
				t.Fatalf("%d bytes, over the limit of %d", len(md), MarkdownLimit)
			}
			if !strings.HasPrefix(md, MarkdownMarker(tc.r.ID)+"\n") {
				t.Errorf("does not start with the marker %s", MarkdownMarker(tc.r.ID))
			}
			checkMarkdownShape(t, md)
			if s := tc.r.Signoff; s != nil && len(s.Records) > mdMaxSignoffRows && !strings.Contains(md, "more sign-offs not listed") {
				t.Error("does not say how many sign-offs were left out")
			}
			if len(tc.r.Changes) < 1000 {
				return
			}
			// The table holds the riskiest changes, in order, then says
			// how many more there are; together they are all of them.
			rows := regexp.MustCompile(`(?m)^\| (\d+) \| [0-9.]+ \| (delete|replace|replace_cbd) \| `).FindAllStringSubmatch(md, -1)
			if len(rows) < 20 {
				t.Fatalf("only %d rows in the change table", len(rows))
			}
			for i, row := range rows {
				if row[1] != fmt.Sprint(i+1) {
					t.Fatalf("row %d is numbered %s", i+1, row[1])
				}
			}
			first := mdtext.ShortenMiddle(tc.r.Changes[0].Address, mdMaxAddress)
			if !strings.Contains(md, first) {
				t.Errorf("the riskiest change %s is not shown", first)
			}
			m := leftOutRE.FindStringSubmatch(md)
			if m == nil {
				t.Fatal("does not say how many changes were left out")
			}
			left := strings.ReplaceAll(m[1], ",", "")
			if fmt.Sprint(len(rows)) != fmt.Sprint(15000-atoi(t, left)) {
				t.Errorf("%d rows shown and %s left out: not 15,000", len(rows), left)
			}
			if !regexp.MustCompile(`… and [0-9,]+ more findings`).MatchString(md) {
				t.Error("does not say how many findings were left out")
			}
			if !regexp.MustCompile(`it leaves out [0-9,]+ resources of the blast radius`).MatchString(md) {
				t.Error("the picture does not say what it left out")
			}
			if !strings.Contains(md, "gh run download RUN_ID -n blast-plan\nblast approve plan.out --key ~/.ssh/id_ed25519 --out .blast/signoffs\n") {
				t.Error("no sign-off instructions")
			}
		})
	}
}

// hugeSignoffs gives a report a thousand rejected sign-offs and notes whose
// names are long and of four-byte characters: the sign-off section must
// share the budget too.
func hugeSignoffs(r *Report) *Report {
	long := strings.Repeat("𝔞", 500)
	for i := 0; i < 1000; i++ {
		r.Signoff.Records = append(r.Signoff.Records, SignoffRecord{File: fmt.Sprintf(".blast/signoffs/%s%d.sig", long, i),
			Principal: long + "@example.com", Fingerprint: "SHA256:" + long, Reason: "unknown-key", Detail: long})
		r.Signoff.Notes = append(r.Signoff.Notes, long)
	}
	return r
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkMarkdownShape checks what would break a comment: unbalanced fences
// and <details>, a mermaid block with a label that ends early.
func checkMarkdownShape(t *testing.T, md string) {
	t.Helper()
	fences := regexp.MustCompile("(?m)^```").FindAllString(md, -1)
	if len(fences)%2 != 0 {
		t.Errorf("%d code fences: one is not closed", len(fences))
	}
	if o, c := strings.Count(md, "<details>"), strings.Count(md, "</details>"); o != c || o > 1 {
		t.Errorf("%d <details> and %d </details>", o, c)
	}
	label := `\["[^"#;<>%` + "`" + `]*(#\d+;[^"#;<>%` + "`" + `]*)*"\]`
	node := regexp.MustCompile(`^ {2,}(n\d+|legend\d|more|note\d+|empty)` + label + `$`)
	edge := regexp.MustCompile(`^  n\d+ --> n\d+$`)
	sub := regexp.MustCompile(`^ {2,}subgraph (legend|s\d+)` + label + `$|^ {2,}end$`)
	style := regexp.MustCompile(`^  classDef (destroy|changed|unchanged) [a-z0-9:#,-]+$|^  class (legend\d|n\d+)(,n\d+)* (destroy|changed|unchanged)$`)
	in := false
	nodes := 0
	for _, line := range strings.Split(md, "\n") {
		switch {
		case line == "```mermaid":
			in = true
		case in && line == "```":
			in = false
		case in:
			if line == "flowchart LR" || strings.HasPrefix(line, "%% ") || style.MatchString(line) || edge.MatchString(line) || sub.MatchString(line) {
				continue
			}
			if !node.MatchString(line) {
				t.Errorf("mermaid line not as expected: %q", line)
			}
			nodes++
		}
	}
	if nodes > mdMaxNodes+3+1 { // the legend's three nodes, one note
		t.Errorf("%d nodes in the picture", nodes)
	}
}

// TestMarkdownEscaping renders addresses full of markdown, HTML and mention
// syntax and reads the result as GitHub would: one table row per change,
// every address shown exactly in code, no element the addresses made.
func TestMarkdownEscaping(t *testing.T) {
	r := hostileReport()
	md := renderMD(t, r)
	out := gfm(t, md)

	if strings.Contains(out, "<script") || strings.Contains(out, "<em>it</em>") || strings.Contains(out, "<em>bold</em>") ||
		strings.Contains(out, `<a href="http://x">`) {
		t.Errorf("an address turned into markup:\n%s", out)
	}
	tables := strings.Split(out, "<table>")
	if len(tables) < 2 {
		t.Fatal("no table")
	}
	changes := tables[1]
	if n := strings.Count(changes, "<tr>"); n != len(r.Changes)+1 {
		t.Errorf("the change table has %d rows, want %d and the header", n-1, len(r.Changes))
	}
	for i, row := range strings.Split(changes, "<tr>")[2:] {
		if n := strings.Count(row, "<td"); n != 8 {
			t.Errorf("row %d has %d cells, want 8: %s", i+1, n, row)
		}
	}
	code := regexp.MustCompile(`(?s)<code>(.*?)</code>`)
	shown := map[string]bool{}
	for _, m := range code.FindAllStringSubmatch(out, -1) {
		shown[html.UnescapeString(m[1])] = true
	}
	for _, c := range r.Changes {
		want := strings.TrimSpace(mdtext.OneLine(mdtext.ShortenMiddle(c.Address, mdMaxAddress)))
		found := false
		for s := range shown {
			if strings.TrimSpace(s) == want {
				found = true
			}
		}
		if !found {
			t.Errorf("address %q is not shown verbatim in code", want)
		}
	}
	if !strings.Contains(md, "@\u2060octocat") {
		t.Error("an @mention in a message is not defused")
	}
	checkMarkdownShape(t, md)
}

func TestMarkdownSections(t *testing.T) {
	md := renderMD(t, fixtureReport(t, "demo-teardown"))
	order := []string{MarkdownMarker(""), "blast: sign-off required · score 100/100 (threshold 50)", "**17 destructive changes**",
		"### Findings", "### Destructive changes", "```mermaid", "### Sign-off", "**How to sign off**", "<details>"}
	last := -1
	for _, s := range order {
		i := strings.Index(md, s)
		if i < 0 {
			t.Errorf("missing %q", s)
			continue
		}
		if i < last {
			t.Errorf("%q out of order", s)
		}
		last = i
	}
	if !strings.Contains(md, "| `replace_because_cannot_update` | `triggers_replace` |") {
		t.Error("no reason and forced-by in the change table")
	}
	checkMarkdownShape(t, md)

	md = renderMD(t, fixtureReport(t, "create"))
	if !strings.Contains(md, "## ✅ blast: pass") || !strings.Contains(md, "Nothing is destroyed") || strings.Contains(md, "mermaid") ||
		strings.Contains(md, "How to sign off") {
		t.Errorf("a plan of creates:\n%s", md)
	}

	md = renderMD(t, withSignoff(fixtureReport(t, "demo-teardown"), 0))
	for _, s := range []string{"0 of 1 required sign-offs are valid", "`mallory@example.com`", "not-a-senior", "AI-assisted", "How to sign off"} {
		if !strings.Contains(md, s) {
			t.Errorf("rejected sign-off: missing %q", s)
		}
	}
	md = renderMD(t, withSignoff(fixtureReport(t, "demo-teardown"), 1))
	if !strings.Contains(md, "## ✅ blast: approved") || strings.Contains(md, "How to sign off") {
		t.Errorf("approved plan:\n%s", md)
	}
}
