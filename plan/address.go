package plan

import (
	"fmt"
	"strings"
)

// Address is a parsed resource instance address such as
// module.app[2].module.db["a"].aws_db_instance.main[0].
type Address struct {
	Module []ModuleStep // outermost first; empty for the root module
	Mode   string       // "managed" or "data"
	Type   string
	Name   string
	Key    string // instance key as written: `0` or `"a"`; "" without one
}

// ModuleStep is one module call of an address, with its instance key.
type ModuleStep struct {
	Name string
	Key  string // as written: `2` or `"a"`; "" without one
}

// ModulePath renders the module part: module.app[2].module.db["a"].
func (a Address) ModulePath() string {
	var b strings.Builder
	for i, s := range a.Module {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(s.Name)
		if s.Key != "" {
			b.WriteString("[" + s.Key + "]")
		}
	}
	return b.String()
}

// IsModulePath reports whether s is ModulePath(), without rendering it: the
// loader checks every change's module_address against its address.
func (a Address) IsModulePath(s string) bool {
	for i, m := range a.Module {
		if i > 0 {
			if !strings.HasPrefix(s, ".") {
				return false
			}
			s = s[1:]
		}
		rest, ok := strings.CutPrefix(s, "module.")
		if !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, m.Name); !ok {
			return false
		}
		if m.Key != "" {
			if len(rest) < len(m.Key)+2 || rest[0] != '[' || rest[1:1+len(m.Key)] != m.Key || rest[1+len(m.Key)] != ']' {
				return false
			}
			rest = rest[len(m.Key)+2:]
		}
		s = rest
	}
	return s == ""
}

// Resource renders the address within its module, without the instance key:
// aws_db_instance.main or data.aws_ami.ubuntu.
func (a Address) Resource() string {
	if a.Mode == "data" {
		return "data." + a.Type + "." + a.Name
	}
	return a.Type + "." + a.Name
}

// ConfigPath renders the address with every instance key removed:
// module.app.module.db.aws_db_instance.main. Terraform's configuration and
// `terraform graph` speak at this level.
func (a Address) ConfigPath() string {
	var b strings.Builder
	for _, s := range a.Module {
		b.WriteString("module." + s.Name + ".")
	}
	b.WriteString(a.Resource())
	return b.String()
}

func (a Address) String() string {
	s := a.Resource()
	if a.Key != "" {
		s += "[" + a.Key + "]"
	}
	if len(a.Module) == 0 {
		return s
	}
	return a.ModulePath() + "." + s
}

// ParseAddress parses a resource instance address. It accepts what
// Terraform writes in plans; anything else is an error, never a panic.
func ParseAddress(s string) (Address, error) {
	var a Address
	rest := s
	for strings.HasPrefix(rest, "module.") {
		rest = rest[len("module."):]
		name, key, tail, err := NameAndKey(rest)
		if err != nil {
			return Address{}, fmt.Errorf("address %q: %w", s, err)
		}
		a.Module = append(a.Module, ModuleStep{Name: name, Key: key})
		if !strings.HasPrefix(tail, ".") {
			return Address{}, fmt.Errorf("address %q: a module path without a resource", s)
		}
		rest = tail[1:]
	}
	a.Mode = "managed"
	if strings.HasPrefix(rest, "data.") {
		a.Mode = "data"
		rest = rest[len("data."):]
	}
	typ, tail, ok := strings.Cut(rest, ".")
	if !ok || !IsIdent(typ) {
		return Address{}, fmt.Errorf("address %q: no resource type and name", s)
	}
	a.Type = typ
	name, key, tail, err := NameAndKey(tail)
	if err != nil {
		return Address{}, fmt.Errorf("address %q: %w", s, err)
	}
	if tail != "" {
		return Address{}, fmt.Errorf("address %q: unexpected %q after the resource", s, tail)
	}
	a.Name, a.Key = name, key
	return a, nil
}

// NameAndKey reads NAME or NAME[KEY] from the front of s, as an address or a
// reference step writes it; rest is what follows.
func NameAndKey(s string) (name, key, rest string, err error) {
	end := 0
	for end < len(s) && s[end] != '.' && s[end] != '[' {
		end++
	}
	name, rest = s[:end], s[end:]
	if !IsIdent(name) {
		return "", "", "", fmt.Errorf("bad name %q", name)
	}
	if !strings.HasPrefix(rest, "[") {
		return name, "", rest, nil
	}
	if strings.HasPrefix(rest, `["`) {
		i := 2
		for i < len(rest) {
			if rest[i] == '\\' {
				i += 2
				continue
			}
			if rest[i] == '"' {
				break
			}
			i++
		}
		if i >= len(rest) || i+1 >= len(rest) || rest[i+1] != ']' {
			return "", "", "", fmt.Errorf("unterminated key after %q", name)
		}
		return name, rest[1 : i+1], rest[i+2:], nil
	}
	close := strings.IndexByte(rest, ']')
	if close < 2 {
		return "", "", "", fmt.Errorf("bad key after %q", name)
	}
	key = rest[1:close]
	for _, r := range key {
		if r < '0' || r > '9' {
			return "", "", "", fmt.Errorf("bad key [%s] after %q", key, name)
		}
	}
	return name, key, rest[close+1:], nil
}

// IsIdent reports whether s is a Terraform identifier (a name in an address).
func IsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		case i > 0 && (r == '-' || (r >= '0' && r <= '9')):
		default:
			return false
		}
	}
	return true
}

// ParentModule returns the module instance that contains module instance m:
// module.a[0].module.b -> module.a[0]; module.a -> "".
func ParentModule(m string) string {
	a, err := ParseAddress(m + ".x.y")
	if err != nil || len(a.Module) == 0 {
		return ""
	}
	a.Module = a.Module[:len(a.Module)-1]
	return a.ModulePath()
}
