package scoring

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blast-dev/blast/graph"
	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring/catalog"
	"github.com/blast-dev/blast/scoring/policy"
)

// Helpers that build plans in code, the way the loader would.

func actionsOf(k plan.Kind) []string {
	switch k {
	case plan.KindCreate:
		return []string{"create"}
	case plan.KindUpdate:
		return []string{"update"}
	case plan.KindDelete:
		return []string{"delete"}
	case plan.KindReplace:
		return []string{"delete", "create"}
	case plan.KindReplaceCBD:
		return []string{"create", "delete"}
	case plan.KindRead:
		return []string{"read"}
	case plan.KindForget:
		return []string{"forget"}
	}
	return []string{"no-op"}
}

// mk is a change of the resource instance at addr.
func mk(addr string, kind plan.Kind) plan.Change {
	a, err := plan.ParseAddress(addr)
	if err != nil {
		panic(err)
	}
	return plan.Change{Address: addr, Mode: a.Mode, Type: a.Type, Name: a.Name, Module: a.ModulePath(),
		Kind: kind, Actions: actionsOf(kind)}
}

// mkPlan is a plan of changes; extra are instances the plan knows of
// without a change (prior_state only).
func mkPlan(changes []plan.Change, extra ...string) *plan.Plan {
	p := &plan.Plan{Source: "test.json", Changes: append([]plan.Change(nil), changes...), PriorDependsOn: map[string][]string{}}
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].Key() < p.Changes[j].Key() })
	set := map[string]bool{}
	for _, c := range p.Changes {
		set[c.Address] = true
	}
	for _, e := range extra {
		set[e] = true
	}
	for a := range set {
		p.Instances = append(p.Instances, a)
	}
	sort.Strings(p.Instances)
	return p
}

func configPath(addr string) string {
	a, err := plan.ParseAddress(addr)
	if err != nil {
		panic(err)
	}
	return a.ConfigPath()
}

// dependsOn records in prior_state that from depends on the resource of to.
func dependsOn(p *plan.Plan, from, to string) {
	if p.PriorDependsOn == nil {
		p.PriorDependsOn = map[string][]string{}
	}
	cp := configPath(to)
	for _, d := range p.PriorDependsOn[from] {
		if d == cp {
			return
		}
	}
	p.PriorDependsOn[from] = append(p.PriorDependsOn[from], cp)
	sort.Strings(p.PriorDependsOn[from])
}

func clonePlan(p *plan.Plan) *plan.Plan {
	q := *p
	q.Changes = append([]plan.Change(nil), p.Changes...)
	q.Instances = append([]string(nil), p.Instances...)
	q.PriorDependsOn = make(map[string][]string, len(p.PriorDependsOn))
	for k, v := range p.PriorDependsOn {
		q.PriorDependsOn[k] = append([]string(nil), v...)
	}
	return &q
}

func addInstance(p *plan.Plan, addr string) {
	i := sort.SearchStrings(p.Instances, addr)
	if i < len(p.Instances) && p.Instances[i] == addr {
		return
	}
	p.Instances = append(p.Instances, "")
	copy(p.Instances[i+1:], p.Instances[i:])
	p.Instances[i] = addr
}

func addChange(p *plan.Plan, c plan.Change) {
	p.Changes = append(p.Changes, c)
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].Key() < p.Changes[j].Key() })
	addInstance(p, c.Address)
}

func assess(t testing.TB, pol policy.Policy, plans ...*plan.Plan) *Assessment {
	t.Helper()
	a := Assess(plans, nil, pol, Options{Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)})
	checkTraceable(t, a)
	return a
}

// standIn is the policy of tests whose terraform_data objects stand for real
// infrastructure: the catalog counts terraform_data as glue, which no
// teardown is made of; weight 0.1 keeps each change cheap but counted.
func standIn(t testing.TB, extra string) policy.Policy {
	t.Helper()
	return mustPolicy(t, "weights:\n  types:\n    terraform_data: 0.1\n"+extra)
}

// fixturePolicy is a fixture's own blast.yml when it has one, else the
// defaults.
func fixturePolicy(t testing.TB, name string) policy.Policy {
	t.Helper()
	path := filepath.Join("..", "fixtures", name, "blast.yml")
	if _, err := os.Stat(path); err != nil {
		return policy.Default()
	}
	p, err := policy.Load(path, RuleIDs())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loadFixture(t testing.TB, name string) *plan.Plan {
	t.Helper()
	plans, err := planjson.Load(filepath.Join("..", "fixtures", name, "plan.json"), planjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 {
		t.Fatalf("%s: %d plans", name, len(plans))
	}
	return plans[0]
}

func fixtureNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "fixtures", "*", "plan.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("fixtures: %v (%d found)", err, len(files))
	}
	var out []string
	for _, f := range files {
		out = append(out, filepath.Base(filepath.Dir(f)))
	}
	return out
}

// rawTotal is the score before rounding and the cap at 100, recomputed from
// what the assessment shows: destructive risks, other risks capped at 20,
// finding points.
//
// Points are tenths; they are added as whole tenths here so that the check
// does not itself depend on the order of a float sum.
func rawTotal(a *Assessment) float64 {
	t := func(f float64) int64 { return int64(math.Round(f * 10)) }
	var destructive, other, findings int64
	for _, cr := range a.Changes {
		if cr.Change.Kind.Destructive() {
			destructive += t(cr.Points)
		} else {
			other += t(cr.Points)
		}
	}
	for _, f := range a.Findings {
		findings += t(f.Points)
	}
	return float64(destructive+min(other, t(nonDestructiveCap))+findings) / 10
}

