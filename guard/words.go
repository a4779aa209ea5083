package guard

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// arg is one argument of a command as the guard sees it before the command
// runs: a string it can read in the source, or one the shell computes at run
// time (a variable, a command substitution, a glob), which it cannot.
type arg struct {
	s       string
	dynamic bool
}

// literal reports whether a word's value is in the source: no expansion, no
// substitution, no unquoted glob. Quotes, backslashes and brace expansion
// are resolved by expandWord.
func literal(w *syntax.Word) bool {
	ok := true
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst, *syntax.ExtGlob:
			ok = false
		case *syntax.Lit:
			if hasGlob(n.Value) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// hasGlob reports an unescaped glob character in an unquoted literal: the
// shell would replace the word with the names of matching files.
func hasGlob(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// expandWord turns a word into the arguments the shell would pass: one for
// most words, several for a brace expansion, a single dynamic one when the
// value is only known at run time.
func expandWord(w *syntax.Word) []arg {
	if literal(w) && braceFields(w) <= maxBraceFields {
		fields, err := expand.Fields(&expand.Config{}, w)
		if err == nil {
			out := make([]arg, len(fields))
			for i, f := range fields {
				out[i] = arg{s: f}
			}
			return out
		}
	}
	if optionWord(w) {
		// Keep the literal start, so --terraform-bin="$X" is still known
		// as --terraform-bin with a value the guard cannot read.
		return []arg{{s: w.Parts[0].(*syntax.Lit).Value + "…", dynamic: true}}
	}
	return []arg{{s: "$…", dynamic: true}}
}

// optionWord: a word that starts with a literal "-" and whose expansions
// are all in double quotes is one argument, an option, whatever the values:
// terraform -chdir="$DIR" plan. Unquoted, -chdir=$DIR could split into
// -chdir=x and apply.
func optionWord(w *syntax.Word) bool {
	if len(w.Parts) == 0 {
		return false
	}
	if first, ok := w.Parts[0].(*syntax.Lit); !ok || !strings.HasPrefix(first.Value, "-") {
		return false
	}
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if hasGlob(p.Value) {
				return false
			}
		case *syntax.SglQuoted, *syntax.DblQuoted:
		default:
			return false
		}
	}
	return true
}

// maxBraceFields bounds brace expansion: {a,b}{a,b}... thirty times over
// is a billion words, and a hook that takes too long lets the command run.
const maxBraceFields = 256

// braceFields is at least how many words brace expansion makes of w.
func braceFields(w *syntax.Word) int {
	c := &syntax.Word{Parts: append([]syntax.WordPart(nil), w.Parts...)}
	if !syntax.SplitBraces(c) {
		return 1
	}
	return braceCount(c.Parts)
}

func braceCount(parts []syntax.WordPart) int {
	n := 1
	for _, p := range parts {
		b, ok := p.(*syntax.BraceExp)
		if !ok {
			continue
		}
		k := 0
		if b.Sequence {
			k = maxBraceFields + 1 // {1..N}: too many to read
		} else {
			for _, e := range b.Elems {
				k += braceCount(e.Parts)
			}
		}
		n = min(n*max(k, 1), maxBraceFields+1)
	}
	return n
}

func expandWords(ws []*syntax.Word) []arg {
	var out []arg
	for _, w := range ws {
		out = append(out, expandWord(w)...)
	}
	return out
}

// wordText is a word's value when it is literal, for strings the guard
// parses again as shell (bash -c STRING) or reads as a path.
func wordText(w *syntax.Word) (string, bool) {
	if w == nil || !literal(w) {
		return "", false
	}
	s, err := expand.Literal(nil, w)
	return s, err == nil
}

// baseName is how a command is known whatever path it is called by:
// /usr/local/bin/terraform, ./terraform and terraform.exe are terraform.
func baseName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.ToLower(s)
	return strings.TrimSuffix(s, ".exe")
}
