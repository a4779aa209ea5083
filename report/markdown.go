package report

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/blast-dev/blast/internal/mdtext"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/report/picture"
	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("markdown", false, func(w io.Writer, r *Report, opts Options) error { return writeMarkdown(w, r, opts.Markdown) })
}

// MarkdownOptions tune the markdown report.
type MarkdownOptions struct {
	// All lists creates and updates too, by module, in the folded details.
	All bool
}

// MarkdownLimit is the most a pull-request comment may hold on GitHub
// (65,536 characters). The markdown report counts bytes, never more than
// characters, so it stays under it whatever the addresses hold.
const MarkdownLimit = 65536

// mdBudget is what the report itself may use: the rest is headroom for the
// footer a CI integration appends (the commit, the time, the run).
const mdBudget = MarkdownLimit - 1024

// Caps of the markdown report; the byte budget may cut lists shorter still.
const (
	mdMaxAddress      = 200 // runes of an address before it is shortened
	mdMaxMessage      = 400 // runes of a finding's message
	mdMaxFix          = 800 // runes of a finding's suggested fix
	mdMaxTableRows    = 20  // destructive changes in the ranked table
	mdMaxGroupTypes   = 6   // resource types named in a group's summary
	mdMaxModuleNames  = 12  // resources named per module in the details
	mdMaxPictured     = 10  // destroyed resources the picture starts from
	mdMaxDependents   = 5   // dependents drawn per node in the picture
	mdMaxDepth        = 2   // steps of dependents the picture follows
	mdMaxNodes        = 40  // nodes in the picture
	mdMaxSignoffRows  = 20  // sign-off records listed
	mdMaxFactorsShown = 25  // changes whose factors the details list
	mdMaxRadiusShown  = 25  // changes whose blast radius the details list
	mdMaxRadiusNames  = 10  // addresses named per radius in the details
)

// WriteMarkdown writes the report as a pull-request comment. It reads top
// down: the decision, the score and why in one line; the findings grouped
// and ranked, teardown and data loss first, each group summed up; the
// riskiest destructive changes; a mermaid picture of the blast radius when
// it has edges; the sign-off status and how to sign off; everything else
// folded in <details>. It never writes more than MarkdownLimit bytes, less
// a kilobyte for a CI footer: lists are cut, the most severe kept, every
// critical finding whole, and the comment says what it left out.
func WriteMarkdown(w io.Writer, r *Report) error {
	return writeMarkdown(w, r, MarkdownOptions{})
}

func writeMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	_, err := io.WriteString(w, renderMarkdown(r, opts))
	return err
}

func renderMarkdown(r *Report, opts MarkdownOptions) string {
	groups := mdGroupFindings(r)
	header := mdHeader(r, groups)
	signoff := mdSignoff(r, (mdBudget-len(header))/5)
	// Room left for the sections, with a margin for the joins. Findings
	// come first and may take most of it: they are the story.
	budget := mdBudget - len(header) - len(signoff) - 256
	findings := mdFindings(groups, r, budget*70/100)
	budget -= len(findings)
	changes := mdChanges(r, budget*45/100)
	budget -= len(changes)
	picture := mdPicture(r, min(budget*50/100, 16000))
	budget -= len(picture)
	details := mdDetails(r, opts, budget)

	var b strings.Builder
	for _, s := range []string{header, findings, changes, picture, signoff, details} {
		if s == "" {
			continue
		}
		b.WriteString(s)
		b.WriteString("\n")
	}
	return b.String()
}

func mdHeader(r *Report, groups []mdGroup) string {
	var b strings.Builder
	b.WriteString(MarkdownMarker(r.ID) + "\n")
	icon, what := "", mdtext.Text(string(r.Decision))
	switch r.Decision {
	case scoring.DecisionSignoffRequired:
		icon, what = "🛑 ", "sign-off required"
	case scoring.DecisionApproved:
		icon, what = "✅ ", "approved"
	case scoring.DecisionPass:
		icon, what = "✅ ", "pass"
	}
	fmt.Fprintf(&b, "## %sblast: %s · score %d/100 (threshold %d): %s\n\n", icon, what, r.Score, r.Threshold, mdReason(r, groups))
	destructive := r.Summary.Destructive()
	fmt.Fprintf(&b, "**%s** · %s · %s", mdCount(destructive, "destructive change", "destructive changes"),
		summaryLine(r.Summary), mdCount(len(r.Findings), "finding", "findings"))
	if len(r.Plans) > 1 {
		fmt.Fprintf(&b, " · %d plans", len(r.Plans))
	}
	if len(r.Ignored) > 0 {
		// Silenced changes are the first thing a reviewer should question.
		fmt.Fprintf(&b, " · **%s by the policy**", mdCount(len(r.Ignored), "change or finding ignored", "changes or findings ignored"))
	}
	b.WriteString("\n")
	if r.PolicySource != nil {
		fmt.Fprintf(&b, "\nPolicy: %s\n", mdtext.Text(r.PolicySource.Text()))
	}
	return b.String()
}

