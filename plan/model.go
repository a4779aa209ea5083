package plan

import "strings"

// Kind is what a resource change does to real infrastructure, as blast judges it.
type Kind string

// The kinds of change. Every resource change is exactly one of these.
const (
	KindCreate     Kind = "create"
	KindUpdate     Kind = "update"
	KindDelete     Kind = "delete"
	KindReplace    Kind = "replace"     // destroy, then create
	KindReplaceCBD Kind = "replace_cbd" // create, then destroy
	KindRead       Kind = "read"
	KindNoOp       Kind = "no_op"
	KindForget     Kind = "forget" // a removed block that keeps the real object
)

// Kinds lists every kind in the order reports show them.
var Kinds = []Kind{KindDelete, KindReplace, KindReplaceCBD, KindUpdate, KindCreate, KindForget, KindRead, KindNoOp}

// Destructive reports whether the kind destroys a real object.
func (k Kind) Destructive() bool {
	return k == KindDelete || k == KindReplace || k == KindReplaceCBD
}

// Change is one resource change of a plan. It holds addresses, types and
// attribute paths only: never an attribute value.
type Change struct {
	Address   string   // full instance address, e.g. module.app[2].aws_instance.web["a"]
	Mode      string   // "managed" or "data"
	Type      string   // resource type, e.g. aws_instance
	Name      string   // resource name, e.g. web
	Module    string   // module instance address, "" for the root module
	Provider  string   // provider address as the plan gives it
	Kind      Kind     // what the change does
	Actions   []string // Terraform's own actions, in order
	Reason    string   // Terraform's action_reason, "" when none
	ForcedBy  []string // replace_paths rendered as attribute paths
	MovedFrom string   // previous_address, "" when not moved
	Imported  bool     // the change imports an existing object
	Deposed   string   // deposed object key, "" for the current object

	// Addr is Address parsed, once, by the loader, so that no later step
	// parses it again. Its Type is "" when the address does not parse, which
	// only hand-made plans do.
	Addr Address

	// Unprotected names the attributes of the prior object that show it is not
	// protected against deletion (deletion_protection off, force_destroy on, ...).
	Unprotected []string

	// DiesWith names what the prior object takes with it when it is
	// destroyed, such as os_disk_deleted_with_vm: conditions read from the
	// before value (dieswith.go in planjson), never the values themselves.
	DiesWith []string

	// Weakened names the protections an in-place update removes or the
	// retention it shortens, such as deletion_protection_disabled: compared
	// from the before and after values (weakened.go in planjson), never
	// the values themselves. Updates only.
	Weakened []string

	// Subtype is what a generic resource type manages, for the catalog
	// lookup only: the Azure resource type of an azapi_resource
	// (microsoft.sql/servers/databases) and the kind of a
	// kubernetes_manifest (Namespace). It is read from a value, so no
	// report ever prints it.
	Subtype string

	// BeforeHash and AfterHash are SHA-256 digests of the canonical JSON of the
	// before and after values (after also covers after_unknown). They bind a
	// sign-off to the values without ever holding them.
	BeforeHash string
	AfterHash  string

	// Identity holds the digests (stacks.ValueDigest) of the before
	// object's identity attributes (id, arn, self_link, unique_id), so that
	// --context can find what other stacks hold of it without keeping a
	// value. Managed resources only; nil when the before object has none.
	Identity [][16]byte

	// EntryHash is the SHA-256 digest, lower-case hex, of the canonical JSON
	// of the whole resource_changes entry, every field of it: what the
	// sign-off digest binds (signoff/doc.go). "" outside resource_changes.
	EntryHash string

	// Attrs maps the attribute paths of the known leaf values of the object
	// that is destroyed (delete) or created (create), such as input.region,
	// to a digest of the value, so that a delete and a create can be compared
	// without keeping values. At most 64 leaves are kept.
	Attrs map[string]string
}

// Key identifies a change within a plan: address alone is not unique, since
// deposed objects share the address of the current one.
func (c *Change) Key() string {
	if c.Deposed == "" {
		return c.Address
	}
	return c.Address + " (deposed " + c.Deposed + ")"
}

// Deferred is a change Terraform could not plan yet.
type Deferred struct {
	Change Change
	Reason string
}