// checkTraceable asserts that every point of the assessment is accounted
// for: each change's risk is the sum of its factors, and the plan score is
// min(100, round(destructive + min(others, 20) + findings)).
func checkTraceable(t testing.TB, a *Assessment) {
	t.Helper()
	var other float64
	for _, cr := range a.Changes {
		var sum float64
		for _, f := range cr.Factors {
			sum += f.Points
			if f.Name == "" || f.Detail == "" {
				t.Errorf("%s: factor without a name or detail: %+v", cr.Change.Key(), f)
			}
			if f.Points < 0 {
				t.Errorf("%s: negative factor %+v", cr.Change.Key(), f)
			}
		}
		if math.Abs(sum-cr.Points) > 0.05 {
			t.Errorf("%s: risk %.1f but its factors add up to %.2f: %+v", cr.Change.Key(), cr.Points, sum, cr.Factors)
		}
		if !cr.Change.Kind.Destructive() {
			other += cr.Points
		}
		if cr.Ignored != "" && cr.Points != 0 {
			t.Errorf("%s: ignored but scores %.1f", cr.Change.Key(), cr.Points)
		}
	}
	want := int(math.Min(100, math.Round(rawTotal(a))))
	if a.Score != want {
		t.Errorf("score %d, but destructive + min(others, 20) + findings gives %d (raw %.3f)", a.Score, want, rawTotal(a))
	}
	if capped := math.Max(0, other-nonDestructiveCap); math.Abs(capped-a.CappedPoints) > 0.05 {
		t.Errorf("CappedPoints %.1f, want %.1f", a.CappedPoints, capped)
	}
}

// typesByClass is one representative catalog type per class.
var typesByClass = map[string]string{
	"access_config":      "aws_lambda_permission",
	"account_scope":      "google_project",
	"cluster":            "google_container_cluster",
	"cluster_capacity":   "google_container_node_pool",
	"compute":            "aws_instance",
	"container_workload": "kubernetes_deployment",
	"default":            "acme_widget",
	"dns_edge":           "aws_route53_record",
	"dns_zone":           "aws_route53_zone",
	"encryption_key":     "aws_kms_key",
	"ephemeral":          "terraform_data",
	"identity":           "aws_iam_role",
	"network_core":       "aws_vpc",
	"observability":      "aws_cloudwatch_metric_alarm",
	"saas_config":        "github_team",
	"secret":             "aws_secretsmanager_secret",
	"security_audit":     "aws_cloudtrail",
	"serverless":         "aws_lambda_function",
	"stateful_data":      "aws_db_instance",
	"storage_config":     "aws_s3_bucket_policy",
}

func TestTypesByClassCoverEveryClass(t *testing.T) {
	for _, c := range catalog.Classes() {
		typ, ok := typesByClass[c.Name]
		if !ok {
			t.Errorf("no representative type for class %s", c.Name)
			continue
		}
		if got, _, _ := catalog.Classify(typ); got.Name != c.Name {
			t.Errorf("%s is in class %s, want %s", typ, got.Name, c.Name)
		}
	}
}

func TestCreatesAndUpdatesStayBelowThreshold(t *testing.T) {
	var types []string
	for _, typ := range typesByClass {
		types = append(types, typ)
	}
	sort.Strings(types)
	everythingCritical := policy.Default()
	g, _ := policy.ParseAddressGlob("*")
	everythingCritical.Critical = []policy.AddressGlob{g}
	for _, n := range []int{1, 100, 10000} {
		for _, kinds := range [][]plan.Kind{
			{plan.KindCreate},
			{plan.KindUpdate},
			// No forget: one of a critical or stateful object reaches the
			// threshold (leaves-management), and no update here removes a
			// protection (protection-removed) nor has provisioners
			// (runs-commands).
			{plan.KindCreate, plan.KindUpdate, plan.KindNoOp, plan.KindRead},
		} {
			var cs []plan.Change
			for i := 0; i < n; i++ {
				typ := types[i%len(types)]
				k := kinds[i%len(kinds)]
				addr := fmt.Sprintf("module.m%d.%s.r%d", i%7, typ, i)
				if k == plan.KindRead {
					addr = fmt.Sprintf("module.m%d.data.%s.r%d", i%7, typ, i)
				}
				c := mk(addr, k)
				c.Imported = i%5 == 0 && k != plan.KindCreate
				cs = append(cs, c)
			}
			p := mkPlan(cs)
			// Every resource depends on the one before it: a long chain of
			// dependents must not matter when nothing is destroyed.
			for i := 1; i < len(p.Changes); i++ {
				dependsOn(p, p.Changes[i].Address, p.Changes[i-1].Address)
			}
			for name, pol := range map[string]policy.Policy{"default": policy.Default(), "all critical": everythingCritical} {
				a := assess(t, pol, p)
				if a.Score >= policy.DefaultThreshold {
					t.Errorf("%d changes of kinds %v, policy %s: score %d reaches the default threshold %d", n, kinds, name, a.Score, policy.DefaultThreshold)
				}
				if a.Required() != 0 {
					t.Errorf("%d changes of kinds %v: %d sign-offs required", n, kinds, a.Required())
				}
			}
		}
	}
	for _, f := range []string{"create", "update", "moved"} {
		if a := assess(t, policy.Default(), loadFixture(t, f)); a.Score >= policy.DefaultThreshold {
			t.Errorf("fixture %s: score %d", f, a.Score)
		}
	}
}

// criticalTypes are types whose loss the design names as critical or
// stateful: one destructive change of any reaches the threshold.
var criticalTypes = []string{
	"aws_db_instance", "aws_s3_bucket", "aws_kms_key", "google_container_cluster", "aws_route53_zone",
	"aws_secretsmanager_secret", "aws_ebs_volume", "aws_dynamodb_table", "google_sql_database_instance",
	"azurerm_resource_group", "azurerm_key_vault", "kubernetes_namespace", "aws_eks_cluster",
	"google_kms_crypto_key", "aws_efs_file_system", "aws_sqs_queue", "azurerm_storage_account",
}

