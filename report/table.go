package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blast-dev/blast/internal/termtext"
	"github.com/blast-dev/blast/scoring"
)

// TableOptions tune the terminal report.
type TableOptions struct {
	// All lists every change, not only the destructive ones.
	All bool
	// MaxRows caps the change table; 0 means 50.
	MaxRows int
	// Width is the widest line to write, in terminal columns; 0 means no
	// limit (a file or a pipe: every address whole, for grep). The table
	// fits it by wrapping the WHY column and shortening addresses in the
	// middle, down to a floor (minTableWidth) under which lines run over.
	Width int
	// Color writes ANSI colours, for a terminal; never for a file.
	Color bool
}

// minTableWidth is the narrowest width the report fits; narrower terminals
// wrap its lines themselves.
const minTableWidth = 72

// Findings of one rule and severity beyond this many are summed up in a
// line of addresses rather than shown one by one.
const findingsShown = 3

func init() {
	register("table", false, func(w io.Writer, r *Report, opts Options) error { return WriteTable(w, r, opts.Table) })
}

// tw writes the report's lines within the width, coloured or not.
type tw struct {
	errWriter
	width int // 0: no limit
	p     termtext.Painter
}

// para writes lead, label and text, wrapped to the width, the lines after
// the first indented by hang spaces. The label alone is coloured with sgr.
func (t *tw) para(lead, label, sgr, text string, hang int) {
	rest := 0
	if t.width > 0 {
		rest = max(t.width-hang, minTableWidth/3)
	}
	head := lead + label
	for i, line := range termtext.Wrap(head+text, t.width, rest) {
		switch {
		case i > 0:
			line = strings.Repeat(" ", hang) + line
		case label != "" && strings.HasPrefix(line, head):
			line = lead + t.p.Paint(sgr, label) + line[len(head):]
		}
		t.printf("%s\n", line)
	}
}

// WriteTable writes the terminal report: the decision first, then the
// destructive changes ranked by risk, then the findings grouped by rule.
// A plan with nothing destructive gets a few lines, not a wall of text.
// Every string from a plan goes through termtext.Safe: no escape sequence of
// its own reaches the terminal.
func WriteTable(w io.Writer, r *Report, opts TableOptions) error {
	t := &tw{errWriter: errWriter{w: w}, p: termtext.Painter(opts.Color)}
	if opts.Width > 0 {
		t.width = max(opts.Width, minTableWidth)
	}
	t.para("blast: ", decisionLabel(r.Decision), decisionStyle(r.Decision), fmt.Sprintf("  score %d/100 (threshold %d)", r.Score, r.Threshold), 2)
	for i, p := range r.Plans {
		t.para("", "", "", fmt.Sprintf("plan %s: %s", termtext.Safe(planLabel(r, i)), describePlan(p)), 2)
		for _, warn := range p.Warnings {
			t.para("  note: ", "", "", termtext.Safe(warn), 4)
		}
		if !p.HasConfiguration {
			// The graph's other notes (locals ...) are in the JSON; the
			// table speaks up only when dependents may be missing.
			for _, n := range p.GraphNotes {
				t.para("  note: ", "", "", termtext.Safe(n), 4)
			}
		}
		if len(p.Drift) > 0 {
			t.para("  drift: ", "", "", fmt.Sprintf("%d resources changed outside Terraform since the last apply", len(p.Drift)), 4)
		}
		if len(p.Deferred) > 0 {
			t.para("  deferred: ", "", "", fmt.Sprintf("%d changes Terraform could not plan yet", len(p.Deferred)), 4)
		}
	}
	t.para("changes: ", "", "", summaryLine(r.Summary), 2)
	if r.PolicySource != nil {
		t.para("policy: ", "", "", termtext.Safe(r.PolicySource.Text()), 2)
	}
	if len(r.Ignored) > 0 {
		t.para("", "", "", fmt.Sprintf("ignored by the policy: %d (listed below)", len(r.Ignored)), 2)
	}

	var rows []Change
	for _, c := range r.Changes {
		if opts.All || c.Kind.Destructive() {
			rows = append(rows, c)
		}
	}
	maxRows := opts.MaxRows
	if maxRows <= 0 {
		maxRows = 50
	}
	if len(rows) > 0 {
		t.printf("\n")
		shown := rows
		if len(shown) > maxRows {
			shown = shown[:maxRows]
		}
		writeChangeTable(t, r, shown)
		if len(rows) > len(shown) {
			t.para("", "", "", fmt.Sprintf("... and %d more (--format json lists all)", len(rows)-len(shown)), 2)
		}
	}
	writeFindings(t, r)
	if len(r.Ignored) > 0 {
		t.printf("\n")
		t.para("", "", "", fmt.Sprintf("ignored by %s:", termtext.Safe(r.Policy)), 2)
		for _, ig := range r.Ignored {
			t.para("  ", "", "", fmt.Sprintf("%s %s (line %d): %s", termtext.Safe(ig.What), termtext.Safe(ig.Address), ig.Line, termtext.Safe(ig.Reason)), 4)
		}
	}
	for _, n := range r.Notes {
		t.para("note: ", "", "", termtext.Safe(n), 2)
	}
	for _, w := range r.Warnings {
		t.para("", "warning:", termtext.Yellow, " "+termtext.Safe(w), 2)
	}
	writeSignoff(t, r)
	return t.err
}

