package planjson

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// TestFixturesClassify pins what Terraform planned in each fixture, as its
// README says, so a classifier change that misreads a real plan fails here.
func TestFixturesClassify(t *testing.T) {
	type want struct {
		kind      plan.Kind
		reason    string
		forcedBy  string
		movedFrom string
	}
	cases := map[string]map[string]want{
		"create":  {"terraform_data.vpc": {kind: plan.KindCreate}, "terraform_data.database": {kind: plan.KindCreate}},
		"update":  {"terraform_data.database": {kind: plan.KindUpdate}, "terraform_data.app_server": {kind: plan.KindNoOp}},
		"delete":  {"terraform_data.cache": {kind: plan.KindDelete, reason: "delete_because_no_resource_config"}},
		"replace": {"terraform_data.database": {kind: plan.KindReplace, reason: "replace_because_cannot_update", forcedBy: "triggers_replace"}},
		"replace-cbd": {"terraform_data.database": {kind: plan.KindReplaceCBD, reason: "replace_because_cannot_update", forcedBy: "triggers_replace"},
			"terraform_data.app_server": {kind: plan.KindUpdate}},
		"tainted":           {"terraform_data.app_server": {kind: plan.KindReplace, reason: "replace_because_tainted"}},
		"replace-requested": {"terraform_data.load_balancer": {kind: plan.KindReplace, reason: "replace_by_request"}},
		"count-shrink": {"terraform_data.worker[1]": {kind: plan.KindDelete, reason: "delete_because_count_index"},
			"terraform_data.worker[2]": {kind: plan.KindDelete, reason: "delete_because_count_index"},
			"terraform_data.worker[0]": {kind: plan.KindNoOp}},
		"for-each-key": {`terraform_data.database_replica["us-east"]`: {kind: plan.KindDelete, reason: "delete_because_each_key"},
			`terraform_data.database_replica["us-east-1"]`: {kind: plan.KindCreate}},
		"moved": {"terraform_data.database": {kind: plan.KindNoOp, movedFrom: "terraform_data.db"},
			"module.cache.terraform_data.this": {kind: plan.KindNoOp, movedFrom: "terraform_data.cache"}},
		"forget":         {"terraform_data.legacy_queue": {kind: plan.KindForget}, "terraform_data.legacy_worker": {kind: plan.KindDelete}},
		"nested-modules": {`module.app[1].module.db["primary"].terraform_data.instance`: {kind: plan.KindReplace, forcedBy: "triggers_replace"}},
		"demo-teardown": {"module.env.terraform_data.database": {kind: plan.KindReplace, forcedBy: "triggers_replace"},
			"module.env.terraform_data.assets_bucket": {kind: plan.KindUpdate}},
	}
	for name, changes := range cases {
		t.Run(name, func(t *testing.T) {
			plans, err := Load(filepath.Join("..", "..", "fixtures", name, "plan.json"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]plan.Change{}
			for _, c := range plans[0].Changes {
				got[c.Key()] = c
			}
			for addr, w := range changes {
				c, ok := got[addr]
				if !ok {
					t.Errorf("%s: not in the plan", addr)
					continue
				}
				if c.Kind != w.kind || (w.reason != "" && c.Reason != w.reason) || c.MovedFrom != w.movedFrom {
					t.Errorf("%s: kind %s reason %q moved from %q; want %s %q %q", addr, c.Kind, c.Reason, c.MovedFrom, w.kind, w.reason, w.movedFrom)
				}
				if w.forcedBy != "" && (len(c.ForcedBy) != 1 || c.ForcedBy[0] != w.forcedBy) {
					t.Errorf("%s: forced by %v, want %s", addr, c.ForcedBy, w.forcedBy)
				}
			}
		})
	}
}

func TestClassifyActions(t *testing.T) {
	for actions, want := range map[string]plan.Kind{
		"no-op": plan.KindNoOp, "create": plan.KindCreate, "read": plan.KindRead, "update": plan.KindUpdate, "delete": plan.KindDelete,
		"delete,create": plan.KindReplace, "create,delete": plan.KindReplaceCBD, "forget": plan.KindForget,
	} {
		got, ok := plan.Classify(strings.Split(actions, ","))
		if !ok || got != want {
			t.Errorf("%s: got %s %v, want %s", actions, got, ok, want)
		}
	}
	for _, bad := range []string{"", "explode", "delete,delete", "update,create", "create,create"} {
		if k, ok := plan.Classify(strings.Split(bad, ",")); ok {
			t.Errorf("%q: classified as %s, want unknown", bad, k)
		}
	}
}
