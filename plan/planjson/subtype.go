package planjson

import (
	"strings"

	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// subtypeOf reads what a generic resource type manages, for the catalog:
// the `type` attribute of an azapi_resource ("Microsoft.Sql/servers/
// databases@2021-11-01", kept as microsoft.sql/servers/databases: Azure
// resource types are case-insensitive and the API version says nothing of
// what the object is) and the `manifest.kind` of a kubernetes_manifest
// (Namespace). It reads the after value, or the before value when there is
// no after (a delete) or it does not say (unknown until apply). The result
// goes in plan.Change.Subtype, which no report prints.
func subtypeOf(typ string, before, after []byte) string {
	var read func(v []byte) string
	switch typ {
	case "azapi_resource":
		read = func(v []byte) string {
			s, _ := memberString(v, "type")
			s, _, _ = strings.Cut(s, "@")
			return strings.ToLower(s)
		}
	case "kubernetes_manifest":
		read = func(v []byte) string {
			var kind string
			jsonscan.CanonMembers(v, func(key, val []byte) {
				if string(key) == "manifest" {
					kind, _ = memberString(val, "kind")
				}
			})
			return kind
		}
	default:
		return ""
	}
	if s := read(after); s != "" {
		return s
	}
	return read(before)
}

// memberString is the string value of a top-level member of a canonical
// object; ok is false when the value is no object or the member no string.
func memberString(v []byte, name string) (s string, ok bool) {
	if len(v) == 0 || v[0] != '{' {
		return "", false
	}
	jsonscan.CanonMembers(v, func(key, val []byte) {
		if string(key) == name && len(val) > 0 && val[0] == '"' {
			ok = decodeJSON(val, &s) == nil
		}
	})
	return s, ok
}
