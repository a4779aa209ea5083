package guard

import (
	"regexp"
	"strings"
)

// iacTool names the Terraform-family command a name stands for, or "".
// Version-suffixed binaries (terraform1.9, tofu-1.8) and the common alias
// tf count: an agent's shell often has the user's aliases.
func iacTool(name string) string {
	if m := iacName.FindStringSubmatch(name); m != nil {
		if m[1] == "tf" {
			return "terraform"
		}
		return m[1]
	}
	switch name {
	case "opentofu":
		return "tofu"
	case "cdktf-cli":
		return "cdktf"
	}
	return ""
}

var iacName = regexp.MustCompile(`^(terraform|tofu|terragrunt|cdktf|tf)(?:[-_.]?v?[0-9][0-9.]*)?$`)

// isKnownTool is true for names the guard judges by name even when they are
// called by a path: ./bin/blast, /usr/local/bin/terraform.
func isKnownTool(name string) bool {
	return iacTool(name) != "" || name == "blast"
}

// mentionsIaC finds terraform, tofu, terragrunt or cdktf as a word in text
// the guard cannot parse (a Makefile, a Python script): terraform_data and
// tofu_x are other words.
var mentionsIaC = regexp.MustCompile(`(?i)(^|[^a-z0-9_])(terraform|tofu|terragrunt|cdktf)([^a-z0-9_]|$)`)

// terraform subcommands that only read, or plan: everything else blocks,
// including subcommands a future version adds.
var readOnlySubcommands = map[string]bool{
	"init": true, "plan": true, "show": true, "validate": true, "fmt": true,
	"output": true, "graph": true, "providers": true, "version": true,
	"console": true, "get": true, "login": true, "logout": true,
	"metadata": true, "modules": true, "help": true,
}

var whyChanges = map[string]string{
	"apply":        "`%s apply` changes infrastructure without a plan that blast has judged and a senior has signed off",
	"destroy":      "`%s destroy` destroys infrastructure without a plan that blast has judged and a senior has signed off",
	"import":       "`%s import` writes to the state outside blast's gate",
	"taint":        "`%s taint` marks a resource to be destroyed and recreated by the next apply",
	"untaint":      "`%s untaint` writes to the state outside blast's gate",
	"force-unlock": "`%s force-unlock` breaks the state lock another run may hold",
	"refresh":      "`%s refresh` writes to the state without a plan to review",
	"test":         "`%s test` creates and destroys real infrastructure",
	"state":        "`%s state` subcommands other than list, show and pull rewrite the state",
	"workspace":    "`%s workspace delete` deletes a workspace's state",
}

func changesWhy(tool, sub string) string {
	if w, ok := whyChanges[sub]; ok {
		return strings.ReplaceAll(w, "%s", tool)
	}
	return "`" + tool + " " + sub + "` is not a command blast guard knows to be read-only"
}

// terraform judges terraform and tofu: global options, then a subcommand.
func (j *judge) terraform(tool string, args []arg, text string) {
	rest := args[1:]
	i := 0
	for ; i < len(rest); i++ {
		a := rest[i]
		if a.dynamic && !strings.HasPrefix(a.s, "-") {
			j.block(text, Undecidable, tool, "an argument blast guard cannot read decides which "+tool+" subcommand runs")
			return
		}
		if !strings.HasPrefix(a.s, "-") {
			break
		}
		if a.s == "-chdir" {
			i++
		}
	}
	if i >= len(rest) {
		return // no subcommand: terraform prints its help
	}
	sub, after := rest[i].s, rest[i+1:]
	if readOnlySubcommands[sub] {
		return
	}
	if len(after) == 1 && !after[0].dynamic && isHelp(after[0].s) {
		return // terraform apply -help prints the help and nothing else
	}
	switch sub {
	case "state", "workspace":
		next, dyn := firstOperand(after)
		if dyn {
			j.block(text, Undecidable, tool, "an argument blast guard cannot read decides which `"+tool+" "+sub+"` subcommand runs")
			return
		}
		safe := map[string]bool{"": true, "list": true, "show": true, "pull": true, "identities": true}
		if sub == "workspace" {
			safe = map[string]bool{"": true, "list": true, "show": true, "new": true, "select": true}
		}
		if safe[next] {
			return
		}
	}
	j.block(text, Changes, tool, changesWhy(tool, sub))
}

