package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// catalogEntries returns the non-comment lines of the embedded catalog.tsv
// split into type and class, read without the package's parser so that the
// format checks do not depend on the code they check.
func catalogEntries(t *testing.T) [][2]string {
	t.Helper()
	var out [][2]string
	for i, line := range strings.Split(catalogTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 2 || f[0] == "" || f[1] == "" {
			t.Fatalf("catalog.tsv line %d: want \"type<TAB>class\", got %q", i+1, line)
		}
		out = append(out, [2]string{f[0], f[1]})
	}
	if len(out) == 0 {
		t.Fatal("catalog.tsv has no entries")
	}
	return out
}

func TestCatalogSortedWithoutDuplicates(t *testing.T) {
	entries := catalogEntries(t)
	seen := map[string]bool{}
	for i, e := range entries {
		if seen[e[0]] {
			t.Errorf("duplicate type %q", e[0])
		}
		seen[e[0]] = true
		if i > 0 && entries[i-1][0] >= e[0] {
			t.Errorf("%q is out of order: it comes after %q", e[0], entries[i-1][0])
		}
	}
}

func TestCatalogClassesExist(t *testing.T) {
	used := map[string]int{}
	for _, e := range catalogEntries(t) {
		if _, ok := ClassByName(e[1]); !ok {
			t.Errorf("%s: unknown class %q", e[0], e[1])
		}
		used[e[1]]++
	}
	for _, c := range Classes() {
		if c.Name != defaultClass && used[c.Name] == 0 {
			t.Errorf("class %q has no entry in catalog.tsv", c.Name)
		}
	}
	if used[defaultClass] != 0 {
		t.Errorf("catalog.tsv lists %d types as %q: leave them out instead", used[defaultClass], defaultClass)
	}
}

func TestCatalogSize(t *testing.T) {
	exact := 0
	for _, e := range catalogEntries(t) {
		if !strings.HasSuffix(e[0], "*") {
			exact++
		}
	}
	if got := Size(); got != exact {
		t.Errorf("Size() = %d, catalog.tsv has %d exact entries", got, exact)
	}
	if Size() < 400 {
		t.Errorf("Size() = %d, want at least 400", Size())
	}
	for _, e := range catalogEntries(t) {
		if !strings.HasSuffix(e[0], "*") {
			if _, how, _ := Classify(e[0]); how != matchExact {
				t.Errorf("Classify(%q) matched %q, want exact", e[0], how)
			}
		}
	}
}

func TestCatalogClasses(t *testing.T) {
	classes := Classes()
	if !sort.SliceIsSorted(classes, func(i, j int) bool { return classes[i].Name < classes[j].Name }) {
		t.Error("Classes() is not sorted by name")
	}
	want := map[string]struct {
		weight   float64
		stateful bool
	}{
		"stateful_data":    {1.0, true},
		"encryption_key":   {1.0, true},
		"secret":           {0.8, true},
		"dns_zone":         {0.9, true},
		"dns_edge":         {0.6, false},
		"identity":         {0.7, false},
		"network_core":     {0.8, false},
		"compute":          {0.5, false},
		"cluster_capacity": {0.6, false},
		"cluster":          {0.9, false},
		"serverless":       {0.4, false},
		"storage_config":   {0.4, false},
		"observability":    {0.2, false},
		"ephemeral":        {0.05, false},
		"default":          {0.3, false},
	}
	for name, w := range want {
		c, ok := ClassByName(name)
		if !ok {
			t.Errorf("class %q is missing", name)
			continue
		}
		if c.Weight != w.weight || c.Stateful != w.stateful {
			t.Errorf("class %s: weight %v stateful %v, want %v %v", name, c.Weight, c.Stateful, w.weight, w.stateful)
		}
	}
	for _, c := range classes {
		if c.Weight < 0 || c.Weight > 1 {
			t.Errorf("class %s: weight %v outside 0..1", c.Name, c.Weight)
		}
		if c.Description == "" {
			t.Errorf("class %s has no description", c.Name)
		}
		if got, ok := ClassByName(c.Name); !ok || got != c {
			t.Errorf("ClassByName(%q) = %+v, %v; want %+v", c.Name, got, ok, c)
		}
	}
	if _, ok := ClassByName("no_such_class"); ok {
		t.Error(`ClassByName("no_such_class") found a class`)
	}
	// Classes returns a copy: callers cannot change the catalog.
	classes[0].Weight = 42
	if Classes()[0].Weight == 42 {
		t.Error("Classes() exposes the catalog's own slice")
	}
}