// mdReason is why the score is what it is, in a few words: the two
// weightiest finding groups, else the riskiest destructive change.
func mdReason(r *Report, groups []mdGroup) string {
	var parts []string
	for _, g := range groups {
		if len(parts) == 2 || g.severity != scoring.SeverityCritical && g.severity != scoring.SeverityHigh {
			break
		}
		parts = append(parts, g.short)
	}
	if len(groups) > len(parts) && len(parts) > 0 {
		parts = append(parts, mdCount(len(r.Findings)-mdCountFindings(groups[:len(parts)]), "more finding", "more findings"))
	}
	if len(parts) > 0 {
		return strings.Join(parts, "; ")
	}
	for _, c := range r.Changes {
		if c.Kind.Destructive() {
			return fmt.Sprintf("%s, the riskiest %s (%s, risk %s)", mdCount(r.Summary.Destructive(), "destructive change", "destructive changes"),
				mdCode(c.Address, false), c.Kind, mdNum(c.Risk))
		}
	}
	return "nothing is destroyed or replaced"
}

func mdCountFindings(groups []mdGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g.findings) + len(g.nested)
	}
	return n
}

// mdGroup is findings that tell one story: one rule and severity, one
// module call (instance keys aside), one kind of destruction.
type mdGroup struct {
	rule     string
	severity scoring.Severity
	pattern  string // the module call, keys stripped: module.shard.module.env; "" for the root module
	verb     string // what happens to the objects: removed, deleted, destroyed and recreated ...
	findings []Finding
	nested   []Finding // teardowns of modules inside the group's, told with it
	types    map[string]int
	headline string // the group summed up, markdown
	short    string // the headline without the types, for the title line
}

// mdGroupFindings groups the findings and ranks the groups: most severe
// first, then teardown, then data loss, then the other rules, bigger
// groups first.
func mdGroupFindings(r *Report) []mdGroup {
	type changeKey struct {
		plan int
		addr string
	}
	changes := map[changeKey]*Change{}
	// The destructive changes of each module instance and of those inside it.
	inModule := map[changeKey][]*Change{}
	for i := range r.Changes {
		c := &r.Changes[i]
		if !c.Kind.Destructive() {
			continue
		}
		if _, ok := changes[changeKey{c.Plan, c.Address}]; !ok {
			changes[changeKey{c.Plan, c.Address}] = c
		}
		for _, m := range graphModuleChain(c.Module) {
			inModule[changeKey{c.Plan, m}] = append(inModule[changeKey{c.Plan, m}], c)
		}
	}
	// A teardown inside another's module is told with it.
	torn := map[changeKey]bool{}
	for _, f := range r.Findings {
		if f.Rule == "environment-teardown" && isModuleAddress(f.Address) {
			torn[changeKey{f.Plan, f.Address}] = true
		}
	}
	outer := func(f Finding) string {
		chain := graphModuleChain(f.Address)
		for _, m := range chain[:max(len(chain)-1, 0)] {
			if torn[changeKey{f.Plan, m}] {
				return m
			}
		}
		return ""
	}
	type key struct {
		rule     string
		severity scoring.Severity
		pattern  string
		verb     string
	}
	index := map[key]int{}
	var groups []mdGroup
	var nested []Finding
	for _, f := range r.Findings {
		if f.Rule == "environment-teardown" && isModuleAddress(f.Address) && outer(f) != "" {
			nested = append(nested, f)
			continue
		}
		k := key{rule: f.Rule, severity: f.Severity}
		var destroyed []*Change
		switch {
		case f.Rule == "environment-teardown" && isModuleAddress(f.Address):
			k.pattern = mdModulePattern(f.Address)
			destroyed = inModule[changeKey{f.Plan, f.Address}]
			k.verb = mdVerb(destroyed, "removed", "destroyed and recreated", "torn down")
		case f.Rule == "environment-teardown":
			k.verb = "torn down"
		default:
			if c, ok := changes[changeKey{f.Plan, f.Address}]; ok {
				k.pattern = mdModulePattern(c.Module)
				destroyed = []*Change{c}
				k.verb = mdVerb(destroyed, "deleted", "destroyed and recreated", "replaced")
			} else if a, err := plan.ParseAddress(f.Address); err == nil {
				k.pattern = mdModulePattern(a.ModulePath())
			}
		}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, mdGroup{rule: f.Rule, severity: f.Severity, pattern: k.pattern, verb: k.verb, types: map[string]int{}})
		}
		groups[i].findings = append(groups[i].findings, f)
		for _, c := range destroyed {
			groups[i].types[c.Type]++
		}
	}
	// Nested teardowns join the group of their outer module's finding.
	for _, f := range nested {
		o := outer(f)
		for i := range groups {
			for _, g := range groups[i].findings {
				if g.Plan == f.Plan && g.Address == o && g.Rule == f.Rule {
					groups[i].nested = append(groups[i].nested, f)
				}
			}
		}
	}
	for i := range groups {
		groups[i].headline, groups[i].short = mdGroupHeadline(&groups[i])
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if ra, rb := mdSeverityRank(a.severity), mdSeverityRank(b.severity); ra != rb {
			return ra < rb
		}
		if ra, rb := mdRuleRank(a.rule), mdRuleRank(b.rule); ra != rb {
			return ra < rb
		}
		if ra, rb := mdVerbRank(a.verb), mdVerbRank(b.verb); ra != rb {
			return ra < rb
		}
		if len(a.findings) != len(b.findings) {
			return len(a.findings) > len(b.findings)
		}
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		if a.pattern != b.pattern {
			return a.pattern < b.pattern
		}
		return a.verb < b.verb
	})
	return groups
}