func isHelp(s string) bool { return s == "-help" || s == "-h" || s == "--help" }

// firstOperand is the first argument that is not an option: "" when there
// is none, dynamic when the guard cannot read one before it.
func firstOperand(args []arg) (string, bool) {
	for _, a := range args {
		if a.dynamic && !strings.HasPrefix(a.s, "-") {
			return "", true
		}
		if !strings.HasPrefix(a.s, "-") {
			return a.s, false
		}
	}
	return "", false
}

// terragrunt passes most commands through to terraform, in several CLI
// generations (apply, run-all apply, run --all apply, run -- apply, stack
// run apply). Rather than parse every one, any argument that names a
// changing terraform subcommand blocks.
func (j *judge) terragrunt(args []arg, text string) {
	words := map[string]bool{}
	for _, a := range args[1:] {
		if a.dynamic && !strings.HasPrefix(a.s, "-") {
			j.block(text, Undecidable, "terragrunt", "an argument blast guard cannot read decides what terragrunt runs")
			return
		}
		words[a.s] = true
	}
	for _, sub := range []string{"apply", "destroy", "import", "taint", "untaint", "force-unlock", "refresh", "test", "apply-all", "destroy-all"} {
		if words[sub] {
			j.block(text, Changes, "terragrunt", changesWhy("terragrunt", strings.TrimSuffix(sub, "-all")))
			return
		}
	}
	if words["state"] && (words["rm"] || words["mv"] || words["push"] || words["replace-provider"]) {
		j.block(text, Changes, "terragrunt", changesWhy("terragrunt", "state"))
	}
	if words["workspace"] && words["delete"] {
		j.block(text, Changes, "terragrunt", changesWhy("terragrunt", "workspace"))
	}
}

// cdktf deploys and destroys through terraform.
func (j *judge) cdktf(args []arg, text string) {
	sub, dyn := firstOperand(args[1:])
	switch {
	case dyn:
		j.block(text, Undecidable, "cdktf", "an argument blast guard cannot read decides what cdktf runs")
	case sub == "deploy" || sub == "destroy" || sub == "apply":
		j.block(text, Changes, "terraform", "`cdktf "+sub+"` changes infrastructure without a plan that blast has judged and a senior has signed off")
	}
}

// blast apply is the gate itself; blast approve makes a sign-off, which must
// be a senior's own act, never an agent's.
func (j *judge) blast(args []arg, text string) {
	sub, dyn := firstOperand(args[1:])
	switch {
	case dyn:
		j.block(text, Undecidable, "", "an argument blast guard cannot read decides what blast runs")
	case sub == "approve":
		j.block(text, SignOff, "", "`blast approve` signs off on a plan: that is a senior engineer's decision, not an agent's")
	case sub == "apply":
		// blast apply runs --terraform-bin: it must be terraform or tofu,
		// or the gate would run a program of the agent's choosing.
		for i, a := range args {
			value, ok := "", false
			switch {
			case a.s == "--terraform-bin" && i+1 < len(args):
				value, ok = args[i+1].s, !args[i+1].dynamic
			case strings.HasPrefix(a.s, "--terraform-bin="):
				value, ok = strings.TrimPrefix(a.s, "--terraform-bin="), !a.dynamic
			default:
				continue
			}
			if t := iacTool(baseName(value)); !ok || (t != "terraform" && t != "tofu") {
				j.block(text, Undecidable, "", "`blast apply --terraform-bin` must name terraform or tofu")
			}
		}
	}
}