func TestCatalogClassify(t *testing.T) {
	tests := []struct {
		typ, class, how, rule string
	}{
		// Exact entries beat prefixes that also match.
		{"aws_db_instance", "stateful_data", "exact", ""},
		{"aws_db_parameter_group", "storage_config", "exact", ""},
		{"aws_iam_server_certificate", "dns_edge", "exact", ""},
		{"aws_rds_cluster_instance", "compute", "exact", ""},
		// The longest prefix wins.
		{"aws_db_proxy", "stateful_data", "prefix", "aws_db_*"},
		{"aws_ec2_transit_gateway_connect", "network_core", "prefix", "aws_ec2_transit_gateway_*"},
		{"aws_ec2_host", "compute", "prefix", "aws_ec2_*"},
		{"aws_cloudwatch_event_archive", "access_config", "prefix", "aws_cloudwatch_event_*"},
		{"aws_cloudwatch_query_definition", "observability", "prefix", "aws_cloudwatch_*"},
		{"aws_s3_bucket_inventory", "storage_config", "prefix", "aws_s3_bucket_*"},
		{"google_sql_source_representation_instance", "stateful_data", "prefix", "google_sql_*"},
		{"azurerm_mssql_elasticpool", "stateful_data", "prefix", "azurerm_mssql_*"},
		{"kubernetes_csi_driver_v1", "container_workload", "prefix", "kubernetes_*"},
		{"random_something_new", "ephemeral", "prefix", "random_*"},
		// Unknown types, and the type a prefix names without its suffix.
		{"acme_widget", "default", "default", ""},
		{"", "default", "default", ""},
		{"aws", "default", "default", ""},
		{"aws_", "default", "default", ""},
		{"kubernetes", "default", "default", ""},
		// Deliberate calls that a change to the catalog should not undo
		// silently.
		{"aws_cloudwatch_log_group", "observability", "exact", ""},
		{"aws_kms_alias", "access_config", "exact", ""},
		{"aws_ssm_parameter", "secret", "exact", ""},
		{"tls_private_key", "secret", "exact", ""},
		{"random_password", "ephemeral", "exact", ""},
		{"kubernetes_namespace", "account_scope", "exact", ""},
		{"azurerm_resource_group", "account_scope", "exact", ""},
		{"github_repository", "stateful_data", "exact", ""},
		{"aws_route53_zone", "dns_zone", "exact", ""},
		{"test_instance", "ephemeral", "exact", ""},
		{"tfcoremock_simple_resource", "ephemeral", "exact", ""},
	}
	for _, tt := range tests {
		c, how, rule := Classify(tt.typ)
		if c.Name != tt.class || how != tt.how || rule != tt.rule {
			t.Errorf("Classify(%q) = %s, %s, %q; want %s, %s, %q", tt.typ, c.Name, how, rule, tt.class, tt.how, tt.rule)
		}
	}
}