func TestOneDestructiveChangeOfCriticalResourceReachesThreshold(t *testing.T) {
	for _, typ := range criticalTypes {
		for _, k := range []plan.Kind{plan.KindDelete, plan.KindReplace} {
			p := mkPlan([]plan.Change{mk(typ+".main", k)})
			a := assess(t, policy.Default(), p)
			if a.Score < policy.DefaultThreshold {
				t.Errorf("one %s of %s: score %d, below the default threshold %d; factors %+v", k, typ, a.Score, policy.DefaultThreshold, a.Changes[0].Factors)
			}
		}
	}
	// Every type the catalog calls stateful or critical, however it is
	// written: exact entries, and types that only a prefix rule matches.
	var types []string
	for typ, cl := range catalog.Entries() {
		if cl.Stateful || cl.Weight >= criticalWeight {
			if p, ok := strings.CutSuffix(typ, "*"); ok {
				typ = p + "zz_made_up"
			}
			types = append(types, typ)
		}
	}
	sort.Strings(types)
	if len(types) < 200 {
		t.Fatalf("only %d critical or stateful types in the catalog", len(types))
	}
	for _, typ := range types {
		base, sub, _ := strings.Cut(typ, "/")
		if cl, _, _ := catalog.ClassifySubtype(base, sub); !cl.Stateful && cl.Weight < criticalWeight {
			continue // a longer prefix or exact entry puts it elsewhere
		}
		for _, k := range []plan.Kind{plan.KindDelete, plan.KindReplace} {
			// A "type/subtype" entry is a generic type by what it manages.
			base, sub, _ := strings.Cut(typ, "/")
			c := mk(`module.x["a"].`+base+".r[0]", k)
			c.Subtype = sub
			a := assess(t, policy.Default(), mkPlan([]plan.Change{c}))
			if a.Score < policy.DefaultThreshold {
				t.Errorf("one %s of %s: score %d", k, typ, a.Score)
			}
		}
	}
	// A policy's critical glob makes even a terraform_data critical.
	pol := mustPolicy(t, "critical:\n  - \"*terraform_data.primary*\"\n")
	for _, k := range []plan.Kind{plan.KindDelete, plan.KindReplace} {
		p := mkPlan([]plan.Change{mk(`module.db.terraform_data.primary["x"]`, k), mk("terraform_data.other", k)})
		a := assess(t, pol, p)
		if a.Score < policy.DefaultThreshold {
			t.Errorf("%s of a terraform_data the policy calls critical: score %d", k, a.Score)
		}
		if !a.Changes[0].Critical || a.Changes[0].Change.Address != `module.db.terraform_data.primary["x"]` {
			t.Errorf("the critical change is not ranked first: %+v", a.Changes[0])
		}
		if b := assess(t, policy.Default(), p); b.Score >= policy.DefaultThreshold {
			t.Errorf("without the policy the same plan scores %d: the test proves nothing", b.Score)
		}
	}
}