// mdVerb says what the changes do: all deletes, all replaces, or a mix.
func mdVerb(cs []*Change, deleted, replaced, mixed string) string {
	del, rep := 0, 0
	for _, c := range cs {
		if c.Kind == plan.KindDelete {
			del++
		} else {
			rep++
		}
	}
	switch {
	case rep == 0:
		return deleted
	case del == 0:
		return replaced
	}
	return mixed
}

// mdModulePattern is a module instance path without its instance keys:
// module.shard[3].module.env -> module.shard.module.env.
func mdModulePattern(module string) string {
	if module == "" {
		return ""
	}
	a, err := plan.ParseAddress(module + ".x.y")
	if err != nil {
		return module
	}
	var parts []string
	for _, m := range a.Module {
		parts = append(parts, "module."+m.Name)
	}
	return strings.Join(parts, ".")
}

func mdSeverityRank(s scoring.Severity) int {
	for i, v := range []scoring.Severity{scoring.SeverityCritical, scoring.SeverityHigh, scoring.SeverityMedium, scoring.SeverityLow, scoring.SeverityInfo} {
		if s == v {
			return i
		}
	}
	return 99
}

// mdRuleRank puts the findings that end environments and lose data first.
func mdRuleRank(rule string) int {
	switch rule {
	case "environment-teardown":
		return 0
	case "data-loss":
		return 1
	}
	return 2
}

// mdVerbRank puts what is gone for good before what comes back.
func mdVerbRank(verb string) int {
	switch verb {
	case "removed", "deleted":
		return 0
	case "torn down":
		return 1
	}
	return 2
}

// mdGroupHeadline sums a group up: "7 instances of module.shard removed:
// 7 aws_db_instance, 7 aws_vpc, ...".
func mdGroupHeadline(g *mdGroup) (headline, short string) {
	n := len(g.findings)
	where := "the root module"
	if g.pattern != "" {
		where = mdCode(g.pattern, false)
	}
	switch {
	case g.rule == "environment-teardown" && g.pattern != "":
		short = fmt.Sprintf("%s %s %s", mdCount(n, "instance of", "instances of"), mdCode(g.pattern, false), g.verb)
	case g.rule == "environment-teardown":
		short = "the whole configuration " + g.verb
	case g.rule == "data-loss":
		what := mdCount(n, "stateful resource", "stateful resources")
		if g.severity == scoring.SeverityCritical {
			what = mdCount(n, "unprotected stateful resource", "unprotected stateful resources")
		}
		short = fmt.Sprintf("%s %s in %s", what, g.verb, where)
	default:
		short = fmt.Sprintf("%s %s in %s", mdCount(n, "finding", "findings"), mdCode(g.rule, false), where)
	}
	headline = short
	if len(g.types) > 0 {
		headline += ": " + mdTypeCounts(g.types)
	}
	return headline, short
}

