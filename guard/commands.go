package guard

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

var shells = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "mksh": true, "ash": true, "yash": true, "fish": true}

// inlineCode: interpreters and the options that give them a program as an
// argument. The guard cannot parse Python or JavaScript; it reads the text.
var inlineCode = map[string][]string{
	"python": {"-c"}, "python2": {"-c"}, "python3": {"-c"}, "pypy": {"-c"}, "pypy3": {"-c"},
	"node": {"-e", "--eval", "-p", "--print"}, "nodejs": {"-e", "--eval", "-p", "--print"},
	"ruby": {"-e"}, "perl": {"-e", "-E"}, "php": {"-r"}, "lua": {"-e"},
	"rscript": {"-e"}, "osascript": {"-e"},
	"pwsh": {"-c", "-command"}, "powershell": {"-c", "-command"},
}

// valuedOptions take the next argument as their value, in the interpreters
// above (python -W, node -r, ruby -I ...).
var valuedOptions = map[string]bool{"-W": true, "-X": true, "-r": true, "--require": true, "--import": true, "--loader": true, "-I": true, "-C": true, "-d": true}

// Commands whose arguments are text, never a command they run: a mention of
// terraform there is not a call of it.
var textOnly = map[string]bool{
	"echo": true, "printf": true, "grep": true, "egrep": true, "fgrep": true, "rg": true, "ag": true, "ack": true,
	"man": true, "which": true, "whereis": true, "type": true, "whatis": true, "apropos": true, "help": true,
	"info": true, "tldr": true, "hash": true, "alias": true, "unalias": true, "complete": true, "git": true,
	"gh": true, "glab": true, "jq": true, "yq": true, "sed": true, "cat": true, "ls": true, "test": true, "[": true,
}

// named judges a command by its name.
func (j *judge) named(fr *frame, name string, args []arg, redirs []*syntax.Redirect, text string) {
	if t := iacTool(name); t != "" {
		switch t {
		case "terragrunt":
			j.terragrunt(args, text)
		case "cdktf":
			j.cdktf(args, text)
		default:
			j.terraform(t, args, text)
		}
		return
	}
	if shells[name] {
		j.shell(fr, args, redirs, text)
		return
	}
	if opts, ok := inlineCode[strings.TrimRightFunc(name, isVersionRune)]; ok {
		j.interpreter(fr, name, opts, args, redirs, text)
		return
	}
	if w, ok := wrappers[name]; ok {
		j.wrapped(fr, w, args, redirs, text)
		return
	}
	switch name {
	case "blast":
		j.blast(args, text)
	case "eval":
		j.block(text, Undecidable, "", "eval runs a string built when it runs, which blast guard cannot see")
	case "source", ".":
		if len(args) < 2 {
			return
		}
		j.scriptFile(fr, args[1], text)
	case "cd", "pushd", "popd":
		// Scripts named after a cd are found where the cd went; after one
		// the guard cannot follow, they cannot be found at all.
		dir := ""
		if name == "cd" && len(args) == 2 && !args[1].dynamic && args[1].s != "-" {
			dir = resolve(fr.dir, args[1].s)
		}
		fr.dir = dir
	case "unset":
		for _, a := range args[1:] {
			j.assignment(text, a.s)
		}
	case "trap":
		if len(args) >= 2 {
			j.shellString(fr, args[1], text)
		}
	case "go":
		j.goRun(fr, args, redirs, text)
	case "xargs":
		j.xargs(fr, args, redirs, text)
	case "find":
		j.find(fr, args, redirs, text)
	case "make", "gmake":
		j.makefile(fr, args, text)
	case "npm", "pnpm", "yarn", "bun":
		j.packageScripts(fr, args, text)
	case "docker", "podman", "nerdctl", "finch":
		j.container(fr, args, redirs, text)
	case "ssh":
		j.ssh(fr, args, text)
	case "watch":
		j.watch(fr, args, redirs, text)
	case "su", "script", "flock":
		j.commandOption(fr, name, args, redirs, text)
	case "ssh-keygen":
		j.sshKeygen(args, text)
	case "awk", "gawk", "mawk", "nawk":
		j.awk(fr, args, text)
	default:
		if !textOnly[name] {
			j.tail(fr, args, redirs, text)
		}
	}
}

func isVersionRune(r rune) bool { return r == '.' || (r >= '0' && r <= '9') }

// tail finds a command run by a command the guard does not know: aws-vault
// exec p -- terraform apply, kubectl exec pod -- sh -c '...', ssh-less
// runners of every kind. Any argument naming a Terraform-family tool, eval,
// or a shell given a command string, is judged as the start of a command.
func (j *judge) tail(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a.dynamic {
			continue
		}
		name := baseName(a.s)
		switch {
		case iacTool(name) != "" || name == "eval":
			j.named(fr, name, args[i:], nil, text)
			return
		case shells[name] && i+1 < len(args) && strings.HasPrefix(args[i+1].s, "-") && strings.Contains(args[i+1].s, "c"):
			j.shell(fr, args[i:], nil, text)
			return
		}
	}
}