func mustPolicy(t testing.TB, text string) policy.Policy {
	t.Helper()
	p, err := policy.Parse("test.blast.yml", []byte(text), RuleIDs())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEnvironmentTeardownReachesThreshold(t *testing.T) {
	a := assess(t, fixturePolicy(t, "demo-teardown"), loadFixture(t, "demo-teardown"))
	if a.Score < policy.DefaultThreshold {
		t.Errorf("demo-teardown scores %d", a.Score)
	}
	if !hasFinding(a, RuleEnvironmentTeardown, "module.env") || !hasFinding(a, RuleEnvironmentTeardown, "") {
		t.Errorf("demo-teardown: no teardown finding for module.env and the whole configuration: %+v", a.Findings)
	}
	// Only cheap resources, so the finding alone must carry the score.
	for _, k := range []plan.Kind{plan.KindReplace, plan.KindDelete, plan.KindReplaceCBD} {
		var cs []plan.Change
		for i := 0; i < 10; i++ {
			kind := plan.KindNoOp
			if i < 7 {
				kind = k
			}
			cs = append(cs, mk(fmt.Sprintf("module.staging.terraform_data.r%d", i), kind))
		}
		// The rest of the configuration is large and untouched.
		var extra []string
		for i := 0; i < 40; i++ {
			extra = append(extra, fmt.Sprintf("module.prod.terraform_data.r%d", i))
		}
		a := assess(t, standIn(t, ""), mkPlan(cs, extra...))
		if a.Score < policy.DefaultThreshold {
			t.Errorf("7 of 10 resources of a module %s: score %d", k, a.Score)
		}
		if !hasFinding(a, RuleEnvironmentTeardown, "module.staging") {
			t.Errorf("7 of 10 resources of a module %s: no teardown finding: %+v", k, a.Findings)
		}
		if hasFinding(a, RuleEnvironmentTeardown, "") || hasFinding(a, RuleEnvironmentTeardown, "module.prod") {
			t.Errorf("teardown of the whole configuration or of module.prod reported: %+v", a.Findings)
		}
	}
	// Two of ten is not a teardown.
	var cs []plan.Change
	for i := 0; i < 10; i++ {
		kind := plan.KindNoOp
		if i < 2 {
			kind = plan.KindReplace
		}
		cs = append(cs, mk(fmt.Sprintf("module.staging.terraform_data.r%d", i), kind))
	}
	if a := assess(t, policy.Default(), mkPlan(cs)); len(a.Findings) != 0 || a.Score >= policy.DefaultThreshold {
		t.Errorf("2 of 10 replaced: score %d, findings %+v", a.Score, a.Findings)
	}
}

func hasFinding(a *Assessment, rule, addr string) bool {
	for _, f := range a.Findings {
		if f.Rule == rule && f.Address == addr {
			return true
		}
	}
	return false
}

// Random plans for the properties that must hold for every plan.

var randomTypes = []string{
	"terraform_data", "null_resource", "aws_instance", "aws_iam_role", "aws_vpc", "aws_lambda_function",
	"aws_cloudwatch_metric_alarm", "kubernetes_deployment", "aws_route53_record", "acme_widget",
	"aws_db_instance", "aws_s3_bucket", "aws_kms_key", "google_container_cluster", "aws_secretsmanager_secret",
	"aws_autoscaling_group", "aws_lb_target_group", "google_container_node_pool", "aws_lb_target_group_attachment",
}

var randomModules = []string{"", "", "module.a.", "module.b[0].", "module.b[1].", `module.c["x"].module.d.`}

var randomKinds = []plan.Kind{
	plan.KindCreate, plan.KindUpdate, plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD,
	plan.KindNoOp, plan.KindNoOp, plan.KindForget,
}

var randomReasons = []string{"", "", "replace_because_tainted", "replace_by_request", "replace_because_cannot_update",
	"delete_because_each_key", "delete_because_count_index", "delete_because_no_resource_config"}

type planGen struct {
	rng *rand.Rand
	n   int // resources made so far, for unique names
}

// resource returns a new resource address, mostly cheap types so that the
// score is not always at the cap.
func (g *planGen) resource() string {
	g.n++
	typ := randomTypes[g.rng.Intn(3)]
	if g.rng.Intn(4) == 0 {
		typ = randomTypes[g.rng.Intn(len(randomTypes))]
	}
	key := ""
	if g.rng.Intn(3) == 0 {
		key = fmt.Sprintf("[%d]", g.rng.Intn(3))
	}
	return fmt.Sprintf("%s%s.r%d%s", randomModules[g.rng.Intn(len(randomModules))], typ, g.n, key)
}

func (g *planGen) change(addr string, k plan.Kind) plan.Change {
	c := mk(addr, k)
	if k.Destructive() {
		c.Reason = randomReasons[g.rng.Intn(len(randomReasons))]
		if g.rng.Intn(4) == 0 {
			c.Unprotected = []string{"deletion_protection"}
		}
		if g.rng.Intn(4) == 0 {
			c.ForcedBy = []string{[]string{"tags", "name", "ami"}[g.rng.Intn(3)]}
		}
	}
	if k == plan.KindNoOp && g.rng.Intn(4) == 0 {
		c.MovedFrom = "terraform_data.old" + addr[len(addr)-1:]
	}
	return c
}

// plan is a random plan of n resources: changes of random kinds, some
// instances without a change, random prior_state depends_on.
func (g *planGen) plan(n int) *plan.Plan {
	var cs []plan.Change
	var extra []string
	for i := 0; i < n; i++ {
		addr := g.resource()
		if g.rng.Intn(5) == 0 {
			extra = append(extra, addr)
			continue
		}
		cs = append(cs, g.change(addr, randomKinds[g.rng.Intn(len(randomKinds))]))
	}
	p := mkPlan(cs, extra...)
	for _, a := range p.Instances {
		for j := g.rng.Intn(3); j > 0; j-- {
			if to := p.Instances[g.rng.Intn(len(p.Instances))]; to != a {
				dependsOn(p, a, to)
			}
		}
	}
	return p
}

func destroyed(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Kind.Destructive() {
			out = append(out, c.Address)
		}
	}
	return out
}

// grow applies one random change that must not lower the score: a new
// destructive change, an existing object destroyed, a new dependent of a
// destroyed resource, a new dependency edge onto one, or a new create.
func (g *planGen) grow(p *plan.Plan) (*plan.Plan, string) {
	q := clonePlan(p)
	destructive := []plan.Kind{plan.KindDelete, plan.KindReplace, plan.KindReplaceCBD}
	victims := destroyed(q)
	switch op := g.rng.Intn(6); {
	case op == 0 || len(victims) == 0:
		addr := g.resource()
		c := g.change(addr, destructive[g.rng.Intn(3)])
		addChange(q, c)
		if len(q.Instances) > 1 {
			for j := g.rng.Intn(3); j > 0; j-- {
				if other := q.Instances[g.rng.Intn(len(q.Instances))]; other != addr {
					if g.rng.Intn(2) == 0 {
						dependsOn(q, addr, other)
					} else {
						dependsOn(q, other, addr)
					}
				}
			}
		}
		return q, "new destructive change " + addr + " (" + string(c.Kind) + ")"
	case op == 1:
		// An object the plan keeps or updates is destroyed instead. Not
		// one it forgets: a forget of a critical or stateful object weighs
		// what its delete does (leaves-management), more than a
		// create-before-destroy replace, which at least keeps the object
		// under management, so forget -> replace is no added destruction.
		var cands []string
		changed := map[string]int{}
		for i, c := range q.Changes {
			changed[c.Address] = i
		}
		for _, a := range q.Instances {
			i, ok := changed[a]
			if !ok || (!q.Changes[i].Kind.Destructive() && q.Changes[i].Kind != plan.KindCreate && q.Changes[i].Kind != plan.KindForget && q.Changes[i].Mode == "managed") {
				cands = append(cands, a)
			}
		}
		if len(cands) == 0 {
			return g.grow(p)
		}
		a := cands[g.rng.Intn(len(cands))]
		k := destructive[g.rng.Intn(3)]
		c := g.change(a, k)
		if i, ok := changed[a]; ok {
			c.MovedFrom = q.Changes[i].MovedFrom
			q.Changes[i] = c
		} else {
			addChange(q, c)
		}
		return q, "existing " + a + " now " + string(k)
	case op == 2 || op == 3:
		// A new resource that depends on a destroyed one, of any kind. It
		// lives in the victim's module instance: prior_state's depends_on
		// has no instance keys and resolves within the dependent's own
		// module instance, as Terraform's references do, so only there is
		// it a dependent at all.
		to := victims[g.rng.Intn(len(victims))]
		addr := g.resource()
		if a, err := plan.ParseAddress(to); err == nil {
			r, _ := plan.ParseAddress(addr)
			r.Module = a.Module
			addr = r.String()
		}
		k := randomKinds[g.rng.Intn(len(randomKinds))]
		if g.rng.Intn(2) == 0 {
			addInstance(q, addr)
		} else {
			addChange(q, g.change(addr, k))
		}
		dependsOn(q, addr, to)
		return q, "new dependent " + addr + " of " + to
	case op == 4:
		from := q.Instances[g.rng.Intn(len(q.Instances))]
		to := victims[g.rng.Intn(len(victims))]
		if from == to {
			return g.grow(p)
		}
		dependsOn(q, from, to)
		return q, "existing " + from + " now depends on " + to
	default:
		addr := g.resource()
		addChange(q, g.change(addr, plan.KindCreate))
		return q, "new create " + addr
	}
}

