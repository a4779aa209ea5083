package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/scoring"
)

func init() {
	register("markdown", false, func(w io.Writer, r *Report, _ Options) error { return WriteMarkdown(w, r) })
}

// MarkdownLimit is the most a pull-request comment may hold on GitHub
// (65,536 characters). The markdown report counts bytes, never more than
// characters, so it stays under it whatever the addresses hold.
const MarkdownLimit = 65536

// MarkdownMarker is the first line of every markdown report, an HTML comment
// a CI integration looks for to update its one comment instead of adding one.
const MarkdownMarker = "<!-- blast-report -->"

// Caps of the markdown report; the byte budget may cut lists shorter still.
const (
	mdMaxAddress      = 200 // runes of an address before it is shortened
	mdMaxMessage      = 400 // runes of a finding's message
	mdMaxFix          = 800 // runes of a finding's suggested fix
	mdMaxPictured     = 20  // destructive changes drawn in the mermaid picture
	mdMaxDependents   = 6   // dependents drawn per destructive change
	mdMaxNodes        = 80  // nodes in the picture
	mdMaxSignoffRows  = 20  // sign-off records listed
	mdMaxFactorsShown = 25  // changes whose factors the details list
	mdMaxRadiusShown  = 25  // changes whose blast radius the details list
	mdMaxRadiusNames  = 10  // addresses named per radius in the details
)

// WriteMarkdown writes the report as a pull-request comment: decision and
// score first, the ranked destructive changes, the findings, a mermaid
// picture of the blast radius, the sign-off status and the details folded
// away. It never writes more than MarkdownLimit bytes: long lists are cut,
// riskiest kept, and the comment says how many were left out.
func WriteMarkdown(w io.Writer, r *Report) error {
	_, err := io.WriteString(w, renderMarkdown(r))
	return err
}

func renderMarkdown(r *Report) string {
	header := mdHeader(r)
	signoff := mdSignoff(r, (MarkdownLimit-len(header))/5)
	// Room left for the lists, with a margin for the joins.
	budget := MarkdownLimit - len(header) - len(signoff) - 512
	changes := mdChanges(r, budget*45/100)
	budget -= len(changes)
	findings := mdFindings(r, budget*40/100)
	budget -= len(findings)
	picture := mdPicture(r, budget*35/100)
	budget -= len(picture)
	details := mdDetails(r, budget)

	var b strings.Builder
	for _, s := range []string{header, changes, findings, picture, signoff, details} {
		if s == "" {
			continue
		}
		b.WriteString(s)
		b.WriteString("\n")
	}
	return b.String()
}

func mdHeader(r *Report) string {
	var b strings.Builder
	b.WriteString(MarkdownMarker + "\n")
	switch r.Decision {
	case scoring.DecisionSignoffRequired:
		fmt.Fprintf(&b, "## 🛑 blast: sign-off required · score %d/100 (threshold %d)\n\n", r.Score, r.Threshold)
	case scoring.DecisionApproved:
		fmt.Fprintf(&b, "## ✅ blast: approved · score %d/100 (threshold %d)\n\n", r.Score, r.Threshold)
	case scoring.DecisionPass:
		fmt.Fprintf(&b, "## ✅ blast: pass · score %d/100 (threshold %d)\n\n", r.Score, r.Threshold)
	default:
		fmt.Fprintf(&b, "## blast: %s · score %d/100 (threshold %d)\n\n", mdText(string(r.Decision)), r.Score, r.Threshold)
	}
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
		fmt.Fprintf(&b, "\nPolicy: %s\n", mdText(r.PolicySource.Text()))
	}
	return b.String()
}