// shell judges sh, bash and the like: a -c string, a script file, or the
// commands it reads on standard input.
func (j *judge) shell(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	command, stdin := false, false
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a.dynamic {
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what the shell runs")
			return
		}
		if a.s == "--" || a.s == "-" {
			i++
			break
		}
		if len(a.s) < 2 || (a.s[0] != '-' && a.s[0] != '+') {
			break
		}
		switch {
		case a.s == "-o" || a.s == "+o" || a.s == "-O" || a.s == "+O" || a.s == "--rcfile" || a.s == "--init-file":
			i++
		case strings.HasPrefix(a.s, "--"):
		case a.s[0] == '-':
			command = command || strings.Contains(a.s, "c")
			stdin = stdin || strings.Contains(a.s, "s")
		}
	}
	switch {
	case command:
		if i < len(args) {
			j.shellString(fr, args[i], text)
		}
	case i < len(args) && !stdin:
		j.scriptFile(fr, args[i], text)
	default:
		j.stdin(fr, redirs, text, "the shell", func(src string) { j.script(src, fr.dir, fr.depth+1) }, func(path arg) { j.scriptFile(fr, path, text) })
	}
}

// shellString judges a string a command will run as shell code.
func (j *judge) shellString(fr *frame, a arg, text string) {
	if a.dynamic {
		j.block(text, Undecidable, "", "it runs shell code built when it runs, which blast guard cannot see")
		return
	}
	j.script(a.s, fr.dir, fr.depth+1)
}

// stdin judges what a shell or an interpreter reads on standard input: a
// here-document, a here-string or a file. A pipe, or the terminal, it
// cannot see.
func (j *judge) stdin(fr *frame, redirs []*syntax.Redirect, text, what string, code func(string), file func(arg)) {
	for _, r := range redirs {
		if r.N != nil && r.N.Value != "0" {
			continue
		}
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			w, what2 := r.Hdoc, " reads a here-document with expansions, whose text is only known when it runs"
			if r.Op == syntax.WordHdoc {
				w, what2 = r.Word, " reads a here-string built when it runs"
			}
			if s, ok := wordText(w); ok {
				code(s)
			} else {
				j.block(text, Undecidable, "", what+what2)
			}
			return
		case syntax.RdrIn:
			as := expandWord(r.Word)
			file(as[0])
			return
		}
	}
	j.block(text, Undecidable, "", what+" reads its commands from standard input (a pipe), which blast guard cannot see")
}

// interpreter judges python, node, ruby ... by the text of their program:
// blocked when it mentions a Terraform-family tool or hides its text.
func (j *judge) interpreter(fr *frame, name string, opts []string, args []arg, redirs []*syntax.Redirect, text string) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a.dynamic {
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what "+name+" runs")
			return
		}
		for _, o := range opts {
			if strings.EqualFold(a.s, o) {
				if i+1 < len(args) {
					j.code(name, args[i+1], text)
				}
				return
			}
			if len(o) == 2 && strings.HasPrefix(a.s, o) && len(a.s) > 2 {
				j.code(name, arg{s: a.s[2:]}, text)
				return
			}
		}
		switch {
		case a.s == "-m":
			return // a module: code installed like any command on PATH
		case a.s == "-":
			i = len(args) // the program is on standard input
		case valuedOptions[a.s]:
			i++
		case strings.HasPrefix(a.s, "-"):
		default:
			j.opaqueFile(fr, a, text, name+" script")
			return
		}
	}
	j.stdin(fr, redirs, text, name, func(src string) { j.code(name, arg{s: src}, text) }, func(path arg) { j.opaqueFile(fr, path, text, name+" script") })
}

// code judges a program in a language the guard cannot parse.
func (j *judge) code(lang string, a arg, text string) {
	if a.dynamic {
		j.block(text, Undecidable, "", lang+" runs code built when it runs, which blast guard cannot see")
		return
	}
	if mentionsIaC.MatchString(a.s) {
		j.block(text, Undecidable, "", lang+" code that mentions a Terraform-family tool: blast guard cannot tell what it runs")
		return
	}
	lower := strings.ToLower(a.s)
	for _, hidden := range []string{"base64", "b64decode", "eval", "exec(", "chr(", "fromcharcode", `\x`, `\u00`, "rot13", "codecs.decode"} {
		if strings.Contains(lower, hidden) {
			j.block(text, Undecidable, "", lang+" code that builds code or strings at run time ("+hidden+"): blast guard cannot tell what it runs")
			return
		}
	}
}

// awk runs commands with system() and pipes.
func (j *judge) awk(fr *frame, args []arg, text string) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a.dynamic:
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what awk runs")
			return
		case a.s == "-f" && i+1 < len(args):
			j.opaqueFile(fr, args[i+1], text, "awk program")
			return
		case a.s == "-F" || a.s == "-v":
			i++
		case strings.HasPrefix(a.s, "-"):
		default:
			if strings.Contains(a.s, "system") || strings.Contains(a.s, `"sh"`) || strings.Contains(a.s, `"bash"`) {
				j.block(text, Undecidable, "", "awk program that runs commands: blast guard cannot tell what it runs")
				return
			}
			j.code("awk", a, text)
			return
		}
	}
}