// propertySeed is the seed of the random plans: 1, or BLAST_PROPERTY_SEED
// to search further (go test -run Never -count 1 with a new seed).
func propertySeed(t *testing.T) int64 {
	seed := int64(1)
	if s := os.Getenv("BLAST_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("BLAST_PROPERTY_SEED=%q", s)
		}
		seed = n
		t.Logf("seed %d", seed)
	}
	return seed
}

func TestMoreDestructionOrDependentsNeverLowerScore(t *testing.T) {
	g := &planGen{rng: rand.New(rand.NewSource(propertySeed(t)))}
	policies := []policy.Policy{policy.Default(), mustPolicy(t, `
critical: ["module.a.*", "*.r1*"]
weights:
  classes:
    compute: 0.95
    ephemeral: 0
  types:
    aws_vpc: 0.1
`)}
	iterations := 600
	if testing.Short() {
		iterations = 100
	}
	for it := 0; it < iterations; it++ {
		pol := policies[it%len(policies)]
		p := g.plan(1 + g.rng.Intn(25))
		before := assess(t, pol, p)
		for step := 0; step < 4; step++ {
			q, what := g.grow(p)
			after := assess(t, pol, q)
			if after.Score < before.Score || rawTotal(after) < rawTotal(before)-1e-9 {
				t.Fatalf("iteration %d step %d: %s lowers the score from %d (%.1f) to %d (%.1f)\nbefore:\n%s\nafter:\n%s",
					it, step, what, before.Score, rawTotal(before), after.Score, rawTotal(after), dump(before), dump(after))
			}
			p, before = q, after
		}
	}
}

func dump(a *Assessment) string {
	var b strings.Builder
	for _, cr := range a.Changes {
		fmt.Fprintf(&b, "  %-40s %-11s %5.1f %v\n", cr.Change.Key(), cr.Change.Kind, cr.Points, cr.Factors)
	}
	for _, f := range a.Findings {
		fmt.Fprintf(&b, "  finding %s %s %.1f: %s\n", f.Rule, f.Address, f.Points, f.Message)
	}
	for _, p := range a.Plans {
		fmt.Fprintf(&b, "  instances %v\n  depends_on %v\n", p.Instances, p.PriorDependsOn)
	}
	return b.String()
}

func TestCreateBeforeDestroyScoresBelowDestroyBeforeCreate(t *testing.T) {
	classes := catalog.Classes()
	for _, cl := range classes {
		typ := typesByClass[cl.Name]
		for _, variant := range []string{"plain", "dependents", "unprotected and accidental"} {
			risk := map[plan.Kind]float64{}
			score := map[plan.Kind]int{}
			for _, k := range []plan.Kind{plan.KindReplace, plan.KindReplaceCBD} {
				c := mk(typ+".main", k)
				var extra []string
				if variant == "unprotected and accidental" {
					c.Unprotected = []string{"force_destroy"}
					c.Reason = "delete_because_each_key"
				}
				p := mkPlan([]plan.Change{c, mk("aws_instance.app", plan.KindUpdate)}, "aws_instance.other")
				if variant == "dependents" {
					for i := 0; i < 3; i++ {
						extra = append(extra, fmt.Sprintf("aws_instance.dep%d", i))
					}
					p = mkPlan(p.Changes, append(extra, "aws_instance.other")...)
					for _, e := range extra {
						dependsOn(p, e, typ+".main")
					}
					dependsOn(p, "aws_instance.app", typ+".main")
				}
				a := assess(t, policy.Default(), p)
				for _, cr := range a.Changes {
					if cr.Change.Address == typ+".main" {
						risk[k] = cr.Points
					}
				}
				score[k] = a.Score
			}
			if risk[plan.KindReplaceCBD] >= risk[plan.KindReplace] {
				t.Errorf("%s (%s), %s: create-before-destroy %.1f, destroy-before-create %.1f", typ, cl.Name, variant,
					risk[plan.KindReplaceCBD], risk[plan.KindReplace])
			}
			if score[plan.KindReplaceCBD] > score[plan.KindReplace] {
				t.Errorf("%s (%s), %s: plan score %d with create-before-destroy, %d without", typ, cl.Name, variant,
					score[plan.KindReplaceCBD], score[plan.KindReplace])
			}
		}
	}
	// The real pair of fixtures: the same resource, with and without
	// create_before_destroy.
	cbd, dbc := assess(t, policy.Default(), loadFixture(t, "replace-cbd")), assess(t, policy.Default(), loadFixture(t, "replace"))
	if cbd.Changes[0].Points >= dbc.Changes[0].Points {
		t.Errorf("fixtures: replace-cbd %.1f, replace %.1f", cbd.Changes[0].Points, dbc.Changes[0].Points)
	}
}