// mdChanges is the ranked table of destructive changes.
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
			mdChangeAddress(c, true), mdText(c.Class), mdCodeOr(c.Reason, true), mdCodeList(c.ForcedBy, true))
		if hasRadius {
			fmt.Fprintf(&row, " %s |", mdRadiusCount(c.BlastRadius))
		}
		if multi {
			fmt.Fprintf(&row, " %d |", c.Plan+1)
		}
		row.WriteString("\n")
		return row.String()
	}
	head := "### Destructive changes, riskiest first\n\n| # | Risk | Kind | Address | Class | Reason | Forced by |"
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
	out, _ := mdFitEach(budget, head, len(destr), row, func(left int) string {
		return fmt.Sprintf("\n_… and %s, ranked lower, not shown here. `blast check --format json` lists every change._\n",
			mdCount(left, "more destructive change", "more destructive changes"))
	})
	return out
}

func mdFindings(r *Report, budget int) string {
	if len(r.Findings) == 0 {
		return ""
	}
	item := func(i int) string {
		f := r.Findings[i]
		var s strings.Builder
		fmt.Fprintf(&s, "- %s **%s** %s", mdSeverityIcon(f.Severity), mdText(string(f.Severity)), mdCode(f.Rule, false))
		if len(r.Plans) > 1 {
			fmt.Fprintf(&s, " (plan %d)", f.Plan+1)
		}
		// The message names the address first as a rule: show it as code.
		msg := f.Message
		switch {
		case f.Address != "" && strings.HasPrefix(msg, f.Address):
			s.WriteString(": " + mdCode(f.Address, false) + mdText(mdShorten(msg[len(f.Address):], mdMaxMessage)) + "\n")
		case f.Address != "":
			s.WriteString(" " + mdCode(f.Address, false) + ": " + mdText(mdShorten(msg, mdMaxMessage)) + "\n")
		default:
			s.WriteString(": " + mdText(mdShorten(msg, mdMaxMessage)) + "\n")
		}
		if f.Fix != "" {
			s.WriteString(mdIndentedBlock(mdShorten(f.Fix, mdMaxFix), "hcl", "  "))
		}
		return s.String()
	}
	out, _ := mdFitEach(budget, "### Findings\n\n", len(r.Findings), item, func(left int) string {
		return fmt.Sprintf("- _… and %s, less severe, not shown here._\n", mdCount(left, "more finding", "more findings"))
	})
	return out
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

// mdPicture draws the blast radius as a mermaid flowchart: the riskiest
// destructive changes and what depends on them, grouped by module.
func mdPicture(r *Report, budget int) string {
	var destr []Change
	for _, c := range r.Changes {
		if c.Kind.Destructive() {
			destr = append(destr, c)
		}
	}
	if len(destr) == 0 {
		return ""
	}
	// Try the full caps first and halve them until the picture fits.
	for pictured := mdMaxPictured; pictured >= 1; pictured /= 2 {
		deps := mdMaxDependents
		if pictured < mdMaxPictured {
			deps = 3
		}
		s := mdPictureWith(r, destr, pictured, deps)
		if len(s) <= budget {
			return s
		}
	}
	return ""
}

type mdNode struct {
	id, module, label, class string
}

func mdPictureWith(r *Report, destr []Change, maxPictured, maxDeps int) string {
	multi := len(r.Plans) > 1
	key := func(pl int, addr string) string { return fmt.Sprintf("%d\x00%s", pl, addr) }
	nodes := map[string]*mdNode{}
	var order []string
	add := func(pl int, addr, module, label, class string) *mdNode {
		k := key(pl, addr)
		if n, ok := nodes[k]; ok {
			return n
		}
		if multi && module == "" {
			module = fmt.Sprintf("plan %d", pl+1)
		} else if multi {
			module = fmt.Sprintf("plan %d: %s", pl+1, module)
		}
		n := &mdNode{id: fmt.Sprintf("n%d", len(order)), module: module, label: label, class: class}
		nodes[k] = n
		order = append(order, k)
		return n
	}
	shown := destr
	if len(shown) > maxPictured {
		shown = shown[:maxPictured]
	}
	// Destructive nodes first, so that a dependent that is itself destroyed
	// keeps its kind's colour.
	for _, c := range shown {
		add(c.Plan, c.Address+c.Deposed, c.Module, mdResourcePart(c.Address, c.Module)+" ("+string(c.Kind)+")", mdKindClass(c.Kind))
	}
	radius := map[string]map[string]bool{} // destructive node id -> every dependent address
	for _, c := range shown {
		if c.BlastRadius == nil {
			continue
		}
		all := map[string]bool{}
		for _, a := range c.BlastRadius.Changed {
			all[a] = true
		}
		for _, a := range c.BlastRadius.Unchanged {
			all[a] = true
		}
		radius[nodes[key(c.Plan, c.Address+c.Deposed)].id] = all
	}
	var edges []string
	leftDeps := 0
	for _, c := range shown {
		from := nodes[key(c.Plan, c.Address+c.Deposed)]
		if c.BlastRadius == nil {
			continue
		}
		type dep struct {
			addr    string
			changed bool
		}
		var deps []dep
		for _, a := range c.BlastRadius.Changed {
			deps = append(deps, dep{a, true})
		}
		for _, a := range c.BlastRadius.Unchanged {
			deps = append(deps, dep{a, false})
		}
		drawn := 0
		skipped := 0
		for _, d := range deps {
			// Leave out what another pictured destructive change in this
			// radius already reaches: the arrow through it says so.
			through := false
			for _, o := range shown {
				if o.Plan != c.Plan || o.Address == c.Address || !radius[from.id][o.Address] {
					continue
				}
				if on, ok := nodes[key(o.Plan, o.Address+o.Deposed)]; ok && radius[on.id][d.addr] {
					through = true
					break
				}
			}
			if through {
				continue
			}
			if n, ok := nodes[key(c.Plan, d.addr)]; ok {
				if n != from {
					edges = append(edges, from.id+" --> "+n.id)
				}
				continue
			}
			if drawn >= maxDeps || len(order) >= mdMaxNodes {
				skipped++
				continue
			}
			class := "unchanged"
			if d.changed {
				class = "changed"
			}
			mod := ""
			if a, err := plan.ParseAddress(d.addr); err == nil {
				mod = a.ModulePath()
			}
			n := add(c.Plan, d.addr, mod, mdResourcePart(d.addr, mod), class)
			edges = append(edges, from.id+" --> "+n.id)
			drawn++
		}
		if skipped > 0 {
			more := fmt.Sprintf("%s_more", from.id)
			edges = append(edges, fmt.Sprintf("%s -.-> %s([\"+%d more\"]):::more", from.id, more, skipped))
			leftDeps += skipped
		}
	}

	var b strings.Builder
	b.WriteString("### Blast radius\n\n")
	b.WriteString("```mermaid\nflowchart LR\n")
	b.WriteString("  classDef delete fill:#f8d7da,stroke:#b02a37,color:#000\n")
	b.WriteString("  classDef replace fill:#ffe5d0,stroke:#ca6510,color:#000\n")
	b.WriteString("  classDef replace_cbd fill:#fff3cd,stroke:#997404,color:#000\n")
	b.WriteString("  classDef changed fill:#cfe2ff,stroke:#0a58ca,color:#000\n")
	b.WriteString("  classDef unchanged fill:#e9ecef,stroke:#6c757d,color:#000\n")
	b.WriteString("  classDef more fill:#fff,stroke:#adb5bd,color:#495057,stroke-dasharray:3 3\n")
	// Group nodes by module, modules sorted, nodes in the order added.
	byModule := map[string][]*mdNode{}
	var modules []string
	for _, k := range order {
		n := nodes[k]
		if _, ok := byModule[n.module]; !ok {
			modules = append(modules, n.module)
		}
		byModule[n.module] = append(byModule[n.module], n)
	}
	sort.Strings(modules)
	for i, m := range modules {
		indent := "  "
		if m != "" {
			fmt.Fprintf(&b, "  subgraph g%d[\"%s\"]\n", i, mermaidText(m))
			indent = "    "
		}
		for _, n := range byModule[m] {
			fmt.Fprintf(&b, "%s%s[\"%s\"]:::%s\n", indent, n.id, mermaidText(n.label), n.class)
		}
		if m != "" {
			b.WriteString("  end\n")
		}
	}
	for _, e := range edges {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("```\n\n")
	b.WriteString("Arrows lead from a destroyed object to what depends on it. Red: deleted; orange: destroyed, then created; " +
		"yellow: created, then the old one destroyed; blue: changed by this plan too; grey: depends on it with no planned change.")
	var left []string
	if len(destr) > len(shown) {
		left = append(left, mdCount(len(destr)-len(shown), "destructive change", "destructive changes"))
	}
	if leftDeps > 0 {
		left = append(left, mdCount(leftDeps, "dependent", "dependents"))
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, " Left out of the picture: %s; `blast graph --radius` draws them all.", strings.Join(left, " and "))
	}
	b.WriteString("\n")
	return b.String()
}

func mdKindClass(kind plan.Kind) string {
	if kind.Destructive() {
		return string(kind)
	}
	return "changed"
}

// mdResourcePart is an address without its module prefix, since the picture
// groups nodes by module.
func mdResourcePart(addr, module string) string {
	if module != "" && strings.HasPrefix(addr, module+".") {
		return addr[len(module)+1:]
	}
	return addr
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
		pl := "PLAN"
		if len(r.Plans) == 1 {
			if src := r.Plans[0].Source; src != "-" && utf8.RuneCountInString(src) <= mdMaxAddress &&
				!strings.ContainsAny(src, "` \t\r\n'\"$\\;&|<>()*?[]{}!#~") {
				pl = src
			}
		}
		howTo = "\n**How to sign off**: a senior makes the same plan, reviews it and signs it:\n\n" +
			"```sh\nblast approve " + pl + " --key ~/.ssh/id_ed25519 --out .blast/signoffs/\n```\n\n" +
			"Commit the file it writes under `.blast/signoffs/` and re-run the check. " +
			"A sign-off holds for this exact plan only: any change to what the plan does needs a new one.\n"
	}

	if s != nil {
		if s.Digest != "" {
			fmt.Fprintf(&b, "\nPlan digest: %s\n", mdCode(s.Digest, false))
		}
		budget -= b.Len() + len(howTo)
		var notes []string
		for _, n := range s.Notes {
			notes = append(notes, "\n> "+mdText(mdShorten(n, mdMaxMessage))+"\n")
		}
		part := mdFit(budget/3, "", notes, func(left int) string {
			return fmt.Sprintf("\n> … and %s.\n", mdCount(left, "more note", "more notes"))
		})
		b.WriteString(part)
		budget -= len(part)
		var rows []string
		for _, rec := range s.Records[:min(len(s.Records), mdMaxSignoffRows)] {
			valid := "❌"
			if rec.Valid {
				valid = "✅"
			}
			why := mdText(string(rec.Reason))
			if rec.Detail != "" {
				why += ": " + mdText(mdShorten(rec.Detail, mdMaxMessage))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", mdCode(rec.File, true),
				mdCodeOr(rec.Principal, true), mdCodeOr(rec.Fingerprint, true), valid, why))
		}
		if len(rows) > 0 {
			extra := len(s.Records) - len(rows) // past the cap
			more := func(left int) string {
				return fmt.Sprintf("\n_… and %s not listed._\n", mdCount(left+extra, "more sign-off", "more sign-offs"))
			}
			part, left := mdFitLeft(budget, "\n| Sign-off | Signer | Key | Valid | Why |\n|---|---|---|---|---|\n", rows, more)
			if left == 0 && extra > 0 {
				part += more(0)
			}
			b.WriteString(part)
		}
	}
	b.WriteString(howTo)
	return b.String()
}

