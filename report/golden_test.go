package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// Golden files: testdata/<format>/<case><ext>, one per registered format and
// case, ext from goldenExt (.golden for a format it does not name), and
// testdata/graph/ for blast graph. `go test ./report -update` rewrites them;
// review the diff.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func updating() bool { return *update }

// goldenFixtures are the fixture plans every format is pinned on.
var goldenFixtures = []string{"demo-teardown", "replace", "for-each-key", "create"}

// fixtureReport runs a fixture plan through the pipeline the way blast check
// does: under the fixture's own blast.yml when it has one (demo-teardown does:
// its terraform_data stand for real infrastructure), else under the defaults,
// with stable source names whatever the working directory.
func fixtureReport(t testing.TB, fixture string) *Report {
	t.Helper()
	pol := policy.Default()
	if path := filepath.Join("..", "fixtures", fixture, "blast.yml"); fileExists(path) {
		p, err := policy.Load(path, scoring.RuleIDs())
		if err != nil {
			t.Fatal(err)
		}
		pol = p
		pol.Source = "fixtures/" + fixture + "/blast.yml"
	}
	plans, err := planjson.Load(filepath.Join("..", "fixtures", fixture, "plan.json"), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		p.Source = "fixtures/" + fixture + "/plan.json"
	}
	a := scoring.Assess(plans, nil, pol, scoring.Options{})
	return New(a, scoring.Gate(a, 0))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func plansReport(plans []*plan.Plan) *Report {
	a := scoring.Assess(plans, nil, policy.Default(), scoring.Options{})
	return New(a, scoring.Gate(a, 0))
}

// withSignoff adds a sign-off status as blast check reports it, with one
// valid and one rejected sign-off, so the formats show both.
func withSignoff(r *Report, valid int) *Report {
	r.Signoff = &Signoff{
		Digest: "sha256:5d41402abc4b2a76b9719d911017c592ae0b2f6b1c7a4d2f3e5b6c7d8e9f0a1b", Required: 1, Valid: valid,
		Records: []SignoffRecord{
			{File: ".blast/signoffs/alice.sig", Principal: "alice@example.com", Fingerprint: "SHA256:aaaa", Valid: valid > 0, Reason: "ok"},
			{File: ".blast/signoffs/bob.sig", Principal: "bob@example.com", Fingerprint: "SHA256:bbbb", Reason: "wrong-plan", Detail: "signed another plan: sha256:0f0f"},
			{File: ".blast/signoffs/mallory.sig", Principal: "mallory@example.com", Fingerprint: "SHA256:mmmm", Reason: "not-a-senior", Detail: "mallory@example.com is not among the seniors"},
		},
		Notes: []string{"the change is AI-assisted (--ai-assisted): the stricter threshold applies"},
	}
	if valid > 0 {
		r.Decision = "approved"
	} else {
		r.Signoff.Records = r.Signoff.Records[1:]
	}
	return r
}

// goldenToolVersion stands for blast's version in the golden files, which
// must not change with every release.
const goldenToolVersion = "v0.0.0-golden"

var goldenExt = map[string]string{
	"markdown": ".md", "sarif": ".sarif", "junit": ".xml", "github": ".txt", "json": ".json", "table": ".txt",
}

func goldenCases(t *testing.T) map[string]*Report {
	cases := map[string]*Report{}
	for _, f := range goldenFixtures {
		cases[f] = fixtureReport(t, f)
	}
	cases["demo-teardown-rejected-signoff"] = withSignoff(fixtureReport(t, "demo-teardown"), 0)
	cases["demo-teardown-approved"] = withSignoff(fixtureReport(t, "demo-teardown"), 1)
	cases["two-plans"] = func() *Report {
		var plans []*plan.Plan
		for _, f := range []string{"replace", "count-shrink"} {
			ps, err := planjson.Load(filepath.Join("..", "fixtures", f, "plan.json"), planjson.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ps[0].Source = "fixtures/" + f + "/plan.json"
			plans = append(plans, ps...)
		}
		return plansReport(plans)
	}()
	cases["hostile-addresses"] = hostileReport()
	return cases
}

// TestGolden pins every registered format on every case.
func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	for _, format := range Formats() {
		ext, ok := goldenExt[format]
		if !ok {
			ext = ".golden"
		}
		for name, r := range cases {
			t.Run(format+"/"+name, func(t *testing.T) {
				got, err := Render(r, format, Options{ToolVersion: goldenToolVersion})
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join("testdata", format, name+ext), got)
			})
		}
	}
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./report -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is meant, go test ./report -update rewrites it: review the diff\n%s",
			file, firstDiff(want, got))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

// TestRenderDeterministic renders every format twice from reports built
// separately: the same plan must give the same bytes.
func TestRenderDeterministic(t *testing.T) {
	for _, format := range Formats() {
		a, err := Render(fixtureReport(t, "demo-teardown"), format, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(fixtureReport(t, "demo-teardown"), format, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same plan differ", format)
		}
	}
}

// hostileReport has addresses with every character that markdown, HTML,
// mermaid, XML or a workflow command could read as syntax, as for_each keys
// can hold them.
func hostileReport() *Report {
	keys := []string{
		`a|b`, "tick`s``", `<script>alert(1)</script>`, `50% off, a:b`, "line\nbreak\r\n::error::x", `*bold* _it_ [l](http://x) @octocat #1`,
		`"quoted" & amp; #quot;`, `]]></failure>`, `--> %%{init}%% end`, "ctrl\x01\x1b", `back\slash`,
	}
	r := &Report{
		Version: SchemaVersion, Score: 80, Threshold: 50, Decision: "signoff_required",
		Plans:    []Plan{{Source: "plans/prod `x`.json", FormatVersion: "1.2", Tool: "terraform", HasConfiguration: true, Drift: []Drift{}, Deferred: []Deferred{}, Warnings: []string{}}},
		Changes:  []Change{},
		Findings: []Finding{},
	}
	for i, k := range keys {
		q := `"` + escapeKey(k) + `"`
		addr := `module.m[` + q + `].aws_db_instance.db[` + q + `]`
		r.Changes = append(r.Changes, Change{
			Address: addr, Type: "aws_db_instance", Module: `module.m[` + q + `]`, Kind: []plan.Kind{plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD}[i%3],
			Actions: []string{"delete"}, Reason: "delete_because_each_key", ForcedBy: []string{`tags[` + q + `]`}, Class: "stateful_data",
			Risk: float64(60 - i), Factors: []Factor{{Name: "kind", Points: float64(60 - i), Detail: "key " + k}},
			BlastRadius: &Radius{Changed: []string{`aws_instance.app[` + q + `]`}, Unchanged: []string{`module.n.aws_route53_record.r[` + q + `]`}, ChangedCount: 1, UnchangedCount: 1},
		})
		r.Summary.Delete++
		r.Findings = append(r.Findings, Finding{Rule: "data-loss", Severity: "critical", Address: addr, Message: addr + " holds data: " + k, Points: 10})
	}
	r.Plans[0].Summary = r.Summary
	return r
}

// escapeKey writes a key as Terraform writes it in an address.
func escapeKey(k string) string {
	var b bytes.Buffer
	for _, c := range k {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