// column is one column of the change table.
type column struct {
	header string
	cells  []string
	styles []string // an SGR code per cell, "" for none
	// fit says how the column gives way to the width: fixed, shortened in
	// the middle (an address or a path) or wrapped onto more lines.
	fit     fit
	min     int // the narrowest it goes before the floor pass
	natural int
	width   int
}

type fit int

const (
	fitFixed fit = iota
	fitShorten
	fitWrap
)

// tableGap separates columns.
const tableGap = "  "

func writeChangeTable(t *tw, r *Report, rows []Change) {
	cols := []*column{
		{header: "RISK"}, {header: "KIND"},
		{header: "ADDRESS", fit: fitShorten, min: 30},
		{header: "CLASS"}, {header: "DEPENDENTS"},
		{header: "WHY", fit: fitWrap, min: 24},
	}
	if len(r.Plans) > 1 {
		cols = append([]*column{{header: "PLAN"}}, cols...)
	}
	for _, c := range rows {
		addr := termtext.Safe(c.Address)
		if c.Deposed != "" {
			addr += " (deposed " + termtext.Safe(c.Deposed) + ")"
		}
		class, classStyle := termtext.Safe(c.Class), ""
		if c.criticalByPolicy {
			class, classStyle = "critical (policy)", termtext.Bold
		}
		cells := []string{fmt.Sprintf("%.1f", c.Risk), string(c.Kind), addr, class, dependents(c), termtext.Safe(why(c))}
		styles := []string{riskStyle(c, r.Threshold), "", "", classStyle, "", ""}
		if len(r.Plans) > 1 {
			// The plan by its number: the lines above the table name it.
			cells = append([]string{fmt.Sprintf("#%d", c.Plan+1)}, cells...)
			styles = append([]string{""}, styles...)
		}
		for i, col := range cols {
			col.cells = append(col.cells, cells[i])
			col.styles = append(col.styles, styles[i])
		}
	}
	below := fitColumns(cols, t.width)
	grid, under := cols, (*column)(nil)
	indent := 0 // where the line under a row starts: under KIND
	if below {
		grid, under = cols[:len(cols)-1], cols[len(cols)-1]
		for _, col := range grid[:len(grid)-4] { // the columns before KIND
			indent += col.width + len(tableGap)
		}
		under.width = max(t.width-indent, minTableWidth/3)
	}

	header := make([]string, len(grid))
	for i, col := range grid {
		header[i] = col.header
	}
	writeTableLine(t, grid, header, nil, termtext.Bold)
	if under != nil {
		t.printf("%s%s\n", strings.Repeat(" ", indent), t.p.Paint(termtext.Bold, under.header))
	}
	for i := range rows {
		// Every cell is one line but the wrapped one's, which may take
		// several: the other columns stay blank beside the lines after
		// its first.
		lines := make([][]string, len(grid))
		height := 1
		for j, col := range grid {
			cell := col.cells[i]
			switch col.fit {
			case fitShorten:
				lines[j] = []string{termtext.ShortenAddress(cell, col.width)}
			case fitWrap:
				lines[j] = termtext.Wrap(cell, col.width, col.width)
			default:
				lines[j] = []string{cell}
			}
			height = max(height, len(lines[j]))
		}
		for k := 0; k < height; k++ {
			line, styles := make([]string, len(grid)), make([]string, len(grid))
			for j, col := range grid {
				if k < len(lines[j]) {
					line[j], styles[j] = lines[j][k], col.styles[i]
				}
			}
			writeTableLine(t, grid, line, styles, "")
		}
		if under != nil && under.cells[i] != "" {
			for _, l := range termtext.Wrap(under.cells[i], under.width, under.width) {
				t.printf("%s%s\n", strings.Repeat(" ", indent), l)
			}
		}
	}
}