// mdDetails folds away the plans, the risk factors and the blast radius of
// the riskiest changes.
func mdDetails(r *Report, budget int) string {
	open := "<details>\n<summary>Details: plans, risk factors, blast radius</summary>\n\n"
	close := "\n</details>\n"
	budget -= len(open) + len(close)
	if budget < 256 {
		return ""
	}
	var b strings.Builder

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
			notes = append(notes, mdShorten(w, mdMaxMessage))
		}
		plans = append(plans, fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n", i+1, mdCode(mdShorten(p.Source, mdMaxAddress), true),
			mdText(tool), mdText(p.FormatVersion), summaryLine(p.Summary), mdText(strings.Join(notes, "; "))))
	}
	planPart := mdFit(budget/4, "**Plans**\n\n| # | Plan | Tool | Format | Changes | Notes |\n|--:|---|---|---|---|---|\n", plans,
		func(left int) string {
			return fmt.Sprintf("\n_… and %s not listed._\n", mdCount(left, "more plan", "more plans"))
		})
	b.WriteString(planPart)
	budget -= len(planPart)

	var factors, radii []string
	for _, c := range r.Changes {
		if !c.Kind.Destructive() {
			continue
		}
		if len(factors) < mdMaxFactorsShown {
			var parts []string
			for _, f := range c.Factors {
				parts = append(parts, fmt.Sprintf("%s %s (%s)", mdText(f.Name), mdNum(f.Points), mdText(mdShorten(f.Detail, mdMaxMessage))))
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
		part := mdFit(budget/2, "\n**Risk factors of the riskiest changes**\n\n", factors,
			func(left int) string { return fmt.Sprintf("- _… and %d more._\n", left) })
		b.WriteString(part)
		budget -= len(part)
	}
	if len(radii) > 0 {
		part := mdFit(budget, "\n**Blast radius of the riskiest changes**\n\n", radii,
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
	return open + b.String() + close
}

// mdIndentedBlock writes text as a fenced code block indented into a list
// item, with a fence no line of the text can close.
func mdIndentedBlock(text, lang, indent string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
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

// mdFit writes head and as many items as the budget holds, then what more
// says of the items left out. It returns "" when not even head fits.
func mdFit(budget int, head string, items []string, more func(left int) string) string {
	s, _ := mdFitLeft(budget, head, items, more)
	return s
}

// mdFitLeft is mdFit that also says how many items it left out.
func mdFitLeft(budget int, head string, items []string, more func(left int) string) (string, int) {
	return mdFitEach(budget, head, len(items), func(i int) string { return items[i] }, more)
}

// mdFitEach is mdFitLeft over n items made on demand, so that a list of
// 15,000 changes costs only the rows that fit.
func mdFitEach(budget int, head string, n int, item func(i int) string, more func(left int) string) (string, int) {
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

// mdCode writes s as a code span, which shows every character as it is: no
// markdown, no HTML, no @mention. The fence is longer than any run of
// backticks in s; in a table cell a pipe is escaped, the one thing a table
// reads even inside code.
func mdCode(s string, inTable bool) string {
	s = mdOneLine(mdShortenMiddle(s, mdMaxAddress))
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
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

// mdText escapes text so that markdown and HTML show it literally, and keeps
// an @ from mentioning anyone.
func mdText(s string) string {
	s = mdOneLine(s)
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteRune(r)
			if !mdIsWordRune(prev) {
				b.WriteRune('\u2060') // word joiner: no mention, nothing visible
			}
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func mdIsWordRune(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// mermaidText escapes a label for a quoted mermaid string with mermaid's own
// entity codes, so that no quote ends it early, no HTML or markdown string
// is read into it and no %%{directive}%% reaches mermaid's configuration.
func mermaidText(s string) string {
	return mermaidEscape(mdShortenMiddle(s, mdMaxAddress))
}

// mermaidEscape is mermaidText without the shortening: one line, and every
// character mermaid could read as syntax, markup or a directive written as
// its entity code. blast graph's mermaid uses it too.
func mermaidEscape(s string) string {
	s = mdOneLine(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '#', '&', ';', '<', '>', '`', '%':
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine turns every line break and control character into a space.
func mdOneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
}

// shorten cuts s to n runes, marking the cut with an ellipsis.
func mdShorten(s string, n int) string {
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

// mdShortenMiddle cuts s to n runes by taking out its middle, since the
// end of an address (the instance key) tells it apart as much as its start.
func mdShortenMiddle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
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
