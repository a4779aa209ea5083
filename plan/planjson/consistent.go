package planjson

import (
	"fmt"
	"strings"

	"github.com/blast-dev/blast/plan"
)

// A resource change names its resource twice: in its address and in the
// fields mode, type, name, module_address, and it names the provider that
// manages it. blast scores by the fields, Terraform applies by the address;
// Terraform writes them from one value, so they always agree, and a plan
// where they do not (aws_db_instance.x with type null_resource, to be scored
// as the harmless null_resource) is edited by hand or forged: it is refused,
// not believed.

// providerAliases maps provider types to the type prefix of the resources
// they serve, where the two differ.
var providerAliases = map[string]string{
	// hashicorp/google-beta serves the google_* types.
	"google-beta": "google",
}

// checkConsistent refuses a change whose fields disagree with its parsed
// address addr (the zero Address when the address does not parse, which
// only hand-made plans have and which is then not checked), or whose
// provider does not fit its type.
func checkConsistent(rc *rawChange, address string, addr plan.Address) error {
	if addr.Type != "" {
		for _, f := range []struct {
			field, got string
			ok         bool
		}{
			{"type", rc.typ, rc.typ == addr.Type},
			{"name", rc.name, rc.name == addr.Name},
			{"mode", rc.mode, rc.mode == addr.Mode},
			{"module_address", rc.module, addr.IsModulePath(rc.module)},
		} {
			// An absent field is not a contradiction: old plans have no
			// mode, and Terraform 0.12 no module_address in the root.
			if f.got != "" && !f.ok {
				return fmt.Errorf("%s: %s %q does not match the address", address, f.field, f.got)
			}
		}
		if rc.module == "" && len(addr.Module) > 0 && rc.typ != "" {
			return fmt.Errorf("%s: no module_address for an address in a module", address)
		}
	}
	if rc.provider != "" && rc.typ != "" && !providerFits(rc.provider, rc.typ) {
		return fmt.Errorf("%s: provider %q does not fit the type %q", address, rc.provider, rc.typ)
	}
	return nil
}

// providerFits reports whether the provider can manage resources of the
// type. Terraform finds a resource's provider by the type's prefix, before
// the first underscore (aws_instance: aws); the provider meta-argument can
// pick another configuration, of the same provider type. The provider's
// type is the last part of its address (registry.terraform.io/hashicorp/aws,
// registry.opentofu.org/hashicorp/aws, and plain aws in Terraform 0.12
// plans), built-in terraform_data and terraform_remote_state are
// terraform.io/builtin/terraform's. A provider installed under another
// local name (aws = { source = "example/awsfork" }) is refused: it is rare,
// and the plan JSON does not say, in the change, which local name was used.
func providerFits(provider, typ string) bool {
	ptype := strings.ToLower(provider[strings.LastIndexByte(provider, '/')+1:])
	// Terraform 0.12 wrote provider.aws, module.m.provider.aws or an alias
	// as aws.east in some places: the type is what comes before the alias.
	if i := strings.LastIndex(ptype, "provider."); i >= 0 {
		ptype = ptype[i+len("provider."):]
	}
	if i := strings.IndexByte(ptype, '.'); i >= 0 {
		ptype = ptype[:i]
	}
	if a, ok := providerAliases[ptype]; ok {
		ptype = a
	}
	prefix, _, _ := strings.Cut(strings.ToLower(typ), "_")
	return prefix == ptype
}