func TestParseCatalogLongestPrefix(t *testing.T) {
	classes := []Class{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: defaultClass}}
	c, err := parseCatalog("# rules\nx_*\ta\nx_y_*\tb\nx_y_z\tc\nx_y_z_*\td\n", classes)
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string][3]string{
		"x_q":     {"a", matchPrefix, "x_*"},
		"x_y_q":   {"b", matchPrefix, "x_y_*"},
		"x_y_z":   {"c", matchExact, ""},
		"x_y_zz":  {"b", matchPrefix, "x_y_*"},
		"x_y_z_q": {"d", matchPrefix, "x_y_z_*"},
		"x_y_":    {"b", matchPrefix, "x_y_*"},
		"x":       {defaultClass, matchDefault, ""},
		"y_x_":    {defaultClass, matchDefault, ""},
	} {
		cl, how, rule := c.classify(typ)
		if got := [3]string{cl.Name, how, rule}; got != want {
			t.Errorf("classify(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestParseCatalogRejects(t *testing.T) {
	classes := []Class{{Name: "a"}, {Name: defaultClass}}
	for name, data := range map[string]string{
		"unsorted":      "b\ta\na\ta\n",
		"duplicate":     "a\ta\na\ta\n",
		"unknown class": "a\tnope\n",
		"no tab":        "a a\n",
		"three fields":  "a\ta\ta\n",
		"empty class":   "a\t\n",
		"star inside":   "a*b\ta\n",
		"bare star":     "*\ta\n",
	} {
		if _, err := parseCatalog(data, classes); err == nil {
			t.Errorf("%s: parseCatalog(%q) accepted it", name, data)
		}
	}
	if _, err := parseCatalog("a\ta\n", []Class{{Name: "a"}}); err == nil {
		t.Error("parseCatalog accepted classes without a default class")
	}
	if _, err := parseCatalog("", []Class{{Name: "a"}, {Name: "a"}, {Name: defaultClass}}); err == nil {
		t.Error("parseCatalog accepted a class defined twice")
	}
	if _, err := parseCatalog("# only a comment\r\n\r\na\ta\r\n", classes); err != nil {
		t.Errorf("parseCatalog rejected CRLF line ends: %v", err)
	}
}

// TestCatalogCoversCorpus checks that every resource type in the shared
// corpus of real plans was classified deliberately, by an exact entry.
func TestCatalogCoversCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	var files []string
	for _, dir := range []string{"plans", "other"} {
		m, err := filepath.Glob(filepath.Join(root, dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no plans under %s", root)
	}
	types := map[string]string{} // type -> first file it was seen in
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pl struct {
			ResourceChanges []struct {
				Type string `json:"type"`
			} `json:"resource_changes"`
		}
		if err := json.Unmarshal(data, &pl); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, rc := range pl.ResourceChanges {
			if _, ok := types[rc.Type]; !ok {
				types[rc.Type] = filepath.Base(f)
			}
		}
	}
	if len(types) < 100 {
		t.Fatalf("found only %d resource types in %d corpus files: the corpus decoding is broken", len(types), len(files))
	}
	names := make([]string, 0, len(types))
	for typ := range types {
		names = append(names, typ)
	}
	sort.Strings(names)
	for _, typ := range names {
		if c, how, rule := Classify(typ); how != matchExact {
			t.Errorf("%s (in %s) is not in catalog.tsv: it matched %s %s -> %s", typ, types[typ], how, rule, c.Name)
		}
	}
	if !t.Failed() {
		t.Logf("%d corpus types from %d files, all exact", len(types), len(files))
	}
}

func TestCatalogConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, typ := range []string{"aws_s3_bucket", "aws_db_proxy", "nope"} {
				Classify(typ)
			}
			_ = Classes()
			_ = Size()
		}()
	}
	wg.Wait()
}

func BenchmarkCatalogParse(b *testing.B) {
	for b.Loop() {
		if _, err := parseCatalog(catalogTSV, builtinClasses); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCatalogClassify(b *testing.B) {
	types := []string{"aws_s3_bucket", "aws_db_proxy", "google_compute_packet_mirroring", "acme_widget"}
	for b.Loop() {
		for _, typ := range types {
			Classify(typ)
		}
	}
}
