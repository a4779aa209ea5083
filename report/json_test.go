package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// A plan that destroys more than the report lists: the JSON keeps the
// riskiest changes and most severe findings, and says how many it left out.
func TestJSONListsAreBounded(t *testing.T) {
	r := &Report{Version: SchemaVersion}
	for i := range MaxListedChanges + 7 {
		r.Changes = append(r.Changes, Change{Address: fmt.Sprintf("aws_s3_bucket.b%05d", i)})
	}
	for i := range MaxListedFindings + 3 {
		r.Findings = append(r.Findings, Finding{Address: fmt.Sprintf("aws_s3_bucket.b%05d", i)})
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Changes  []Change
		Findings []Finding
		Omitted  *Omitted
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Changes) != MaxListedChanges || len(got.Findings) != MaxListedFindings {
		t.Errorf("listed %d changes and %d findings, want %d and %d", len(got.Changes), len(got.Findings), MaxListedChanges, MaxListedFindings)
	}
	if got.Omitted == nil || *got.Omitted != (Omitted{Changes: 7, Findings: 3}) {
		t.Errorf("omitted %+v, want 7 changes and 3 findings", got.Omitted)
	}
	if got.Changes[0].Address != "aws_s3_bucket.b00000" {
		t.Errorf("the first (riskiest) change was not kept: %s", got.Changes[0].Address)
	}
	if len(r.Changes) != MaxListedChanges+7 {
		t.Error("writing the JSON cut the report itself")
	}
	buf.Reset()
	r.Changes, r.Findings = r.Changes[:2], r.Findings[:1]
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`"omitted"`)) {
		t.Error("a report that lists everything says omitted")
	}
}
