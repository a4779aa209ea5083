package guard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/blast-dev/blast/scoring"
	"github.com/blast-dev/blast/scoring/policy"
)

// Settings are the guard's part of the policy file, under its `guard:` key:
//
//	guard:
//	  allow_scripts:        # scripts the guard lets run without reading them
//	    - scripts/ci/*.sh   # relative to the policy file's folder
//
// A script, Makefile or package.json that the guard cannot read, or that
// mentions a Terraform-family tool where the guard cannot parse it, is
// blocked unless a pattern here matches its path.
type Settings struct {
	Source       string // the policy file; "" for none
	Dir          string // the folder allow_scripts patterns are relative to
	AllowScripts []policy.PathGlob
}

// allows reports whether the policy lets the file at path run unread.
func (s Settings) allows(path string) bool {
	if s.Dir == "" || len(s.AllowScripts) == 0 {
		return false
	}
	rel, err := filepath.Rel(s.Dir, path)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, g := range s.AllowScripts {
		if g.Match(rel) {
			return true
		}
	}
	return false
}

// LoadSettings reads the policy as blast check would (path, or .blast.yml
// found from dir up to the root of its git checkout, or none): the whole
// file must be a valid policy, and its guard section valid settings. With
// no policy file the settings are empty: nothing is allowed unread.
func LoadSettings(path, dir string) (Settings, error) {
	if path == "" {
		path = findPolicy(dir)
		if path == "" {
			return Settings{}, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return Settings{}, fmt.Errorf("reading policy %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return Settings{}, fmt.Errorf("reading policy %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return Settings{}, fmt.Errorf("reading policy %s: larger than 1 MiB", path)
	}
	return ParseSettings(path, data)
}

// ParseSettings checks a policy file and reads its guard section.
func ParseSettings(path string, data []byte) (Settings, error) {
	if _, err := policy.Parse(path, data, scoring.RuleIDs()); err != nil {
		return Settings{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Settings{}, fmt.Errorf("reading policy %s: %w", path, err)
	}
	s := Settings{Source: path, Dir: filepath.Dir(abs)}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return s, nil // policy.Parse accepted it: an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return s, nil
	}
	fail := func(n *yaml.Node, msg string) error {
		return &policy.Error{File: path, Line: n.Line, Msg: msg}
	}
	for k := 0; k+1 < len(root.Content); k += 2 {
		if root.Content[k].Value != "guard" {
			continue
		}
		g := root.Content[k+1]
		if g.Kind != yaml.MappingNode {
			return Settings{}, fail(g, "guard must be a mapping (known keys: allow_scripts)")
		}
		for i := 0; i+1 < len(g.Content); i += 2 {
			key, v := g.Content[i], g.Content[i+1]
			if key.Value != "allow_scripts" {
				return Settings{}, fail(key, fmt.Sprintf("unknown key %q in guard (known: allow_scripts)", key.Value))
			}
			if v.Kind != yaml.SequenceNode {
				return Settings{}, fail(v, "guard.allow_scripts must be a list of path patterns")
			}
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
					return Settings{}, fail(item, "guard.allow_scripts holds path patterns (strings)")
				}
				glob, err := policy.ParsePathGlob(item.Value)
				if err != nil {
					return Settings{}, fail(item, err.Error())
				}
				s.AllowScripts = append(s.AllowScripts, glob)
			}
		}
	}
	return s, nil
}

// findPolicy looks for .blast.yml in dir and its parents up to the root of
// the git checkout, as blast check does from its working directory; here
// dir is where the agent's command runs.
func findPolicy(dir string) string {
	if dir == "" {
		return ""
	}
	for {
		path := filepath.Join(dir, policy.DefaultFile)
		if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
			return path
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return path // there but unreadable: LoadSettings says why
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
