package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A workflow command as the runner reads it: ::LEVEL PROPS::MESSAGE.
var commandRE = regexp.MustCompile(`^::(error|warning|notice) title=([^:,]*)::(.*)$`)

// unescape is the runner's own unescaping (actions/runner ActionCommand).
func unescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	pairs = append(pairs, "%25", "%")
	return strings.NewReplacer(pairs...).Replace(s)
}

type command struct{ level, title, message string }

func renderGitHub(t *testing.T, r *Report) (cmds []command, other []string) {
	t.Helper()
	raw, err := Render(r, "github", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if m := commandRE.FindStringSubmatch(line); m != nil {
			cmds = append(cmds, command{m[1], unescape(m[2], true), unescape(m[3], false)})
			continue
		}
		if strings.HasPrefix(line, "::") {
			t.Errorf("a workflow command the runner would misread: %q", line)
		}
		other = append(other, line)
	}
	return cmds, other
}

func TestGitHubCommands(t *testing.T) {
	r := fixtureReport(t, "demo-teardown")
	cmds, other := renderGitHub(t, r)
	perLevel := map[string]int{}
	for _, c := range cmds {
		perLevel[c.level]++
	}
	for level, n := range perLevel {
		if n > 10 {
			t.Errorf("%d %s annotations: GitHub shows 10 per step", n, level)
		}
	}
	if c := cmds[0]; c.level != "error" || c.title != "blast environment-teardown (critical)" {
		t.Errorf("first annotation %+v, want the critical teardown as an error", c)
	}
	last := cmds[len(cmds)-1]
	if last.level != "error" || last.title != "blast: sign-off required" || !strings.HasPrefix(last.message, "score 100/100, threshold 50; 17 destructive") {
		t.Errorf("closing annotation %+v", last)
	}
	annotated := len(cmds) - 1
	if want := len(r.Findings) + r.Summary.Destructive(); annotated == want || len(other) != 1 ||
		!strings.HasPrefix(other[0], "blast: "+strconv.Itoa(want-annotated)+" more findings and destructive changes are not annotated") {
		t.Errorf("%d of %d annotated, then %q", annotated, want, other)
	}

	cmds, other = renderGitHub(t, fixtureReport(t, "for-each-key"))
	if len(cmds) != 3 || len(other) != 0 || cmds[2].level != "notice" || cmds[2].title != "blast: pass" {
		t.Errorf("a passing plan: %+v %q", cmds, other)
	}
}

// TestGitHubEscaping: no address can end a command early, start another or
// change its properties; the runner reads back exactly what was meant.
func TestGitHubEscaping(t *testing.T) {
	r := hostileReport()
	cmds, other := renderGitHub(t, r)
	for _, c := range cmds[:len(cmds)-1] {
		found := false
		for _, f := range r.Findings {
			if c.message == f.Message {
				found = true
			}
		}
		for _, ch := range r.Changes {
			if c.message == changeSentence(ch) {
				found = true
			}
		}
		if !found {
			t.Errorf("annotation does not read back as written: %q", c.message)
		}
	}
	if len(other) != 1 {
		t.Errorf("lines that are not commands: %q", other)
	}
	for in, want := range map[string]string{"50% a:b,c\r\nd": "50%25 a%3Ab%2Cc%0D%0Ad"} {
		if got := githubProperty(in); got != want {
			t.Errorf("githubProperty(%q) = %q, want %q", in, got, want)
		}
		if unescape(githubProperty(in), true) != in || unescape(githubData(in), false) != in {
			t.Errorf("%q does not round-trip", in)
		}
	}
	if got := githubData("50% a:b,c\r\nd"); got != "50%25 a:b,c%0D%0Ad" {
		t.Errorf("githubData = %q", got)
	}
}
