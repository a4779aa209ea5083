package planjson

import (
	"encoding/json"
	"slices"
	"strconv"
)

// weakenings are the protections an in-place update can remove and the
// retention it can shorten: data loss prepared by an update that the next
// delete, expiry run or key rotation completes. Each compares one top-level
// attribute of the before and after values, and only its name is kept
// (plan.Change.Weakened), never a value. A check with types applies to
// those resource types only: its attribute means something else elsewhere.
//
// The attributes are those of the providers' documented schemas:
// deletion_protection (aws_db_instance, aws_rds_cluster, aws_lb,
// google_sql_database_instance, google_container_cluster, ...),
// deletion_protection_enabled (aws_dynamodb_table), skip_final_snapshot
// (aws_db_instance, aws_rds_cluster, aws_redshift_cluster), force_destroy
// (aws_s3_bucket, google_storage_bucket), force_delete (aws_ecr_repository),
// backup_retention_period (aws_db_instance, aws_rds_cluster, aws_docdb_cluster,
// aws_neptune_cluster), versioning_configuration.status
// (aws_s3_bucket_versioning), versioning.enabled (aws_s3_bucket before
// provider 4, google_storage_bucket), rule.expiration.days and
// rule.noncurrent_version_expiration.noncurrent_days
// (aws_s3_bucket_lifecycle_configuration), lifecycle_rule.expiration.days
// and noncurrent_version_expiration.days (aws_s3_bucket before provider 4),
// is_enabled and deletion_window_in_days (aws_kms_key), state
// (google_kms_crypto_key_version), point_in_time_recovery.enabled
// (aws_dynamodb_table), settings.backup_configuration.enabled
// (google_sql_database_instance), purge_protection_enabled and
// soft_delete_retention_days (azurerm_key_vault).
var weakenings = []struct {
	name   string
	attr   string
	types  []string // nil: any type
	weaker func(before, after any) bool
}{
	{"deletion_protection_disabled", "deletion_protection", nil, turnedOff},
	{"deletion_protection_disabled", "deletion_protection_enabled", nil, turnedOff},
	{"final_snapshot_skipped", "skip_final_snapshot", nil, turnedOn},
	{"force_destroy_enabled", "force_destroy", nil, turnedOn},
	{"force_delete_enabled", "force_delete", nil, turnedOn},
	{"backup_retention_shortened", "backup_retention_period", nil, decreased},
	{"versioning_suspended", "versioning_configuration", nil, inBlock("status", func(b, a any) bool {
		return b == "Enabled" && a != nil && a != "Enabled"
	})},
	{"versioning_suspended", "versioning", nil, inBlock("enabled", turnedOff)},
	{"expiration_shortened", "rule", nil, expiryShortened},
	{"expiration_shortened", "lifecycle_rule", nil, expiryShortened},
	{"key_disabled", "is_enabled", []string{"aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"}, turnedOff},
	{"key_deletion_window_shortened", "deletion_window_in_days", nil, decreased},
	{"key_disabled", "state", []string{"google_kms_crypto_key_version"}, func(b, a any) bool {
		return b == "ENABLED" && a != nil && a != "ENABLED"
	}},
	{"point_in_time_recovery_disabled", "point_in_time_recovery", nil, inBlock("enabled", turnedOff)},
	{"backups_disabled", "settings", []string{"google_sql_database_instance"}, inBlock("backup_configuration", inBlock("enabled", turnedOff))},
	{"purge_protection_disabled", "purge_protection_enabled", nil, turnedOff},
	{"soft_delete_retention_shortened", "soft_delete_retention_days", nil, decreased},
}

func turnedOff(b, a any) bool { return isTrue(b) && isFalse(a) }
func turnedOn(b, a any) bool  { return isFalse(b) && isTrue(a) }

// decreased: both known numbers, the after one smaller. A value unknown
// until apply is null in after, so it is no decrease.
func decreased(b, a any) bool {
	bn, ok1 := number(b)
	an, ok2 := number(a)
	return ok1 && ok2 && an < bn
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// inBlock applies a check to an attribute of a nested block of one element
// (versioning.0.enabled): the first element before against the first after.
func inBlock(attr string, weaker func(b, a any) bool) func(b, a any) bool {
	return func(b, a any) bool {
		bo, ao := objects(b), objects(a)
		if len(bo) == 0 || len(ao) == 0 {
			return false
		}
		return weaker(bo[0][attr], ao[0][attr])
	}
}

// expiryShortened compares the lifecycle rules of an S3 bucket: a rule that
// is enabled after the update and expires objects (or their noncurrent
// versions) sooner than the same rule did, or where it expired none. Rules
// are matched by their id, by position when they have none.
func expiryShortened(b, a any) bool {
	before := map[string]map[string]any{}
	for i, r := range objects(b) {
		before[ruleKey(r, i)] = r
	}
	for i, r := range objects(a) {
		if !ruleEnabled(r) {
			continue
		}
		old := before[ruleKey(r, i)]
		if old != nil && !ruleEnabled(old) {
			old = nil
		}
		for _, e := range []struct{ block, attr string }{
			{"expiration", "days"}, {"noncurrent_version_expiration", "noncurrent_days"}, {"noncurrent_version_expiration", "days"},
		} {
			days, ok := blockNumber(r, e.block, e.attr)
			if !ok || days <= 0 {
				continue
			}
			if was, ok := blockNumber(old, e.block, e.attr); !ok || was <= 0 || days < was {
				return true
			}
		}
	}
	return false
}

func ruleKey(r map[string]any, i int) string {
	if id, ok := r["id"].(string); ok && id != "" {
		return "id:" + id
	}
	return "#" + strconv.Itoa(i)
}

// ruleEnabled: status "Enabled" (aws_s3_bucket_lifecycle_configuration) or
// enabled true (aws_s3_bucket's lifecycle_rule); a rule that says neither
// counts as enabled.
func ruleEnabled(r map[string]any) bool {
	if s, ok := r["status"].(string); ok {
		return s == "Enabled"
	}
	if e, ok := r["enabled"].(bool); ok {
		return e
	}
	return true
}

func blockNumber(r map[string]any, block, attr string) (float64, bool) {
	if r == nil {
		return 0, false
	}
	for _, o := range objects(r[block]) {
		if n, ok := number(o[attr]); ok {
			return n, true
		}
	}
	return 0, false
}

// weakenedCanon names the protections an update of a resource of type typ
// removes, comparing the canonical before and after values: it decodes only
// the members the checks read.
func weakenedCanon(typ string, before, after []byte) []string {
	var out []string
	bv, av := weakeningMembers(typ, before), weakeningMembers(typ, after)
	if bv == nil || av == nil {
		return nil
	}
	for _, w := range weakenings {
		if w.types != nil && !slices.Contains(w.types, typ) {
			continue
		}
		if w.weaker(bv[w.attr], av[w.attr]) && !slices.Contains(out, w.name) {
			out = append(out, w.name)
		}
	}
	return out
}

// weakeningMembers decodes the top-level members of a canonical object that
// the checks for typ read; nil when the value is no object or has none.
func weakeningMembers(typ string, v []byte) map[string]any {
	return decodeMembers(v, func(key []byte) bool {
		for _, w := range weakenings {
			if string(key) == w.attr && (w.types == nil || slices.Contains(w.types, typ)) {
				return true
			}
		}
		return false
	})
}