// TestForgetMoveAndNoOpAddNothing: a forget of an object neither critical
// nor stateful, a move and a no-op add nothing. (A forget of a critical or
// stateful object reaches the threshold: TestLeavesManagement.)
func TestForgetMoveAndNoOpAddNothing(t *testing.T) {
	neutral := func(i int) []plan.Change {
		forget := mk(fmt.Sprintf("aws_instance.forgotten%d", i), plan.KindForget)
		moved := mk(fmt.Sprintf("module.new.aws_kms_key.moved%d", i), plan.KindNoOp)
		moved.MovedFrom = fmt.Sprintf("aws_kms_key.moved%d", i)
		noop := mk(fmt.Sprintf("aws_s3_bucket.same%d", i), plan.KindNoOp)
		imported := mk(fmt.Sprintf("aws_vpc.imported%d", i), plan.KindNoOp)
		imported.Imported = true
		return []plan.Change{forget, moved, noop, imported}
	}
	var cs []plan.Change
	for i := 0; i < 50; i++ {
		cs = append(cs, neutral(i)...)
	}
	p := mkPlan(cs)
	for i := 1; i < len(p.Instances); i++ {
		dependsOn(p, p.Instances[i], p.Instances[i-1])
	}
	a := assess(t, policy.Default(), p)
	if a.Score != 0 {
		t.Errorf("a plan of forgets, moves and no-ops scores %d", a.Score)
	}
	for _, cr := range a.Changes {
		if cr.Points != 0 {
			t.Errorf("%s (%s): %.1f points", cr.Change.Address, cr.Change.Kind, cr.Points)
		}
	}
	if len(a.Findings) != 0 {
		t.Errorf("findings: %+v", a.Findings)
	}
	// Added to a plan that scores, they change no change's risk and add no
	// points.
	g := &planGen{rng: rand.New(rand.NewSource(2))}
	for it := 0; it < 100; it++ {
		base := g.plan(1 + g.rng.Intn(15))
		before := assess(t, policy.Default(), base)
		q := clonePlan(base)
		for _, c := range neutral(it) {
			addChange(q, c)
		}
		after := assess(t, policy.Default(), q)
		if rawTotal(after) > rawTotal(before)+1e-9 {
			t.Fatalf("adding a forget, a move and no-ops raises the score from %.1f to %.1f\n%s\n%s", rawTotal(before), rawTotal(after), dump(before), dump(after))
		}
	}
	f := assess(t, policy.Default(), loadFixture(t, "forget"))
	for _, cr := range f.Changes {
		if cr.Change.Kind == plan.KindForget && cr.Points != 0 {
			t.Errorf("fixture forget: %s scores %.1f", cr.Change.Address, cr.Points)
		}
	}
	m := assess(t, policy.Default(), loadFixture(t, "moved"))
	for _, cr := range m.Changes {
		if cr.Change.Kind == plan.KindNoOp && cr.Points != 0 {
			t.Errorf("fixture moved: %s scores %.1f", cr.Change.Address, cr.Points)
		}
	}
}

type rankedChange struct {
	Plan    int
	Key     string
	Points  float64
	Factors []Factor
	Ignored string
}

func ranked(a *Assessment) []rankedChange {
	var out []rankedChange
	for _, cr := range a.Changes {
		out = append(out, rankedChange{cr.Plan, cr.Change.Key(), cr.Points, cr.Factors, cr.Ignored})
	}
	return out
}

func TestSamePlanSameScore(t *testing.T) {
	pol := mustPolicy(t, `
critical: ["module.b*"]
ignore:
  - kind: replace_cbd
    address: "module.a.*"
    reason: test
  - rule: trivial-replace
    reason: test
`)
	var plans []*plan.Plan
	for _, f := range fixtureNames(t) {
		plans = append(plans, loadFixture(t, f))
	}
	g := &planGen{rng: rand.New(rand.NewSource(3))}
	for i := 0; i < 50; i++ {
		plans = append(plans, g.plan(1+g.rng.Intn(40)))
	}
	rng := rand.New(rand.NewSource(4))
	for i, p := range plans {
		a := assess(t, pol, p)
		b := assess(t, pol, p)
		q := clonePlan(p)
		rng.Shuffle(len(q.Changes), func(i, j int) { q.Changes[i], q.Changes[j] = q.Changes[j], q.Changes[i] })
		rng.Shuffle(len(q.Instances), func(i, j int) { q.Instances[i], q.Instances[j] = q.Instances[j], q.Instances[i] })
		c := assess(t, pol, q)
		for _, other := range []*Assessment{b, c} {
			if other.Score != a.Score || !reflect.DeepEqual(ranked(other), ranked(a)) ||
				!reflect.DeepEqual(other.Findings, a.Findings) || !reflect.DeepEqual(other.Ignored, a.Ignored) {
				t.Errorf("plan %d (%s): a second assessment differs: score %d vs %d\n%s\n%s", i, p.Source, a.Score, other.Score, dump(a), dump(other))
			}
		}
	}
}