// writeTableLine pads each cell to its column, then colours it, so that
// colour never counts as width; the last cell is not padded.
func writeTableLine(t *tw, cols []*column, cells, styles []string, all string) {
	var b strings.Builder
	for j, cell := range cells {
		if j > 0 {
			b.WriteString(tableGap)
		}
		style := all
		if styles != nil && styles[j] != "" {
			style = styles[j]
		}
		padded := cell
		if j < len(cells)-1 {
			padded = termtext.Pad(cell, cols[j].width)
		}
		b.WriteString(t.p.Paint(style, cell) + padded[len(cell):])
	}
	t.printf("%s\n", strings.TrimRight(b.String(), " "))
}

// fitColumns sets each column's width: its widest cell, then, while the
// table is wider than width, less. The wrapped column (WHY, the last)
// wraps down to its minimum; when the table is still too wide, it leaves
// the row for a line of its own under it, which keeps addresses whole at
// a width where a column of reasons would be a few letters wide. Then the
// shortened columns give way, to their minimum, then to a floor. width 0 is
// no limit. It reports whether the wrapped column goes under the row.
func fitColumns(cols []*column, width int) (below bool) {
	total := len(tableGap) * (len(cols) - 1)
	var wrapped *column
	for _, col := range cols {
		col.natural = termtext.Width(col.header)
		for _, c := range col.cells {
			col.natural = max(col.natural, termtext.Width(c))
		}
		col.width = col.natural
		total += col.width
		if col.fit == fitWrap {
			wrapped = col
		}
	}
	if width <= 0 || total <= width {
		return false
	}
	if wrapped != nil {
		least := min(wrapped.natural, max(wrapped.min, termtext.Width(wrapped.header)))
		if total-(wrapped.natural-least) <= width {
			wrapped.width -= total - width
			return false
		}
		total -= wrapped.natural + len(tableGap)
		below = true
	}
	excess := total - width
	give := func(floor func(*column) int) {
		for _, col := range cols {
			if col.fit != fitShorten || excess <= 0 {
				continue
			}
			least := min(col.natural, max(floor(col), termtext.Width(col.header)))
			if cut := min(excess, col.width-least); cut > 0 {
				col.width -= cut
				excess -= cut
			}
		}
	}
	give(func(c *column) int { return c.min })
	give(func(*column) int { return 12 })
	return below
}

// dependents counts a destructive change's blast radius: all, and how many
// of them the plan does not change (those may break unannounced).
func dependents(c Change) string {
	if c.BlastRadius == nil {
		return ""
	}
	n, u := c.BlastRadius.Size(), c.BlastRadius.UnchangedCount
	s := fmt.Sprint(n)
	if u > 0 {
		s = fmt.Sprintf("%d (%d unchanged)", n, u)
	}
	if o := c.BlastRadius.otherCount(); o > 0 {
		s += fmt.Sprintf(" + %d in other stacks", o)
	}
	return s
}

func why(c Change) string {
	var parts []string
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	if len(c.ForcedBy) > 0 {
		parts = append(parts, "forced by "+strings.Join(c.ForcedBy, ", "))
	}
	if c.MovedFrom != "" {
		parts = append(parts, "moved from "+c.MovedFrom)
	}
	if c.Imported {
		parts = append(parts, "imported")
	}
	return strings.Join(parts, "; ")
}

func decisionLabel(d scoring.Decision) string {
	switch d {
	case scoring.DecisionPass:
		return "PASS"
	case scoring.DecisionApproved:
		return "APPROVED"
	case scoring.DecisionSignoffRequired:
		return "SIGN-OFF REQUIRED"
	}
	return strings.ToUpper(string(d))
}

func planLabel(r *Report, i int) string {
	if len(r.Plans) == 1 {
		return r.Plans[i].Source
	}
	return fmt.Sprintf("#%d %s", i+1, r.Plans[i].Source)
}