// mdTypeCounts names the commonest resource types of a group, most first.
func mdTypeCounts(types map[string]int) string {
	names := make([]string, 0, len(types))
	total := 0
	for t, n := range types {
		names = append(names, t)
		total += n
	}
	sort.Slice(names, func(i, j int) bool {
		if types[names[i]] != types[names[j]] {
			return types[names[i]] > types[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for i, t := range names {
		if i == mdMaxGroupTypes {
			parts = append(parts, mdCount(len(names)-i, "more type", "more types"))
			break
		}
		parts = append(parts, fmt.Sprintf("%d %s", types[t], mdCode(t, false)))
	}
	s := strings.Join(parts, ", ")
	if len(names) > 1 {
		s += fmt.Sprintf(" (%d destroyed)", total)
	}
	return s
}

// mdFindings writes the finding groups, ranked, each summed up in one line
// and then each finding in it. Every group's summary is shown; the findings
// fill the room left in rank order, so critical ones come first and are
// never shortened, and a group cut short says how many it left out.
func mdFindings(groups []mdGroup, r *Report, budget int) string {
	if len(groups) == 0 {
		return ""
	}
	const head = "### Findings\n\n"
	multi := len(r.Plans) > 1
	cut := func(n int) string {
		return fmt.Sprintf("  - _… and %s of this group not shown here: `blast check --format json` lists them._\n",
			mdCount(n, "more finding", "more findings"))
	}
	headers := make([]string, len(groups))
	room := budget - len(head)
	for i, g := range groups {
		headers[i] = fmt.Sprintf("- %s **%s** %s · **%s**\n", mdSeverityIcon(g.severity), mdtext.Text(string(g.severity)), mdCode(g.rule, false), g.headline)
		room -= len(headers[i]) + len(cut(len(g.findings)+len(g.nested)))
	}
	if room < 0 {
		// Too many groups for even their summaries: the most severe go first.
		out, _ := mdtext.FitEach(budget, head, len(headers), func(i int) string { return headers[i] }, func(left int) string {
			return fmt.Sprintf("- _… and %s, less severe, not shown here: `blast check --format json` lists every finding._\n",
				mdCount(left, "more group of findings", "more groups of findings"))
		})
		return out
	}
	var b strings.Builder
	b.WriteString(head)
	for i, g := range groups {
		b.WriteString(headers[i])
		shown := 0
		for _, f := range g.findings {
			item := mdFindingItem(f, multi, "  ", f.Severity == scoring.SeverityCritical)
			n := 1
			for _, nf := range g.nested {
				if nf.Plan == f.Plan && strings.HasPrefix(nf.Address, f.Address+".") {
					item += mdFindingItem(nf, multi, "    ", nf.Severity == scoring.SeverityCritical)
					n++
				}
			}
			if len(item) > room {
				room = 0
				break
			}
			b.WriteString(item)
			room -= len(item)
			shown += n
		}
		if left := len(g.findings) + len(g.nested) - shown; left > 0 {
			b.WriteString(cut(left))
		}
	}
	return b.String()
}

// mdFindingItem is one finding as a list item at indent. The message names
// the address first as a rule: show it as code.
func mdFindingItem(f Finding, multi bool, indent string, whole bool) string {
	limit := mdMaxMessage
	if whole {
		limit = 4 * mdMaxMessage
	}
	var s strings.Builder
	s.WriteString(indent + "- ")
	if multi {
		fmt.Fprintf(&s, "(plan %d) ", f.Plan+1)
	}
	msg := f.Message
	switch {
	case f.Address != "" && strings.HasPrefix(msg, f.Address):
		s.WriteString(mdCode(f.Address, false) + mdtext.Text(mdtext.Shorten(msg[len(f.Address):], limit)) + "\n")
	case f.Address != "":
		s.WriteString(mdCode(f.Address, false) + ": " + mdtext.Text(mdtext.Shorten(msg, limit)) + "\n")
	default:
		s.WriteString(mdtext.Text(mdtext.Shorten(msg, limit)) + "\n")
	}
	if f.Fix != "" {
		s.WriteString(mdtext.IndentedBlock(mdtext.Shorten(f.Fix, mdMaxFix), "hcl", indent+"  "))
	}
	return s.String()
}

func mdSeverityIcon(s scoring.Severity) string {
	switch s {
	case scoring.SeverityCritical:
		return "🔴"
	case scoring.SeverityHigh:
		return "🟠"
	case scoring.SeverityMedium:
		return "🟡"
	}
	return "⚪"
}

// mdChanges is the table of the riskiest destructive changes; the rest are
// listed by module in the details.
func mdChanges(r *Report, budget int) string {
	var destr []Change
	hasRadius := false
	for _, c := range r.Changes {
		if c.Kind.Destructive() {
			destr = append(destr, c)
			hasRadius = hasRadius || c.BlastRadius != nil
		}
	}
	if len(destr) == 0 {
		return "Nothing is destroyed or replaced.\n"
	}
	multi := len(r.Plans) > 1
	row := func(i int) string {
		c := destr[i]
		var row strings.Builder
		fmt.Fprintf(&row, "| %d | %s | %s | %s | %s | %s | %s |", i+1, mdNum(c.Risk), c.Kind,
			mdChangeAddress(c, true), mdtext.Text(c.Class), mdCodeOr(c.Reason, true), mdCodeList(c.ForcedBy, true))
		if hasRadius {
			fmt.Fprintf(&row, " %s |", mdRadiusCount(c.BlastRadius))
		}
		if multi {
			fmt.Fprintf(&row, " %d |", c.Plan+1)
		}
		row.WriteString("\n")
		return row.String()
	}
	title := "### Destructive changes, riskiest first"
	if len(destr) > mdMaxTableRows {
		title = fmt.Sprintf("### The %d riskiest of %s", mdMaxTableRows, mdCount(len(destr), "destructive change", "destructive changes"))
	}
	head := title + "\n\n| # | Risk | Kind | Address | Class | Reason | Forced by |"
	sep := "|--:|--:|---|---|---|---|---|"
	if hasRadius {
		head += " Blast radius |"
		sep += "---|"
	}
	if multi {
		head += " Plan |"
		sep += "--:|"
	}
	head += "\n" + sep + "\n"
	more := func(left int) string {
		return fmt.Sprintf("\n_… and %s, ranked lower: the details below list them by module._\n",
			mdCount(left, "more destructive change", "more destructive changes"))
	}
	shown := min(len(destr), mdMaxTableRows)
	out, left := mdtext.FitEach(budget, head, shown, row, more)
	if left == 0 && shown < len(destr) {
		out += more(len(destr) - shown)
	}
	return out
}

// mdPicture draws the blast radius as a mermaid flowchart in blast graph's
// convention: from the riskiest destroyed resources to what depends on
// them, up to mdMaxDepth steps, within the caps. A picture without an edge
// says nothing the table does not, so there is none then.
func mdPicture(r *Report, budget int) string {
	for _, caps := range [][3]int{{mdMaxPictured, mdMaxDependents, mdMaxNodes}, {5, 3, 20}, {2, 2, 8}} {
		pic, total := mdPictureModel(r, caps[0], caps[1], caps[2])
		if pic == nil {
			return ""
		}
		var b strings.Builder
		b.WriteString("### Blast radius\n\n")
		b.WriteString("Arrows point the way the damage spreads: from a resource to what depends on it. " +
			"Red: destroyed; orange: depends on it and changed by the plan; yellow: depends on it, no planned change.\n\n")
		b.WriteString("```mermaid\n")
		picture.WriteMermaid(&b, pic)
		b.WriteString("```\n")
		if left := total - len(pic.Nodes); left > 0 {
			fmt.Fprintf(&b, "\nThe picture starts from the riskiest destroyed resources and follows their dependents %d steps; "+
				"it leaves out %s of the blast radius: `blast graph --radius` draws it whole.\n",
				mdMaxDepth, mdCount(left, "resource", "resources"))
		}
		if b.Len() <= budget {
			return b.String()
		}
	}
	return ""
}

// mdPictureModel picks what the markdown picture draws: up to roots of the
// riskiest destroyed resources, then up to perNode dependents of each node,
// mdMaxDepth steps deep, at most maxNodes in all, and every dependency edge
// between the nodes picked. It draws from the dependency graph scoring
// measured; a report without one (made by hand) draws each radius as
// listed. It returns nil when the picture would have no edge, and the size
// of the whole radius drawn from.
func mdPictureModel(r *Report, roots, perNode, maxNodes int) (*picture.Picture, int) {
	type key struct {
		plan int
		addr string
	}
	nodes := map[key]*picture.Node{}
	dependents := map[key][]key{}
	var sources []string
	if len(r.plans) > 0 && len(r.graphs) == len(r.plans) {
		for pi, gp := range graphModel(r, GraphOptions{Radius: true}) {
			sources = append(sources, gp.source)
			for _, n := range gp.nodes {
				nodes[key{pi, n.Address}] = n
			}
			for _, e := range gp.edges {
				from, to := gp.nodes[e[1]], gp.nodes[e[0]]
				dependents[key{pi, from.Address}] = append(dependents[key{pi, from.Address}], key{pi, to.Address})
			}
		}
	} else {
		for _, p := range r.Plans {
			sources = append(sources, p.Source)
		}
		node := func(pl int, addr, kind string, role picture.Role) {
			if n, ok := nodes[key{pl, addr}]; ok && n.Role <= role {
				return
			}
			nodes[key{pl, addr}] = graphNode(pl, addr, kind, role)
		}
		for _, c := range r.Changes {
			if c.Kind.Destructive() {
				node(c.Plan, c.Address, string(c.Kind), picture.Destroyed)
			}
		}
		for _, c := range r.Changes {
			if !c.Kind.Destructive() || c.BlastRadius == nil {
				continue
			}
			for _, a := range c.BlastRadius.Changed {
				node(c.Plan, a, "", picture.Changed)
				dependents[key{c.Plan, c.Address}] = append(dependents[key{c.Plan, c.Address}], key{c.Plan, a})
			}
			for _, a := range c.BlastRadius.Unchanged {
				node(c.Plan, a, "", picture.Unchanged)
				dependents[key{c.Plan, c.Address}] = append(dependents[key{c.Plan, c.Address}], key{c.Plan, a})
			}
		}
	}
	picked := map[key]bool{}
	var order []key
	type step struct {
		k     key
		depth int
	}
	var queue []step
	for _, c := range r.Changes {
		k := key{c.Plan, c.Address}
		if !c.Kind.Destructive() || picked[k] || nodes[k] == nil {
			continue
		}
		if len(order) == roots {
			break
		}
		picked[k] = true
		order = append(order, k)
		queue = append(queue, step{k, 0})
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.depth >= mdMaxDepth {
			continue
		}
		deps := append([]key(nil), dependents[s.k]...)
		// Destroyed dependents first, then those the plan changes.
		sort.SliceStable(deps, func(i, j int) bool {
			ni, nj := nodes[deps[i]], nodes[deps[j]]
			if ni.Role != nj.Role {
				return ni.Role < nj.Role
			}
			return deps[i].addr < deps[j].addr
		})
		taken := 0
		for _, d := range deps {
			if taken == perNode || len(order) >= maxNodes {
				break
			}
			if picked[d] {
				continue
			}
			picked[d] = true
			order = append(order, d)
			queue = append(queue, step{d, s.depth + 1})
			taken++
		}
	}
	pic := &picture.Picture{Plans: sources}
	for _, k := range order {
		pic.Nodes = append(pic.Nodes, nodes[k])
	}
	for _, k := range order {
		for _, d := range dependents[k] {
			if picked[d] {
				pic.Edges = append(pic.Edges, [2]*picture.Node{nodes[k], nodes[d]})
			}
		}
	}
	if len(pic.Edges) == 0 {
		return nil, 0
	}
	sort.SliceStable(pic.Nodes, func(i, j int) bool {
		if pic.Nodes[i].Plan != pic.Nodes[j].Plan {
			return pic.Nodes[i].Plan < pic.Nodes[j].Plan
		}
		return pic.Nodes[i].Address < pic.Nodes[j].Address
	})
	return pic, len(nodes)
}

func mdSignoff(r *Report, budget int) string {
	var b strings.Builder
	b.WriteString("### Sign-off\n\n")
	s := r.Signoff
	switch r.Decision {
	case scoring.DecisionPass:
		fmt.Fprintf(&b, "✅ Not needed: the score %d is below the threshold %d.\n", r.Score, r.Threshold)
	case scoring.DecisionApproved:
		if s != nil {
			fmt.Fprintf(&b, "✅ Signed off for this exact plan: %d of %d required sign-offs are valid.\n", s.Valid, s.Required)
		} else {
			b.WriteString("✅ Signed off for this exact plan.\n")
		}
	default:
		fmt.Fprintf(&b, "🛑 **Required**: the score %d reaches the threshold %d", r.Score, r.Threshold)
		if s != nil {
			fmt.Fprintf(&b, "; %d of %d required sign-offs are valid", s.Valid, s.Required)
		}
		b.WriteString(". The plan must not be applied until a senior signs off on it.\n")
	}

	var howTo string
	if r.Decision == scoring.DecisionSignoffRequired {
		howTo = mdHowToSignOff(r)
	}

	if s != nil {
		if s.Digest != "" {
			fmt.Fprintf(&b, "\nPlan digest: %s\n", mdCode(s.Digest, false))
		}
		budget -= b.Len() + len(howTo)
		var notes []string
		for _, n := range s.Notes {
			notes = append(notes, "\n> "+mdtext.Text(mdtext.Shorten(n, mdMaxMessage))+"\n")
		}
		part := mdtext.Fit(budget/3, "", notes, func(left int) string {
			return fmt.Sprintf("\n> … and %s.\n", mdCount(left, "more note", "more notes"))
		})
		b.WriteString(part)
		budget -= len(part)
		var rows []string
		listed := s.Listed()
		for _, rec := range listed[:min(len(listed), mdMaxSignoffRows)] {
			valid := "❌"
			if rec.Valid {
				valid = "✅"
			}
			why := mdtext.Text(string(rec.Reason))
			if rec.Detail != "" {
				why += ": " + mdtext.Text(mdtext.Shorten(rec.Detail, mdMaxMessage))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", mdCode(rec.File, true),
				mdCodeOr(rec.Principal, true), mdCodeOr(rec.Fingerprint, true), valid, why))
		}
		if len(rows) > 0 {
			extra := len(listed) - len(rows) // past the cap
			more := func(left int) string {
				return fmt.Sprintf("\n_… and %s not listed._\n", mdCount(left+extra, "more sign-off", "more sign-offs"))
			}
			part, left := mdtext.FitLeft(budget, "\n| Sign-off | Signer | Key | Valid | Why |\n|---|---|---|---|---|\n", rows, more)
			if left == 0 && extra > 0 {
				part += more(0)
			}
			b.WriteString(part)
		}
	}
	b.WriteString(howTo)
	return b.String()
}

// mdHowToSignOff tells a senior how to sign off on the plan this run
// judged, without making it again (that needs cloud credentials and the
// same state): download the run's plan artifact, approve it, commit the
// signature to the pull request's branch.
func mdHowToSignOff(r *Report) string {
	dir := ".blast/signoffs"
	if d := strings.TrimSuffix(path.Clean(r.SignoffDir), "/"); r.SignoffDir != "" && d != "." && !path.IsAbs(d) &&
		!strings.HasPrefix(d, "../") && d != ".." && ValidReportID(d) == nil {
		// The policy's folder, when it is a plain path in the checkout:
		// it goes into a shell command.
		dir = d
	}
	return "\n**How to sign off**: a senior downloads the plan this run judged, the run's `blast-plan` artifact " +
		"(see the workflow run of this check), reviews it and signs exactly that plan:\n\n" +
		"```sh\ngh run download RUN_ID -n blast-plan\nblast approve plan.out --key ~/.ssh/id_ed25519 --out " + dir + "\n```\n\n" +
		"Then commit the `.sig` file it writes under `" + dir + "/` to this pull request's branch: the check runs again and counts it. " +
		"A sign-off holds for this exact plan only: any change to what the plan does needs a new one.\n"
}

// mdDetails folds away what a reviewer reads second: the destructive
// changes past the table, by module; with --all the creates and updates,
// by module; the plans; the risk factors and the blast radius of the
// riskiest changes.
func mdDetails(r *Report, opts MarkdownOptions, budget int) string {
	open := "<details>\n<summary>Details: changes by module, plans, risk factors, blast radius</summary>\n\n"
	close := "\n</details>\n"
	budget -= len(open) + len(close)
	if budget < 256 {
		return ""
	}
	var b strings.Builder
	var destr, others []Change
	for _, c := range r.Changes {
		switch {
		case c.Kind.Destructive():
			destr = append(destr, c)
		case c.Kind == plan.KindCreate || c.Kind == plan.KindUpdate:
			others = append(others, c)
		}
	}
	if len(destr) > mdMaxTableRows {
		part := mdByModule(r, "**Every destructive change, by module**", destr, budget/3)
		b.WriteString(part)
		budget -= len(part)
	}
	if opts.All && len(others) > 0 {
		part := mdByModule(r, "**Creates and updates, by module**", others, budget/3)
		b.WriteString(part)
		budget -= len(part)
	}

	// Plans: a short table, cut like every list.
	var plans []string
	for i, p := range r.Plans {
		tool := p.Tool
		if tool == "" {
			tool = "terraform"
		}
		if p.TerraformVersion != "" {
			tool += " " + p.TerraformVersion
		}
		notes := []string{}
		if !p.HasConfiguration {
			notes = append(notes, "no configuration section: dependencies from prior state only")
		}
		if len(p.Drift) > 0 {
			notes = append(notes, mdCount(len(p.Drift), "object changed", "objects changed")+" outside Terraform")
		}
		if len(p.Deferred) > 0 {
			notes = append(notes, mdCount(len(p.Deferred), "change", "changes")+" deferred")
		}
		for _, w := range p.Warnings {
			notes = append(notes, mdtext.Shorten(w, mdMaxMessage))
		}
		plans = append(plans, fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n", i+1, mdCode(mdtext.Shorten(p.Source, mdMaxAddress), true),
			mdtext.Text(tool), mdtext.Text(p.FormatVersion), summaryLine(p.Summary), mdtext.Text(strings.Join(notes, "; "))))
	}
	planPart := mdtext.Fit(budget/4, "\n**Plans**\n\n| # | Plan | Tool | Format | Changes | Notes |\n|--:|---|---|---|---|---|\n", plans,
		func(left int) string {
			return fmt.Sprintf("\n_… and %s not listed._\n", mdCount(left, "more plan", "more plans"))
		})
	b.WriteString(planPart)
	budget -= len(planPart)

	var factors, radii []string
	for _, c := range destr {
		if len(factors) < mdMaxFactorsShown {
			var parts []string
			for _, f := range c.Factors {
				parts = append(parts, fmt.Sprintf("%s %s (%s)", mdtext.Text(f.Name), mdNum(f.Points), mdtext.Text(mdtext.Shorten(f.Detail, mdMaxMessage))))
			}
			factors = append(factors, fmt.Sprintf("- %s **%s**: %s\n", mdChangeAddress(c, false), mdNum(c.Risk), strings.Join(parts, "; ")))
		}
		if c.BlastRadius != nil && len(radii) < mdMaxRadiusShown {
			n := c.BlastRadius.Size() + c.BlastRadius.otherCount()
			if n > 0 {
				radii = append(radii, fmt.Sprintf("- %s: %s\n", mdChangeAddress(c, false),
					mdJoin("; ", mdRadiusList("changed", c.BlastRadius.Changed), mdRadiusList("unchanged", c.BlastRadius.Unchanged),
						mdRadiusList("in other stacks", c.BlastRadius.otherLabels()))))
			}
		}
	}
	if len(factors) > 0 {
		part := mdtext.Fit(budget/2, "\n**Risk factors of the riskiest changes**\n\n", factors,
			func(left int) string { return fmt.Sprintf("- _… and %d more._\n", left) })
		b.WriteString(part)
		budget -= len(part)
	}
	if len(radii) > 0 {
		part := mdtext.Fit(budget, "\n**Blast radius of the riskiest changes**\n\n", radii,
			func(left int) string { return fmt.Sprintf("- _… and %d more._\n", left) })
		b.WriteString(part)
		budget -= len(part)
	}
	if r.CappedPoints > 0 {
		line := fmt.Sprintf("\nCreates and updates scored %s points beyond their cap of 20, not counted.\n", mdNum(r.CappedPoints))
		if len(line) <= budget {
			b.WriteString(line)
		}
	}
	if !opts.All && len(others) > 0 {
		line := fmt.Sprintf("\n%s not listed: `blast check --all` lists them too.\n", mdCount(len(others), "create or update", "creates and updates"))
		if len(line) <= budget {
			b.WriteString(line)
		}
	}
	return open + b.String() + close
}

// mdResourcePart is an address without its module prefix, where the
// module is named already.
func mdResourcePart(addr, module string) string {
	if module != "" && strings.HasPrefix(addr, module+".") {
		return addr[len(module)+1:]
	}
	return addr
}

// mdByModule lists changes by module instance, modules sorted, each with
// its counts and its resources named, within budget.
func mdByModule(r *Report, title string, changes []Change, budget int) string {
	type mod struct {
		plan int
		name string
	}
	byMod := map[mod][]Change{}
	var mods []mod
	for _, c := range changes {
		m := mod{c.Plan, c.Module}
		if _, ok := byMod[m]; !ok {
			mods = append(mods, m)
		}
		byMod[m] = append(byMod[m], c)
	}
	sort.Slice(mods, func(i, j int) bool {
		if mods[i].plan != mods[j].plan {
			return mods[i].plan < mods[j].plan
		}
		return mods[i].name < mods[j].name
	})
	item := func(i int) string {
		m := mods[i]
		cs := append([]Change(nil), byMod[m]...)
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Address < cs[j].Address })
		var sum Summary
		var names []string
		for j, c := range cs {
			sum.add(&plan.Change{Kind: c.Kind})
			if j < mdMaxModuleNames {
				names = append(names, mdCode(mdResourcePart(c.Address, c.Module), false)+" ("+string(c.Kind)+")")
			}
		}
		if len(cs) > mdMaxModuleNames {
			names = append(names, fmt.Sprintf("… %d more", len(cs)-mdMaxModuleNames))
		}
		where := "root module"
		if m.name != "" {
			where = mdCode(m.name, false)
		}
		if len(r.Plans) > 1 {
			where = fmt.Sprintf("plan %d, %s", m.plan+1, where)
		}
		return fmt.Sprintf("- %s · %s: %s\n", where, summaryLine(sum), strings.Join(names, ", "))
	}
	out, _ := mdtext.FitEach(budget, "\n"+title+"\n\n", len(mods), item, func(left int) string {
		return fmt.Sprintf("- _… and %s not listed. `blast check --format json` lists every change._\n", mdCount(left, "more module", "more modules"))
	})
	return out
}

