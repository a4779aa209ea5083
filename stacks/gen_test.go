package stacks

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The generator of context states for the benchmarks: stacks of AWS-like
// resources with the attributes real state holds (ids, ARNs, tags and
// tags_all, nested blocks, policies as JSON strings), some of them
// referring to the identities of a planned stack. The same seed gives the
// same bytes.

// sharedIDs are the planned stack's identities that context stacks refer
// to: the first ones are what the benchmark's plan destroys.
func sharedIDs(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		switch i % 4 {
		case 0:
			out[i] = "vpc-" + hexID(r, 17)
		case 1:
			out[i] = "subnet-" + hexID(r, 17)
		case 2:
			out[i] = "sg-" + hexID(r, 17)
		default:
			out[i] = fmt.Sprintf("arn:aws:iam::123456789012:role/shared-%s", hexID(r, 8))
		}
	}
	return out
}

func hexID(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

type genResource struct {
	typ, name string
	attrs     map[string]any
}

// genStack makes the resources of context stack s: n instances in groups
// of ten types, about one in twenty holding one of shared.
func genStack(s, n int, shared []string) []genResource {
	r := rand.New(rand.NewPCG(uint64(s)+100, 7))
	ref := func(local string) string {
		if r.IntN(20) == 0 {
			return shared[r.IntN(len(shared))]
		}
		return local
	}
	tags := func(name string) map[string]any {
		return map[string]any{"Name": name, "team": "platform", "env": "production", "cost-center": fmt.Sprintf("cc-%04d", r.IntN(10000))}
	}
	arn := func(svc, kind, id string) string {
		return fmt.Sprintf("arn:aws:%s:eu-west-1:123456789012:%s/%s", svc, kind, id)
	}
	out := make([]genResource, 0, n)
	vpc := "vpc-" + hexID(r, 17)
	subnet := "subnet-" + hexID(r, 17)
	sg := "sg-" + hexID(r, 17)
	for i := 0; len(out) < n; i++ {
		name := fmt.Sprintf("r%d", i)
		id := hexID(r, 17)
		var g genResource
		switch i % 10 {
		case 0:
			vpc = "vpc-" + id
			g = genResource{"aws_vpc", name, map[string]any{"id": vpc, "arn": arn("ec2", "vpc", vpc), "cidr_block": "10.0.0.0/16",
				"enable_dns_support": true, "enable_dns_hostnames": true, "instance_tenancy": "default", "main_route_table_id": "rtb-" + hexID(r, 17),
				"default_security_group_id": "sg-" + hexID(r, 17), "owner_id": "123456789012", "tags": tags(name), "tags_all": tags(name)}}
		case 1:
			subnet = "subnet-" + id
			g = genResource{"aws_subnet", name, map[string]any{"id": subnet, "arn": arn("ec2", "subnet", subnet), "vpc_id": ref(vpc),
				"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a", "availability_zone_id": "euw1-az1", "map_public_ip_on_launch": false,
				"owner_id": "123456789012", "tags": tags(name), "tags_all": tags(name)}}
		case 2:
			sg = "sg-" + id
			g = genResource{"aws_security_group", name, map[string]any{"id": sg, "arn": arn("ec2", "security-group", sg), "vpc_id": ref(vpc),
				"name": "sg-" + name, "description": "Managed by Terraform", "revoke_rules_on_delete": false,
				"ingress": []any{
					map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8"}, "security_groups": []any{ref(sg)}, "self": false, "description": ""},
					map[string]any{"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": []any{}, "security_groups": []any{ref(sg), "sg-" + hexID(r, 17)}, "self": false, "description": "db"},
				},
				"egress":   []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}, "security_groups": []any{}, "self": false, "description": ""}},
				"owner_id": "123456789012", "tags": tags(name), "tags_all": tags(name)}}
		case 3:
			g = genResource{"aws_instance", name, map[string]any{"id": "i-" + id, "arn": arn("ec2", "instance", "i-"+id), "ami": "ami-" + hexID(r, 17),
				"instance_type": "m6i.large", "subnet_id": ref(subnet), "vpc_security_group_ids": []any{ref(sg)}, "availability_zone": "eu-west-1a",
				"private_ip": "10.0.1.23", "private_dns": "ip-10-0-1-23.eu-west-1.compute.internal", "key_name": "deploy", "monitoring": true,
				"iam_instance_profile": "app-profile", "user_data": hexID(r, 40), "ebs_optimized": true,
				"root_block_device": []any{map[string]any{"volume_id": "vol-" + hexID(r, 17), "volume_size": 50, "volume_type": "gp3", "encrypted": true,
					"kms_key_id": arn("kms", "key", hexID(r, 32)), "delete_on_termination": true, "iops": 3000, "throughput": 125}},
				"metadata_options": []any{map[string]any{"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}},
				"tags":             tags(name), "tags_all": tags(name)}}
		case 4:
			role := "role-" + name
			policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow",
				"Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}})
			g = genResource{"aws_iam_role", name, map[string]any{"id": role, "arn": "arn:aws:iam::123456789012:role/" + role, "name": role,
				"unique_id": "AROA" + hexID(r, 17), "assume_role_policy": string(policy), "max_session_duration": 3600, "path": "/",
				"managed_policy_arns": []any{"arn:aws:iam::aws:policy/ReadOnlyAccess", ref("arn:aws:iam::123456789012:policy/p-" + name)},
				"tags":                tags(name), "tags_all": tags(name)}}
		case 5:
			bucket := fmt.Sprintf("org-%d-%s", s, name)
			g = genResource{"aws_s3_bucket", name, map[string]any{"id": bucket, "arn": "arn:aws:s3:::" + bucket, "bucket": bucket,
				"bucket_domain_name": bucket + ".s3.amazonaws.com", "bucket_regional_domain_name": bucket + ".s3.eu-west-1.amazonaws.com",
				"hosted_zone_id": "Z1BKCTXD74EZPE", "region": "eu-west-1", "force_destroy": false, "object_lock_enabled": false,
				"versioning": []any{map[string]any{"enabled": true, "mfa_delete": false}}, "tags": tags(name), "tags_all": tags(name)}}
		case 6:
			g = genResource{"aws_route53_record", name, map[string]any{"id": "Z0" + hexID(r, 12) + "_" + name + ".example.com_A", "zone_id": ref("Z0" + hexID(r, 12)),
				"name": name + ".example.com", "type": "A", "ttl": 300, "records": []any{"10.0.1.23"}, "fqdn": name + ".example.com",
				"allow_overwrite": nil, "health_check_id": ""}}
		case 7:
			db := "db-" + name
			g = genResource{"aws_db_instance", name, map[string]any{"id": db, "arn": arn("rds", "db", db), "identifier": db, "engine": "postgres",
				"engine_version": "16.3", "instance_class": "db.r6g.large", "allocated_storage": 100, "db_subnet_group_name": ref("dbsubnet-" + name),
				"vpc_security_group_ids": []any{ref(sg)}, "endpoint": db + ".c9akciq32.eu-west-1.rds.amazonaws.com:5432",
				"address": db + ".c9akciq32.eu-west-1.rds.amazonaws.com", "port": 5432, "username": "app", "deletion_protection": true,
				"skip_final_snapshot": false, "backup_retention_period": 7, "storage_encrypted": true, "kms_key_id": arn("kms", "key", hexID(r, 32)),
				"resource_id": "db-" + hexID(r, 26), "tags": tags(name), "tags_all": tags(name)}}
		case 8:
			fn := "fn-" + name
			g = genResource{"aws_lambda_function", name, map[string]any{"id": fn, "arn": arn("lambda", "function", fn), "function_name": fn,
				"role": ref("arn:aws:iam::123456789012:role/role-" + name), "handler": "main.handler", "runtime": "python3.12", "memory_size": 256,
				"timeout": 30, "source_code_hash": hexID(r, 44), "invoke_arn": arn("apigateway", "path", fn),
				"vpc_config":  []any{map[string]any{"subnet_ids": []any{ref(subnet)}, "security_group_ids": []any{ref(sg)}, "vpc_id": ref(vpc)}},
				"environment": []any{map[string]any{"variables": map[string]any{"TABLE": "orders", "STAGE": "production"}}},
				"tags":        tags(name), "tags_all": tags(name)}}
		default:
			g = genResource{"aws_security_group_rule", name, map[string]any{"id": "sgrule-" + hexID(r, 10), "security_group_id": ref(sg),
				"source_security_group_id": ref(sg), "type": "ingress", "from_port": 8080, "to_port": 8080, "protocol": "tcp",
				"cidr_blocks": nil, "self": false, "description": "app"}}
		}
		out = append(out, g)
	}
	return out
}