func describePlan(p Plan) string {
	var parts []string
	tool := p.Tool
	if tool == "" {
		tool = "terraform"
	}
	if p.TerraformVersion != "" {
		parts = append(parts, tool+" "+p.TerraformVersion)
	}
	if p.FormatVersion != "" {
		parts = append(parts, "format "+p.FormatVersion)
	}
	parts = append(parts, fmt.Sprintf("%d destructive", p.Summary.Destructive()))
	return strings.Join(parts, ", ")
}

// summaryLine counts changes per kind, leaving out kinds with none.
func summaryLine(s Summary) string {
	counts := []struct {
		n    int
		name string
	}{
		{s.Delete, "delete"}, {s.Replace, "replace"}, {s.ReplaceCBD, "replace (create before destroy)"},
		{s.Update, "update"}, {s.Create, "create"}, {s.Forget, "forget"}, {s.Read, "read"},
		{s.NoOp, "no-op"}, {s.Moved, "moved"}, {s.Imported, "imported"},
	}
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// errWriter keeps the first write error so a renderer can print freely and
// check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// writeFindings groups the findings by severity and rule, highest severity
// first: a plan that loses a hundred databases gets one data-loss entry
// with a count, a few messages and the other addresses, not a hundred lines.
func writeFindings(t *tw, r *Report) {
	if len(r.Findings) == 0 {
		return
	}
	type group struct {
		rule     string
		severity scoring.Severity
		findings []Finding
	}
	var groups []*group
	index := map[string]*group{}
	for _, f := range r.Findings {
		key := string(f.Severity) + "\x00" + f.Rule
		g := index[key]
		if g == nil {
			g = &group{rule: f.Rule, severity: f.Severity}
			index[key] = g
			groups = append(groups, g)
		}
		g.findings = append(g.findings, f)
	}
	// The findings come ranked by severity already; the sort keeps that
	// order for reports built some other way, and first-seen order within.
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].severity.Rank() < groups[j].severity.Rank() })

	multi := len(r.Plans) > 1
	message := func(f Finding) string {
		m := termtext.Safe(f.Message)
		if multi && f.Plan < len(r.Plans) {
			m = fmt.Sprintf("#%d %s", f.Plan+1, m)
		}
		return m
	}
	const hang = 11 // under the rule, past "  CRITICAL "
	t.printf("\nfindings:\n")
	for _, g := range groups {
		label := fmt.Sprintf("%-8s", strings.ToUpper(string(g.severity)))
		sgr := severityStyle(g.severity)
		if len(g.findings) == 1 {
			t.para("  ", label, sgr, " "+termtext.Safe(g.rule)+": "+message(g.findings[0]), hang)
			writeFix(t, g.findings[0], hang)
			continue
		}
		t.para("  ", label, sgr, fmt.Sprintf(" %s (%d):", termtext.Safe(g.rule), len(g.findings)), hang)
		shown := g.findings[:min(len(g.findings), findingsShown)]
		for _, f := range shown {
			t.para(strings.Repeat(" ", hang), "", "", message(f), hang+2)
			writeFix(t, f, hang+2)
		}
		if rest := g.findings[len(shown):]; len(rest) > 0 {
			t.para(strings.Repeat(" ", hang), "", "", moreFindings(rest, t.width-hang, multi), hang+2)
		}
	}
}

// writeFix writes a finding's suggested fix, such as a moved block, line
// for line: it is code to copy, so it is not wrapped.
func writeFix(t *tw, f Finding, indent int) {
	if f.Fix == "" {
		return
	}
	for _, line := range strings.Split(f.Fix, "\n") {
		t.printf("%s%s\n", strings.Repeat(" ", indent), termtext.Safe(line))
	}
}

// moreFindings names the findings left out by their addresses, as many as
// fit on a line of width columns (a few when there is no limit).
func moreFindings(rest []Finding, width int, multi bool) string {
	lead := fmt.Sprintf("and %d more: ", len(rest))
	var names []string
	for _, f := range rest {
		a := termtext.Safe(f.Address)
		if a == "" {
			a = "(the whole plan)"
		}
		if multi {
			a = fmt.Sprintf("#%d %s", f.Plan+1, a)
		}
		names = append(names, a)
	}
	if width <= 0 {
		width = 160
	}
	room := width - termtext.Width(lead)
	var b strings.Builder
	for i, n := range names {
		sep := ""
		if i > 0 {
			sep = ", "
		}
		more := ""
		if i < len(names)-1 {
			more = ", …"
		}
		if termtext.Width(b.String())+termtext.Width(sep+n+more) > room {
			if i == 0 {
				// Not even one fits whole: the first, shortened.
				b.WriteString(termtext.ShortenAddress(n, max(room-termtext.Width(more), 12)))
				i++
			}
			if i < len(names) {
				b.WriteString(", …")
			}
			break
		}
		b.WriteString(sep + n)
	}
	return lead + b.String()
}

