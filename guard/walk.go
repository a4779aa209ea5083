package guard

import (
	"fmt"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Bounds that keep a hostile command line from making the guard slow: a
// hook that times out lets the command run, so the guard must answer fast.
const (
	maxDepth       = 8       // shells in shells, scripts sourcing scripts
	maxFileBytes   = 1 << 20 // one script, Makefile or package.json
	maxTotalBytes  = 4 << 20 // every file read for one decision
	maxAliasExpand = 8
)

// judge walks one command line and everything it would run that the guard
// can see: strings given to shells, scripts on disk, aliases.
type judge struct {
	settings Settings
	budget   int // bytes of files it may still read
	blocks   []Block
	seen     map[string]bool
	top      string // the command of the agent's line being judged
}

// frame is one shell program being judged.
type frame struct {
	src     string // its text, to quote commands in messages
	dir     string // its working directory; "" once it cannot be known
	depth   int
	aliases map[string]string
}

// Judge decides a shell command line that is about to run in dir.
func Judge(command, dir string, s Settings) Decision {
	j := &judge{settings: s, budget: maxTotalBytes, seen: map[string]bool{}}
	j.script(command, dir, 0)
	return Decision{Blocks: j.blocks}
}

func (j *judge) block(command string, k Kind, tool, why string) {
	key := fmt.Sprint(command, "\x00", why)
	if j.seen[key] {
		return
	}
	j.seen[key] = true
	b := Block{Command: command, Why: why, Kind: k, Tool: tool}
	if j.top != command && !strings.Contains(j.top, command) {
		b.Via = j.top
	}
	j.blocks = append(j.blocks, b)
}

// script parses and judges a shell program. What it cannot parse it blocks:
// an attacker's favourite trick is a line the shell reads one way and a
// checker another.
func (j *judge) script(src, dir string, depth int) {
	if depth > maxDepth {
		j.block(src, Undecidable, "", fmt.Sprintf("it nests shells or scripts more than %d deep", maxDepth))
		return
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		j.block(src, Undecidable, "", "blast guard cannot parse it as a shell command ("+err.Error()+")")
		return
	}
	fr := &frame{src: src, dir: dir, depth: depth, aliases: aliases(f)}
	// syntax.Walk visits every statement in source order, however nested:
	// lists, pipes, subshells, command and process substitutions, function
	// bodies (judged whether or not they are called), here-strings.
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if ce, ok := n.Cmd.(*syntax.CallExpr); ok {
				j.call(fr, n, ce)
			}
		case *syntax.DeclClause:
			for _, as := range n.Args {
				if as.Name != nil {
					j.assignment(fr.text(n), as.Name.Value)
				}
			}
		}
		return true
	})
}

// aliases collects `alias name=value` definitions, wherever they are in the
// script: resolving one the shell would not expand only blocks more.
func aliases(f *syntax.File) map[string]string {
	out := map[string]string{}
	syntax.Walk(f, func(n syntax.Node) bool {
		ce, ok := n.(*syntax.CallExpr)
		if !ok || len(ce.Args) < 2 {
			return true
		}
		if name, _ := wordText(ce.Args[0]); name != "alias" {
			return true
		}
		for _, w := range ce.Args[1:] {
			if def, ok := wordText(w); ok {
				if name, value, ok := strings.Cut(def, "="); ok {
					out[name] = value
				}
			}
		}
		return true
	})
	return out
}

func (fr *frame) text(n syntax.Node) string {
	start, end := int(n.Pos().Offset()), int(n.End().Offset())
	if start < 0 || end > len(fr.src) || start >= end {
		return fr.src
	}
	return fr.src[start:end]
}

func (j *judge) call(fr *frame, st *syntax.Stmt, ce *syntax.CallExpr) {
	text := fr.text(st)
	if fr.depth == 0 {
		j.top = text
	}
	for _, as := range ce.Assigns {
		if as.Name != nil {
			j.assignment(text, as.Name.Value)
		}
	}
	args := expandWords(ce.Args)
	if len(args) == 0 {
		return
	}
	j.argv(fr, args, st.Redirs, text, 0)
}

// assignment blocks setting the variables that change what a command does
// behind its back.
func (j *judge) assignment(text, name string) {
	switch {
	case name == "TF_CLI_ARGS" || strings.HasPrefix(name, "TF_CLI_ARGS_"):
		j.block(text, Undecidable, "", "it sets "+name+", which adds arguments to terraform commands where blast guard cannot see them (a bare `terraform` becomes whatever it holds)")
	case isAgentVariable(name):
		j.block(text, Undecidable, "", "it changes "+name+", which tells blast that an AI coding agent is at work")
	}
}

// argv judges one simple command, given as the arguments the shell would
// pass. Wrappers (sudo, env, timeout ...) come back here with the command
// they run.
func (j *judge) argv(fr *frame, args []arg, redirs []*syntax.Redirect, text string, aliasDepth int) {
	if len(args) == 0 {
		return
	}
	if args[0].dynamic {
		j.block(text, Undecidable, "", "the command's name is computed when it runs (a variable or a command substitution), so blast guard cannot tell what it runs")
		return
	}
	name := args[0].s
	// An alias is judged as well as the name, never instead of it: a
	// non-interactive bash does not expand aliases, so `alias
	// terraform=echo; terraform apply` runs terraform apply.
	if value, ok := fr.aliases[name]; ok && aliasDepth < maxAliasExpand {
		if prefix, ok := aliasWords(value); ok {
			j.argv(fr, append(prefix, args[1:]...), redirs, text, aliasDepth+1)
		} else {
			j.block(text, Undecidable, "", "it calls the alias "+name+", whose definition blast guard cannot follow")
		}
	}
	if strings.ContainsAny(name, `/\`) && !isKnownTool(baseName(name)) {
		j.pathCommand(fr, args, redirs, text)
		return
	}
	j.named(fr, baseName(name), args, redirs, text)
}

// aliasWords reads an alias's value as the words it stands for.
func aliasWords(value string) ([]arg, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(value), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil, false
	}
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Assigns) > 0 || len(f.Stmts[0].Redirs) > 0 {
		return nil, false
	}
	return expandWords(ce.Args), true
}

// resolve is where a path given to a command in dir points, or "" when the
// directory is not known.
func resolve(dir, p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := userHome(); err == nil {
			return filepath.Join(home, p[2:])
		}
		return ""
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, p)
}
