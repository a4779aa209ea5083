package stacks

// Format is the form a context state came in.
type Format string

// The formats Load reads.
const (
	// FormatState is a raw state file, version 4: terraform.tfstate, or
	// `terraform state pull`.
	FormatState Format = "state"
	// FormatShowJSON is `terraform show -json` of a state (the values format).
	FormatShowJSON Format = "show-json"
)

// Stack is one context stack: its resources and, for each, the digests of the
// string values it holds with their attribute paths. It holds no value.
type Stack struct {
	Name             string // as the report names it: NAME of NAME=PATH, or the path relative to the folder
	Source           string // the file it was read from
	Format           Format
	TerraformVersion string // as the state says, "" when it does not

	// Resources lists every resource instance of the state (data sources
	// included), sorted by address, then deposed key.
	Resources []Resource

	leaves leaves   // every candidate value: digest, resource, path
	paths  []string // attribute paths, interned: leaf.path indexes it
}

// Resource is one resource instance of a context stack.
type Resource struct {
	Address string // full instance address, e.g. module.net.aws_subnet.private["a"]
	Mode    string // "managed" or "data"
	Type    string // resource type, e.g. aws_subnet
	Deposed string // deposed object key, "" for the current object
}

// leaf is one string value of a resource that could be an identity.
type leaf struct {
	d    Digest
	res  uint32 // index in Stack.Resources
	path uint32 // index in Stack.paths
}

// leaves is a list grown in chunks of a fixed size: a stack's values are
// kept without the copies and the spare capacity of a growing slice, which
// would cost several times their size while fifty stacks are read.
type leaves [][]leaf

const leafChunk = 4096

func (ls *leaves) add(l leaf) {
	n := len(*ls)
	if n == 0 || len((*ls)[n-1]) == leafChunk {
		*ls = append(*ls, make([]leaf, 0, leafChunk))
		n++
	}
	(*ls)[n-1] = append((*ls)[n-1], l)
}

// Values reports how many candidate values the stack holds, for benchmarks
// and diagnostics.
func (s *Stack) Values() int {
	n := 0
	for _, c := range s.leaves {
		n += len(c)
	}
	return n
}