func writeSignoff(t *tw, r *Report) {
	so := r.Signoff
	switch r.Decision {
	case scoring.DecisionSignoffRequired:
		need := 1
		if so != nil && so.Required > 0 {
			need = so.Required
		}
		text := fmt.Sprintf(": the score reaches the threshold; %s needed", plural(need, "senior sign-off", "senior sign-offs"))
		if so != nil {
			text += fmt.Sprintf(", %d valid", so.Valid)
		}
		t.printf("\n")
		t.para("", "sign-off required", termtext.Red+";"+termtext.Bold, text, 2)
		// The command is to copy: on a line of its own when the sentence
		// and it do not fit one.
		lead, cmd := "  a senior signs this exact plan: ", "blast approve "+planArgs(r)+" --key ~/.ssh/id_ed25519 --out .blast/signoffs"
		if t.width > 0 && termtext.Width(lead+cmd) > t.width {
			// Past the width, the shell's line continuation keeps
			// the command one to paste.
			if i := strings.LastIndex(cmd, " --key "); termtext.Width(cmd)+4 > t.width && i > 0 {
				cmd = cmd[:i] + " \\\n      " + cmd[i+1:]
			}
			t.printf("%s\n    %s\n", strings.TrimRight(lead, " "), cmd)
		} else {
			t.printf("%s%s\n", lead, cmd)
		}
	case scoring.DecisionApproved:
		t.printf("\n")
		t.para("", "approved", termtext.Green+";"+termtext.Bold, fmt.Sprintf(": %s for this exact plan", plural(so.Valid, "valid senior sign-off", "valid senior sign-offs")), 2)
	}
	if so == nil {
		return
	}
	if r.Decision != scoring.DecisionPass {
		t.para("  ", "", "", "plan digest "+so.Digest, 4)
	}
	for _, rec := range so.Listed() {
		who := rec.Principal
		if who == "" {
			who = "unknown key " + rec.Fingerprint
		}
		mark, sgr := "rejected", termtext.Red
		if rec.Valid {
			mark, sgr = "valid", termtext.Green
		}
		t.para("  "+termtext.Safe(rec.File)+": ", mark, sgr, fmt.Sprintf(", %s (%s): %s", termtext.Safe(who), termtext.Safe(string(rec.Reason)), termtext.Safe(rec.Detail)), 4)
	}
	for _, n := range so.Notes {
		t.para("  note: ", "", "", termtext.Safe(n), 4)
	}
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func decisionStyle(d scoring.Decision) string {
	if d == scoring.DecisionSignoffRequired {
		return termtext.Red + ";" + termtext.Bold
	}
	return termtext.Green + ";" + termtext.Bold
}

// riskStyle colours a change's risk by the severity SARIF and the
// annotations give it: red from half the threshold, yellow from a tenth.
func riskStyle(c Change, threshold int) string {
	if !c.Kind.Destructive() {
		return ""
	}
	switch destructiveSeverity(c, threshold) {
	case scoring.SeverityHigh:
		return termtext.Red
	case scoring.SeverityMedium:
		return termtext.Yellow
	}
	return ""
}

func severityStyle(s scoring.Severity) string {
	switch s {
	case scoring.SeverityCritical:
		return termtext.Red + ";" + termtext.Bold
	case scoring.SeverityHigh:
		return termtext.Red
	case scoring.SeverityMedium:
		return termtext.Yellow
	case scoring.SeverityLow:
		return termtext.Blue
	}
	return termtext.Dim
}

// planArgs are the plans as a command line names them, for a hint.
func planArgs(r *Report) string {
	seen := map[string]bool{}
	var args []string
	for _, p := range r.Plans {
		src := p.Source
		if i := strings.LastIndexByte(src, ':'); i > 0 && strings.Trim(src[i+1:], "0123456789") == "" {
			src = src[:i] // a line of an NDJSON stream
		}
		if strings.ContainsAny(src, " ()") || src == "" {
			src = "PLAN"
		}
		if !seen[src] {
			seen[src] = true
			args = append(args, termtext.Safe(src))
		}
	}
	if len(args) == 0 {
		return "PLAN"
	}
	return strings.Join(args, " ")
}
