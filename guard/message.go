package guard

import (
	"fmt"
	"strings"
	"unicode"
)

// maxShown bounds what a message repeats of a command: enough to recognise
// it, not a page of script.
const (
	maxShown  = 160
	maxBlocks = 5
)

// Message is what the agent reads when the guard says no: what was blocked,
// why, and the way through. It is written for a model that will act on it,
// so it names the commands to run instead.
func Message(d Decision) string {
	var b strings.Builder
	b.WriteString("blast guard blocked this command.\n")
	kinds := map[Kind]bool{}
	tool := ""
	for i, bl := range d.Blocks {
		if i == maxBlocks {
			fmt.Fprintf(&b, "(and %d more)\n", len(d.Blocks)-maxBlocks)
			break
		}
		fmt.Fprintf(&b, "blocked: %s\n", shown(bl.Command))
		if bl.Via != "" {
			fmt.Fprintf(&b, "  run by: %s\n", shown(bl.Via))
		}
		fmt.Fprintf(&b, "  why: %s\n", bl.Why)
		kinds[bl.Kind] = true
		if tool == "" && (bl.Tool == "terraform" || bl.Tool == "tofu" || bl.Tool == "terragrunt") {
			tool = bl.Tool
		}
	}
	if tool == "" {
		tool = "terraform"
	}
	b.WriteString("\nThe way through:\n")
	if kinds[Changes] || kinds[SignOff] {
		for i, step := range [][2]string{
			{tool + " plan -out=tfplan", "make a plan; nothing changes yet"},
			{"blast check --ai-assisted tfplan", "judge it: exit 0 passes, exit 2 needs a senior's sign-off"},
			{"blast apply --ai-assisted tfplan", "apply exactly that plan, only if it passes or is signed off"},
		} {
			fmt.Fprintf(&b, "  %d. %-34s %s\n", i+1, step[0], step[1])
		}
		b.WriteString("If blast check says a sign-off is required, stop and tell the user: a senior engineer reviews the plan and signs it with blast approve. An agent must not sign.\n")
	}
	if kinds[Undecidable] {
		b.WriteString("  Run terraform, tofu and terragrunt commands directly, one simple command at a time, not through eval, variables, pipes into a shell or scripts blast guard cannot read; it blocks what it cannot see into.\n")
		b.WriteString("  If a script is trusted, the user can list it under guard.allow_scripts in .blast.yml.\n")
	}
	b.WriteString("Do not retry the same change another way: blast guard judges every command in the line, inside shells and scripts too.\n")
	return b.String()
}

// shown is a command as a message repeats it: one line, printable, short.
func shown(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
	if r := []rune(s); len(r) > maxShown {
		s = string(r[:maxShown]) + "…"
	}
	return s
}
