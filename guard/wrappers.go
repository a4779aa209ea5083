package guard

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wrapper describes a command that runs another: its options that take a
// value, how many operands come before the command (timeout's duration,
// chroot's directory), whether VAR=value arguments may come first, and the
// options after which it runs nothing (command -v, sudo -l) or runs a shell
// on its standard input (sudo -s, sudo -i).
type wrapper struct {
	valued   []string
	operands int
	env      bool
	noRun    []string
	shell    []string
}

var wrappers = map[string]wrapper{
	"sudo":         {valued: []string{"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "-R", "--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role", "--type", "--command-timeout", "--other-user", "--chroot"}, env: true, noRun: []string{"-e", "--edit", "-l", "--list", "-v", "--validate", "-k", "-K", "-V", "--version", "-h", "--help"}, shell: []string{"-s", "--shell", "-i", "--login"}},
	"doas":         {valued: []string{"-u", "-C"}, shell: []string{"-s"}},
	"env":          {valued: []string{"-u", "--unset", "-C", "--chdir", "-a", "--argv0"}, env: true},
	"command":      {noRun: []string{"-v", "-V"}},
	"builtin":      {},
	"exec":         {valued: []string{"-a"}},
	"nohup":        {},
	"nice":         {valued: []string{"-n", "--adjustment"}},
	"ionice":       {valued: []string{"-c", "-n", "--class", "--classdata"}, noRun: []string{"-p", "--pid", "-P", "--pgid", "-u", "--uid"}},
	"timeout":      {valued: []string{"-s", "--signal", "-k", "--kill-after"}, operands: 1},
	"stdbuf":       {valued: []string{"-i", "-o", "-e", "--input", "--output", "--error"}},
	"setsid":       {},
	"time":         {valued: []string{"-f", "--format", "-o", "--output"}},
	"unbuffer":     {},
	"chroot":       {valued: []string{"--userspec", "--groups"}, operands: 1},
	"taskset":      {operands: 1, noRun: []string{"-p", "--pid"}},
	"caffeinate":   {valued: []string{"-t", "-w"}},
	"strace":       {valued: []string{"-e", "-o", "-p", "-s", "-u", "-E", "-I", "-b", "-a", "-O", "-S", "-P", "-X"}},
	"ltrace":       {valued: []string{"-e", "-o", "-p", "-s", "-u", "-n", "-a", "-A", "-D", "-F", "-l", "-L"}},
	"catchsegv":    {},
	"proxychains":  {valued: []string{"-f"}},
	"proxychains4": {valued: []string{"-f"}},
	"firejail":     {},
	"torsocks":     {},
	"dotenv":       {valued: []string{"-e", "-f", "-c", "-v"}},
}

// wrapped strips a wrapper and judges the command it runs.
func (j *judge) wrapped(fr *frame, w wrapper, args []arg, redirs []*syntax.Redirect, text string) {
	has := func(list []string, s string) bool {
		for _, x := range list {
			if s == x {
				return true
			}
		}
		return false
	}
	shell := false
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a.dynamic {
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what "+args[0].s+" runs")
			return
		}
		if a.s == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a.s, "-") || a.s == "-" {
			break
		}
		name, _, attached := strings.Cut(a.s, "=")
		switch {
		case has(w.noRun, name):
			return
		case has(w.shell, name):
			shell = true
		case has(w.valued, name) && !attached:
			if name == "-u" || name == "--unset" {
				if i+1 < len(args) && args[0].s == "env" {
					j.assignment(text, args[i+1].s)
				}
			}
			i++
		case name == "-S" || name == "--split-string":
			// env -S 'terraform apply' splits its value into a command.
			value := strings.TrimPrefix(strings.TrimPrefix(a.s, name), "=")
			if value == "" && i+1 < len(args) {
				i++
				value = args[i].s
			}
			j.script(value+" "+quoteArgs(args[i+1:]), fr.dir, fr.depth+1)
			return
		}
	}
	for ; w.env && i < len(args); i++ {
		name, _, ok := strings.Cut(args[i].s, "=")
		if !ok || args[i].dynamic || strings.HasPrefix(name, "-") {
			break
		}
		j.assignment(text, name)
	}
	if i+w.operands >= len(args) {
		if shell {
			j.shell(fr, []arg{{s: "sh"}}, redirs, text)
		}
		return
	}
	rest := args[i+w.operands:]
	if shell {
		j.script(quoteArgs(rest), fr.dir, fr.depth+1)
		return
	}
	j.argv(fr, rest, redirs, text, 0)
}