// The sum of many tenths must not depend on the order they are added in:
// 0.1 has no exact binary form, and a total of 49.5 that comes out as
// 49.499999 in one order would round to a different score.
func TestScoreDoesNotDependOnSummationOrder(t *testing.T) {
	// 99 updates of 1 point are capped; destructive tenths are not. Make a
	// total of x.5 from many tenths: replaces of terraform_data with one
	// changed dependent score 2.5 + 0.1 (1.5 x 0.05, rounded).
	for n := 1; n <= 60; n++ {
		var cs []plan.Change
		for i := 0; i < n; i++ {
			cs = append(cs, mk(fmt.Sprintf("terraform_data.r%03d", i), plan.KindReplaceCBD))
		}
		p := mkPlan(cs)
		a := assess(t, policy.Default(), p)
		q := clonePlan(p)
		for i, j := 0, len(q.Changes)-1; i < j; i, j = i+1, j-1 {
			q.Changes[i], q.Changes[j] = q.Changes[j], q.Changes[i]
		}
		if b := assess(t, policy.Default(), q); b.Score != a.Score {
			t.Errorf("%d changes: score %d in one order, %d in the other", n, a.Score, b.Score)
		}
	}
}

func TestEveryPointIsTraceable(t *testing.T) {
	// assess checks every assessment; here, plans made to stress it: many
	// updates over the cap, findings with points, several plans at once.
	var cs []plan.Change
	for i := 0; i < 30; i++ {
		cs = append(cs, mk(fmt.Sprintf("aws_instance.u%d", i), plan.KindUpdate))
	}
	for i := 0; i < 6; i++ {
		cs = append(cs, mk(fmt.Sprintf("module.env.terraform_data.r%d", i), plan.KindReplace))
	}
	p := mkPlan(cs)
	assess(t, policy.Default(), p, loadFixture(t, "demo-teardown"), loadFixture(t, "create"))
	if a := assess(t, policy.Default(), p); a.CappedPoints != 10 {
		t.Errorf("30 updates: CappedPoints %.1f, want 10", a.CappedPoints)
	}
	for _, f := range fixtureNames(t) {
		assess(t, policy.Default(), loadFixture(t, f))
	}
	g := &planGen{rng: rand.New(rand.NewSource(5))}
	for i := 0; i < 200; i++ {
		assess(t, policy.Default(), g.plan(1+g.rng.Intn(60)))
	}
	// The real corpus, when it is beside the repository.
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "plans", "*.json"))
	for _, f := range files {
		plans, err := planjson.Load(f, planjson.Options{})
		if err != nil {
			continue // the loader's tests judge bad inputs
		}
		assess(t, policy.Default(), plans...)
	}
}

func TestBlastRadiusFactor(t *testing.T) {
	// A vpc with 3 unchanged instances and 2 updated subnets depending on it.
	p := mkPlan([]plan.Change{
		mk("aws_vpc.main", plan.KindReplace),
		mk("aws_subnet.a", plan.KindUpdate),
		mk("aws_subnet.b", plan.KindUpdate),
	}, "aws_instance.x", "aws_instance.y", "aws_instance.z")
	for _, s := range []string{"aws_subnet.a", "aws_subnet.b"} {
		dependsOn(p, s, "aws_vpc.main")
	}
	for _, i := range []string{"aws_instance.x", "aws_instance.y", "aws_instance.z"} {
		dependsOn(p, i, "aws_subnet.a")
	}
	a := assess(t, policy.Default(), p)
	vpc := a.Changes[0]
	if vpc.Change.Address != "aws_vpc.main" {
		t.Fatalf("first change %s", vpc.Change.Address)
	}
	// 50 x 0.8 (network_core) + 2 x 1.5 x 0.8 (subnets) + 3 x 3 x 0.5 (instances)
	want := map[string]float64{"kind": 40, "blast-radius": 6.9}
	got := map[string]float64{}
	for _, f := range vpc.Factors {
		got[f.Name] = f.Points
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("factors %+v, want %v", vpc.Factors, want)
	}
	if vpc.Radius == nil || len(vpc.Radius.Changed) != 2 || len(vpc.Radius.Unchanged) != 3 {
		t.Errorf("radius %+v", vpc.Radius)
	}
	// The radius is capped.
	var extra []string
	for i := 0; i < 100; i++ {
		extra = append(extra, fmt.Sprintf("aws_db_instance.d%d", i))
	}
	p = mkPlan([]plan.Change{mk("terraform_data.hub", plan.KindDelete)}, extra...)
	for _, e := range extra {
		dependsOn(p, e, "terraform_data.hub")
	}
	a = assess(t, policy.Default(), p)
	for _, f := range a.Changes[0].Factors {
		if f.Name == "blast-radius" && f.Points != radiusCap {
			t.Errorf("100 dependents: blast-radius %.1f, want the cap %.0f", f.Points, radiusCap)
		}
	}
}