// Plan is one analysed plan.
type Plan struct {
	Source           string // file name, "-" for stdin, with ":N" for NDJSON line N
	FormatVersion    string // "" when the plan does not say
	TerraformVersion string
	Tool             string // "terraform" or "opentofu", as far as the plan tells
	HasConfiguration bool
	HasPriorState    bool
	Complete         *bool // nil when the plan does not say

	Changes  []Change   // every resource change, sorted by address then deposed key
	Drift    []Change   // changes made outside Terraform (resource_drift)
	Deferred []Deferred // deferred_changes

	// Warnings are facts about the input the report should mention, such as a
	// missing format_version.
	Warnings []string

	// Config is the plan's configuration, for the dependency graph. It is nil
	// when the plan has none.
	Config *Config

	// PriorDependsOn maps each instance address in prior_state to the
	// dependencies Terraform recorded for it (resource addresses, no keys).
	PriorDependsOn map[string][]string

	// Sections maps each top-level key of the plan JSON that the sign-off
	// digest binds (configuration, variables, output_changes, prior_state
	// ...) to the SHA-256 digest, lower-case hex, of the canonical JSON of
	// its value. planjson/bind.go says which keys are left out and why.
	Sections map[string]string

	// Instances lists every resource instance address the plan knows of, in
	// prior_state, planned_values and resource_changes, sorted.
	Instances []string
}

// Config is the part of the plan's configuration the dependency graph needs.
// It is filled by the loader and kept free of values.
type Config struct {
	Root *ConfigModule
	// Providers holds the provider configurations by the plan's opaque key
	// (aws, aws.us_east_1, child1:aws), as resources name them in
	// ConfigResource.ProviderKey.
	Providers map[string]ProviderConfig
}

// ProviderConfig is one provider block: where it is declared and what its
// arguments reference, never their values.
type ProviderConfig struct {
	Module          string     // module_address as the plan gives it, "" for the root module
	References      []string   // every reference in its arguments
	ReferenceGroups [][]string // the references of each argument apart, as in ConfigResource
}

// ConfigModule is one module of the configuration.
type ConfigModule struct {
	Resources   []ConfigResource
	Outputs     map[string][]string          // output name -> references
	ModuleCalls map[string]*ConfigModuleCall // call name -> call
}

// ConfigResource is one resource block.
type ConfigResource struct {
	Address    string   // address within its module, e.g. aws_instance.web
	Mode       string   // managed or data
	Type       string   // resource type
	References []string // every reference in its expressions, count, for_each and depends_on
	// ReferenceGroups holds the references of each expression apart.
	// Terraform lists aws_instance.web beside aws_instance.web[0] for
	// web[0].id, but alone for web[*].id: only within one expression can the
	// keyless form be told to be the shorter form of an indexed one.
	ReferenceGroups [][]string
	// ProviderKey is the plan's provider_config_key: the key of the
	// provider configuration in Config.Providers, "" when the plan gives none.
	ProviderKey string
	// Provisioners are the resource's provisioner blocks, in order: only
	// their type, never their expressions, which hold commands and may
	// hold secrets.
	Provisioners []Provisioner
}

// Provisioner is one provisioner block of a resource. The plan records its
// type and expressions but not when it runs: `when = destroy` is not in
// the plan JSON of Terraform (up to 1.11 at least) nor of OpenTofu, so a
// provisioner may run at create or at destroy.
type Provisioner struct {
	Type string // local-exec, remote-exec, file, or a plugin's name
}

// ConfigModuleCall is one module block.
type ConfigModuleCall struct {
	Source     string
	Inputs     map[string][]string // variable name -> references in the input expression
	DependsOn  []string
	Repetition []string // references in count and for_each
	Module     *ConfigModule
}

// Classify maps Terraform's actions to a Kind. ok is false for actions blast
// does not know, which callers must treat as an error: a gate that guesses
// what an unknown action does can be fooled.
func Classify(actions []string) (kind Kind, ok bool) {
	switch strings.Join(actions, ",") {
	case "no-op":
		return KindNoOp, true
	case "create":
		return KindCreate, true
	case "read":
		return KindRead, true
	case "update":
		return KindUpdate, true
	case "delete":
		return KindDelete, true
	case "delete,create":
		return KindReplace, true
	case "create,delete":
		return KindReplaceCBD, true
	case "forget", "create,forget":
		// create,forget: a new object is made and the old one left alone,
		// no longer managed; nothing is destroyed.
		return KindForget, true
	}
	return "", false
}

// MaxModuleDepth bounds recursion through nested modules; Terraform itself
// has no limit, but no real configuration comes near this, and a hostile one
// must not exhaust the stack.
const MaxModuleDepth = 256