// quoteArgs turns arguments back into shell source, for commands that join
// their arguments into a string a shell runs (sudo -s, watch, ssh).
func quoteArgs(args []arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a.dynamic {
			parts[i] = `"$__blast_guard_unknown"`
			continue
		}
		q, err := syntax.Quote(a.s, syntax.LangBash)
		if err != nil {
			q = `"$__blast_guard_unknown"`
		}
		parts[i] = q
	}
	return strings.Join(parts, " ")
}

// joinArgs is what ssh and watch do: join their arguments with spaces into
// one string for a shell.
func joinArgs(args []arg) (string, bool) {
	parts := make([]string, len(args))
	for i, a := range args {
		if a.dynamic {
			return "", false
		}
		parts[i] = a.s
	}
	return strings.Join(parts, " "), true
}

// xargs runs a command with arguments read from its input: those the guard
// cannot see.
func (j *judge) xargs(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	valued := map[string]bool{"-I": true, "-L": true, "-n": true, "-P": true, "-s": true, "-E": true, "-d": true, "-a": true, "--arg-file": true, "--delimiter": true, "--eof": true, "--max-lines": true, "--max-args": true, "--max-procs": true, "--max-chars": true, "--process-slot-var": true}
	replace := ""
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a.dynamic {
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what xargs runs")
			return
		}
		if !strings.HasPrefix(a.s, "-") {
			break
		}
		switch {
		case a.s == "-I" && i+1 < len(args):
			replace = args[i+1].s
			i++
		case strings.HasPrefix(a.s, "-I"):
			replace = a.s[2:]
		case a.s == "-i" || strings.HasPrefix(a.s, "--replace"):
			replace = "{}"
		case valued[a.s]:
			i++
		}
	}
	if i >= len(args) {
		return // xargs echo
	}
	rest := append([]arg(nil), args[i:]...)
	for k := range rest {
		if replace != "" && strings.Contains(rest[k].s, replace) {
			rest[k] = arg{s: "{}", dynamic: true}
		}
	}
	if replace == "" {
		rest = append(rest, arg{s: "{}", dynamic: true})
	}
	j.argv(fr, rest, redirs, text, 0)
}

// find -exec, -execdir, -ok and -okdir run a command for each file found.
func (j *judge) find(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	for i := 1; i < len(args); i++ {
		switch args[i].s {
		case "-exec", "-execdir", "-ok", "-okdir":
			end := i + 1
			for end < len(args) && args[end].s != ";" && args[end].s != "+" {
				end++
			}
			cmd := append([]arg(nil), args[i+1:end]...)
			for k := range cmd {
				if strings.Contains(cmd[k].s, "{}") {
					cmd[k] = arg{s: "{}", dynamic: true}
				}
			}
			j.argv(fr, cmd, nil, text, 0)
			i = end
		}
	}
}

// goRun: go run ./cmd/blast apply is blast apply.
func (j *judge) goRun(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	if len(args) < 3 || args[1].s != "run" {
		return
	}
	valued := map[string]bool{"-C": true, "-ldflags": true, "-gcflags": true, "-asmflags": true, "-tags": true, "-mod": true, "-modfile": true, "-o": true, "-p": true, "-exec": true, "-overlay": true, "-pgo": true, "-toolexec": true}
	for i := 2; i < len(args); i++ {
		a := args[i]
		switch {
		case a.dynamic:
			return
		case valued[a.s]:
			i++
		case strings.HasPrefix(a.s, "-"):
		default:
			pkg, _, _ := strings.Cut(a.s, "@")
			pkg = strings.TrimSuffix(pkg, "/")
			if strings.HasSuffix(pkg, "cmd/blast") {
				j.blast(append([]arg{{s: "blast"}}, args[i+1:]...), text)
			}
			return
		}
	}
}

