package guard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

var userHome = os.UserHomeDir

// readFile reads a file the command would run, within the guard's budget.
func (j *judge) readFile(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO would wait for a writer. Read no
	// more than the size it states: /proc files say 0 and may block.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() == 0 {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := min(maxFileBytes, j.budget)
	data, err := io.ReadAll(io.LimitReader(f, min(int64(limit)+1, fi.Size())))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("larger than blast guard reads (%d bytes)", limit)
	}
	j.budget -= len(data)
	return data, nil
}

// located finds the file a command names, or says why it cannot: it blocks,
// and returns "", unless the policy allows the path.
func (j *judge) located(fr *frame, a arg, text, what string) (string, bool) {
	if a.dynamic {
		j.block(text, Undecidable, "", "it runs a "+what+" whose path is only known when it runs")
		return "", false
	}
	path := resolve(fr.dir, a.s)
	if path == "" {
		j.block(text, Undecidable, "", "it runs the "+what+" "+a.s+" from a directory blast guard cannot follow (after a cd it cannot read)")
		return "", false
	}
	if j.settings.allows(path) {
		return "", false
	}
	return path, true
}

// pathCommand runs a file by its path: ./deploy.sh, scripts/x, /opt/tool.
// A shell script is judged line by line; a compiled program is a command
// like any on PATH; a script in another language is read as text.
func (j *judge) pathCommand(fr *frame, args []arg, redirs []*syntax.Redirect, text string) {
	path, ok := j.located(fr, args[0], text, "script")
	if !ok {
		return
	}
	data, err := j.readFile(path)
	if err != nil {
		j.block(text, Undecidable, "", "it runs "+args[0].s+", which blast guard cannot read ("+shortErr(err)+")")
		return
	}
	if isBinary(data) {
		// A program: judged by its name like one found on PATH, so
		// /usr/bin/env and /bin/bash are env and bash.
		j.named(fr, baseName(args[0].s), args, redirs, text)
		return
	}
	if interp := shebang(data); interp != "" && !shells[interp] {
		j.code(interp+" script "+args[0].s, arg{s: string(data)}, text)
		return
	}
	j.script(string(data), fr.dir, fr.depth+1)
}

// scriptFile judges a file a shell reads: bash x.sh, source x.sh, . x.sh.
func (j *judge) scriptFile(fr *frame, a arg, text string) {
	path, ok := j.located(fr, a, text, "script")
	if !ok {
		return
	}
	data, err := j.readFile(path)
	if err != nil {
		j.block(text, Undecidable, "", "it runs "+a.s+", which blast guard cannot read ("+shortErr(err)+")")
		return
	}
	j.script(string(data), fr.dir, fr.depth+1)
}

// opaqueFile judges a file in a language the guard cannot parse by its text.
func (j *judge) opaqueFile(fr *frame, a arg, text, what string) {
	path, ok := j.located(fr, a, text, what)
	if !ok {
		return
	}
	data, err := j.readFile(path)
	if err != nil {
		j.block(text, Undecidable, "", "it runs the "+what+" "+a.s+", which blast guard cannot read ("+shortErr(err)+")")
		return
	}
	j.code(what+" "+a.s, arg{s: string(data)}, text)
}

// makefile: make runs recipes, shell lines the guard would have to expand
// make's variables to read. It reads the Makefile as text instead.
func (j *judge) makefile(fr *frame, args []arg, text string) {
	dir, file := fr.dir, ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		next := func() arg {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return arg{}
		}
		switch {
		case a.s == "-f" || a.s == "--file" || a.s == "--makefile":
			file = next().s
		case strings.HasPrefix(a.s, "--file=") || strings.HasPrefix(a.s, "--makefile="):
			_, file, _ = strings.Cut(a.s, "=")
		case a.s == "-C" || a.s == "--directory":
			dir = resolve(dir, next().s)
		case a.dynamic:
			j.block(text, Undecidable, "", "an argument blast guard cannot read decides what make runs")
			return
		}
	}
	if file == "" {
		for _, name := range []string{"GNUmakefile", "makefile", "Makefile"} {
			if dir == "" {
				break
			}
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				file = name
				break
			}
		}
		if file == "" && dir != "" {
			return // no Makefile: make runs nothing
		}
	}
	j.opaqueFile(&frame{dir: dir, depth: fr.depth}, arg{s: file}, text, "Makefile")
}

// packageScripts: npm run, yarn, pnpm and bun run the scripts of package.json.
func (j *judge) packageScripts(fr *frame, args []arg, text string) {
	if len(args) < 2 {
		return
	}
	sub := args[1].s
	switch sub {
	case "install", "i", "ci", "add", "remove", "uninstall", "ls", "list", "view", "info", "outdated", "audit", "init", "login", "whoami", "version", "--version", "-v", "help", "why":
		return
	}
	j.opaqueFile(fr, arg{s: "package.json"}, text, "package.json")
}

func isBinary(data []byte) bool {
	for _, magic := range [][]byte{{0x7f, 'E', 'L', 'F'}, {0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xcf, 0xfa, 0xed, 0xfe}, {0xce, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}, []byte("MZ")} {
		if bytes.HasPrefix(data, magic) {
			return true
		}
	}
	return false
}

// shebang names the interpreter of a script: #!/usr/bin/env python3 is
// python3. No #! line means the shell runs it.
func shebang(data []byte) string {
	if !bytes.HasPrefix(data, []byte("#!")) {
		return ""
	}
	line, _, _ := bytes.Cut(data[2:], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return ""
	}
	name := baseName(fields[0])
	if name == "env" {
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "-") && !strings.Contains(f, "=") {
				return baseName(f)
			}
		}
	}
	return name
}

func shortErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