// writeRawState writes resources as `terraform state pull` does: indented,
// version 4, one instance per resource.
func writeRawState(path string, res []genResource) error {
	type instance struct {
		SchemaVersion int            `json:"schema_version"`
		Attributes    map[string]any `json:"attributes"`
		Sensitive     []any          `json:"sensitive_attributes"`
		Dependencies  []string       `json:"dependencies,omitempty"`
	}
	type resource struct {
		Mode      string     `json:"mode"`
		Type      string     `json:"type"`
		Name      string     `json:"name"`
		Provider  string     `json:"provider"`
		Instances []instance `json:"instances"`
	}
	doc := struct {
		Version          int        `json:"version"`
		TerraformVersion string     `json:"terraform_version"`
		Serial           int        `json:"serial"`
		Lineage          string     `json:"lineage"`
		Outputs          struct{}   `json:"outputs"`
		Resources        []resource `json:"resources"`
		CheckResults     any        `json:"check_results"`
	}{Version: 4, TerraformVersion: "1.11.4", Serial: 42, Lineage: "00000000-0000-0000-0000-000000000000"}
	for _, g := range res {
		doc.Resources = append(doc.Resources, resource{Mode: "managed", Type: g.typ, Name: g.name,
			Provider:  `provider["registry.terraform.io/hashicorp/aws"]`,
			Instances: []instance{{Attributes: g.attrs, Sensitive: []any{}}}})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// writeShowJSON writes resources as `terraform show -json` does: compact.
func writeShowJSON(path string, res []genResource) error {
	var rs []map[string]any
	for _, g := range res {
		rs = append(rs, map[string]any{"address": g.typ + "." + g.name, "mode": "managed", "type": g.typ, "name": g.name,
			"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": g.attrs, "sensitive_values": map[string]any{}})
	}
	b, err := json.Marshal(map[string]any{"format_version": "1.0", "terraform_version": "1.11.4",
		"values": map[string]any{"root_module": map[string]any{"resources": rs}}})
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// genContext writes stacks context states of n resources each into dir:
// even stacks as raw state, odd ones as terraform show -json.
func genContext(dir string, stacks, n int) error {
	shared := sharedIDs(400)
	for s := range stacks {
		res := genStack(s, n, shared)
		var err error
		if s%2 == 0 {
			err = writeRawState(filepath.Join(dir, fmt.Sprintf("stack-%02d.tfstate", s)), res)
		} else {
			err = writeShowJSON(filepath.Join(dir, fmt.Sprintf("stack-%02d.json", s)), res)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TestGenerateContext writes the benchmark's context states into
// $BLAST_CONTEXT_DIR, for measuring a run with /usr/bin/time (see
// BENCHMARKS.md). Without the variable it only checks the generator.
func TestGenerateContext(t *testing.T) {
	dir := os.Getenv("BLAST_CONTEXT_DIR")
	stacks, n := 50, 5000
	if dir == "" {
		dir, stacks, n = t.TempDir(), 2, 50
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := genContext(dir, stacks, n); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != stacks || len(loaded[0].Resources) != n || len(loaded[1].Resources) != n {
		t.Fatalf("%d stacks, want %d of %d resources", len(loaded), stacks, n)
	}
}