// container runs a Terraform-family image: docker run hashicorp/terraform
// apply runs terraform apply. A command named after the image is found by
// tail.
func (j *judge) container(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a.dynamic || strings.HasPrefix(a.s, "-") {
			continue
		}
		image := a.s
		if k := strings.LastIndex(image, "/"); k >= 0 {
			image = image[k+1:]
		}
		image, _, _ = strings.Cut(image, "@")
		image, _, _ = strings.Cut(image, ":")
		if t := iacTool(image); t != "" && i > 1 {
			rest := args[i+1:]
			if len(rest) > 0 && !rest[0].dynamic && iacTool(baseName(rest[0].s)) != "" {
				rest = rest[1:]
			}
			j.named(fr, t, append([]arg{{s: t}}, rest...), nil, text)
			return
		}
	}
	j.tail(fr, args, redirs, text)
}

// ssh runs its remaining arguments, joined, as a shell command on the host.
func (j *judge) ssh(fr *frame, args []arg, text string) {
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a.dynamic || !strings.HasPrefix(a.s, "-") {
			break
		}
		if len(a.s) == 2 && strings.ContainsRune("BbcDEeFIiJLlmOoPpQRSWw", rune(a.s[1])) {
			i++
		}
	}
	if i+1 >= len(args) {
		return // an interactive session, or nothing
	}
	j.remote(fr, args[i+1:], text)
}

func (j *judge) remote(fr *frame, args []arg, text string) {
	s, ok := joinArgs(args)
	if !ok {
		j.block(text, Undecidable, "", "it runs a remote or joined command built when it runs")
		return
	}
	j.script(s, "", fr.depth+1)
}

// watch runs its arguments, joined, through sh -c, unless -x.
func (j *judge) watch(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	exec := false
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i].s, "-"); i++ {
		switch args[i].s {
		case "-x", "--exec":
			exec = true
		case "-n", "--interval", "-q", "--equexit":
			i++
		}
	}
	if i >= len(args) {
		return
	}
	if exec {
		j.argv(fr, args[i:], redirs, text, 0)
		return
	}
	j.remote(fr, args[i:], text)
}

// commandOption: su -c, script -c and flock -c take a shell command string;
// flock FILE COMMAND... runs a command.
func (j *judge) commandOption(fr *frame, name string, args []arg, redirs []*syntax.Redirect, text string) {
	operands := 0
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a.s == "-c" || a.s == "--command":
			if i+1 < len(args) {
				j.shellString(fr, args[i+1], text)
			}
			return
		case strings.HasPrefix(a.s, "--command="):
			j.shellString(fr, arg{s: strings.TrimPrefix(a.s, "--command="), dynamic: a.dynamic}, text)
			return
		case a.s == "-w" || a.s == "-E" || a.s == "-s" || a.s == "-g" || a.s == "-G":
			i++
		case strings.HasPrefix(a.s, "-"):
		default:
			operands++
			if name == "flock" && operands == 2 {
				j.argv(fr, args[i:], redirs, text, 0)
				return
			}
		}
	}
	if name == "su" && len(redirs) > 0 {
		j.shell(fr, []arg{{s: "sh"}}, redirs, text)
	}
}

// sshKeygen -Y sign in blast's namespace makes a sign-off.
func (j *judge) sshKeygen(args []arg, text string) {
	sign, ns := false, false
	for i, a := range args {
		if a.s == "-Y" && i+1 < len(args) && args[i+1].s == "sign" {
			sign = true
		}
		if (a.s == "-n" && i+1 < len(args) && args[i+1].s == "blast-signoff") || a.s == "-nblast-signoff" {
			ns = true
		}
	}
	if sign && ns {
		j.block(text, SignOff, "", "signing in the blast-signoff namespace makes a sign-off: that is a senior engineer's decision, not an agent's")
	}
}