// mdJoin joins the parts that are not empty.
func mdJoin(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func mdRadiusList(label string, addrs []string) string {
	if len(addrs) == 0 {
		return ""
	}
	var names []string
	for i, a := range addrs {
		if i == mdMaxRadiusNames {
			names = append(names, fmt.Sprintf("… %d more", len(addrs)-i))
			break
		}
		names = append(names, mdCode(a, false))
	}
	return fmt.Sprintf("%d %s (%s)", len(addrs), label, strings.Join(names, ", "))
}

func mdRadiusCount(r *Radius) string {
	if r == nil {
		return "–"
	}
	if len(r.Changed)+len(r.Unchanged) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d changed, %d unchanged", len(r.Changed), len(r.Unchanged))
}

// mdCode writes s as a code span (mdtext.Code), shortened in the middle to
// mdMaxAddress runes.
func mdCode(s string, inTable bool) string {
	return mdtext.Code(mdtext.ShortenMiddle(s, mdMaxAddress), inTable)
}

func mdChangeAddress(c Change, inTable bool) string {
	s := mdCode(c.Address, inTable)
	if c.Deposed != "" {
		s += " (deposed " + mdCode(c.Deposed, inTable) + ")"
	}
	if c.MovedFrom != "" {
		s += " (moved from " + mdCode(c.MovedFrom, inTable) + ")"
	}
	if c.Imported {
		s += " (imported)"
	}
	return s
}

func mdCodeOr(s string, inTable bool) string {
	if s == "" {
		return ""
	}
	return mdCode(s, inTable)
}

func mdCodeList(list []string, inTable bool) string {
	var parts []string
	for i, s := range list {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("%d more", len(list)-i))
			break
		}
		parts = append(parts, mdCode(s, inTable))
	}
	return strings.Join(parts, ", ")
}

func mdNum(f float64) string { return fmt.Sprintf("%.1f", f) }

func mdCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%s %s", mdGroupThousands(n), many)
}

func mdGroupThousands(n int) string {
	s := fmt.Sprint(n)
	if n < 10000 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