// The cases the random search found, pinned.
func TestTeardownSurvivesDependentsAndCreates(t *testing.T) {
	// 3 of 6 resources replaced: a teardown.
	var cs []plan.Change
	for i := 0; i < 6; i++ {
		k := plan.KindNoOp
		if i < 3 {
			k = plan.KindReplace
		}
		cs = append(cs, mk(fmt.Sprintf("module.env.terraform_data.r%d", i), k))
	}
	base := mkPlan(cs)
	a := assess(t, standIn(t, ""), base)
	if !hasFinding(a, RuleEnvironmentTeardown, "module.env") {
		t.Fatalf("3 of 6 replaced: no teardown: %+v", a.Findings)
	}
	// Four more resources that depend on a replaced one keep it a teardown.
	q := clonePlan(base)
	for i := 0; i < 4; i++ {
		addr := fmt.Sprintf("module.env.terraform_data.dep%d", i)
		addChange(q, mk(addr, []plan.Kind{plan.KindUpdate, plan.KindNoOp}[i%2]))
		dependsOn(q, addr, "module.env.terraform_data.r0")
	}
	b := assess(t, standIn(t, ""), q)
	if !hasFinding(b, RuleEnvironmentTeardown, "module.env") || b.Score < a.Score {
		t.Errorf("dependents of a replaced resource end the teardown: score %d -> %d, %+v", a.Score, b.Score, b.Findings)
	}
	if len(b.Findings) == 0 {
		t.FailNow()
	}
	if !strings.Contains(b.Findings[0].Message, "3 of 10 managed resources (30%) of") || !strings.Contains(b.Findings[0].Message, "4 more depend on what is destroyed") {
		t.Errorf("message %q", b.Findings[0].Message)
	}
	// New resources created beside it do not dilute it either.
	q = clonePlan(base)
	for i := 0; i < 20; i++ {
		addChange(q, mk(fmt.Sprintf("module.env.terraform_data.new%d", i), plan.KindCreate))
	}
	if b := assess(t, standIn(t, ""), q); !hasFinding(b, RuleEnvironmentTeardown, "module.env") {
		t.Errorf("20 creates end the teardown: %+v", b.Findings)
	}
	// But resources that do not depend on it do: 3 of 10 is not most.
	q = clonePlan(base)
	for i := 0; i < 4; i++ {
		addInstance(q, fmt.Sprintf("module.env.terraform_data.other%d", i))
	}
	if b := assess(t, standIn(t, ""), q); hasFinding(b, RuleEnvironmentTeardown, "module.env") {
		t.Errorf("3 of 10 replaced, no dependents: teardown %+v", b.Findings)
	}
	// A single replaced resource that everything depends on is not a
	// teardown, however many depend on it.
	hub := []plan.Change{mk("module.env.aws_iam_role.app", plan.KindReplace)}
	for i := 0; i < 10; i++ {
		hub = append(hub, mk(fmt.Sprintf("module.env.aws_instance.i%d", i), plan.KindUpdate))
	}
	p := mkPlan(hub)
	for _, c := range hub[1:] {
		dependsOn(p, c.Address, "module.env.aws_iam_role.app")
	}
	if b := assess(t, standIn(t, ""), p); hasFinding(b, RuleEnvironmentTeardown, "module.env") {
		t.Errorf("one replaced role with 10 dependents is called a teardown: %+v", b.Findings)
	}
}

func TestDestroyingADependentNeverLowersTheRadius(t *testing.T) {
	// 34 cheap deletes that one resource depends on: destroying it too must
	// not lower the score (it once counted half as a "changed" dependent).
	var cs []plan.Change
	for i := 0; i < 34; i++ {
		cs = append(cs, mk(fmt.Sprintf("terraform_data.d%02d", i), plan.KindDelete))
	}
	var extra []string
	for i := 0; i < 40; i++ {
		extra = append(extra, fmt.Sprintf("aws_instance.keep%02d", i))
	}
	p := mkPlan(cs, append(extra, "terraform_data.x")...)
	for _, c := range cs {
		dependsOn(p, "terraform_data.x", c.Address)
	}
	a := assess(t, policy.Default(), p)
	q := clonePlan(p)
	addChange(q, mk("terraform_data.x", plan.KindDelete))
	b := assess(t, policy.Default(), q)
	if rawTotal(b) < rawTotal(a) || b.Score < a.Score {
		t.Errorf("deleting the dependent lowers the score from %d (%.1f) to %d (%.1f)", a.Score, rawTotal(a), b.Score, rawTotal(b))
	}
	for _, cr := range b.Changes {
		if cr.Change.Address == "terraform_data.d00" {
			if d := cr.Factors[len(cr.Factors)-1]; d.Name != "blast-radius" || d.Detail != "1 dependent (1 destroyed too x 3.0, each times its weight)" {
				t.Errorf("factor %+v", d)
			}
		}
	}
}

// Creating a database before destroying the old one spares the downtime, not
// the data: an unprotected or plain stateful create-before-destroy replace
// needs sign-off on its own, and still scores below destroy-first.
func TestStatefulCreateBeforeDestroyReachesThreshold(t *testing.T) {
	for _, typ := range []string{"aws_db_instance", "aws_s3_bucket", "google_sql_database_instance", "aws_kms_key"} {
		cbd := assess(t, policy.Default(), mkPlan([]plan.Change{mk(typ+".main", plan.KindReplaceCBD)}))
		dbc := assess(t, policy.Default(), mkPlan([]plan.Change{mk(typ+".main", plan.KindReplace)}))
		if cbd.Score < policy.DefaultThreshold || cbd.Score >= dbc.Score {
			t.Errorf("%s: create-before-destroy %d, destroy-before-create %d", typ, cbd.Score, dbc.Score)
		}
	}
}

// The breakdown blast explain prints adds up to the score, and its graphs
// and radii are the ones the score was measured on.
func TestBreakdownAddsUpToTheScore(t *testing.T) {
	for _, name := range fixtureNames(t) {
		p := loadFixture(t, name)
		g := graph.Build(p)
		a := Assess([]*plan.Plan{p}, []*graph.Graph{g}, fixturePolicy(t, name), Options{})
		b := a.Breakdown
		if b.NonDestructive > b.Cap {
			t.Errorf("%s: creates and updates add %.1f, over the cap %.0f", name, b.NonDestructive, b.Cap)
		}
		if got := int(min(100, math.Floor((b.Destructive+b.NonDestructive+b.Findings)*10+5)/10)); got != a.Score {
			t.Errorf("%s: breakdown %+v adds up to %d, score %d", name, b, got, a.Score)
		}
		if len(a.Graphs) != 1 || a.Graphs[0] != g || len(a.Radii) != 1 {
			t.Errorf("%s: the assessment does not keep the caller's graph", name)
		}
		for _, cr := range a.Changes {
			if r, ok := a.Radii[0][cr.Change.Key()]; cr.Radius != nil && (!ok || r.Size() != cr.Radius.Size()) {
				t.Errorf("%s: %s: radius %v not in Radii", name, cr.Change.Address, cr.Radius)
			}
		}
	}
}
