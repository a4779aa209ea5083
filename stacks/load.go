package stacks

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/blast-dev/blast/internal/input"
)

// Defaults for Options.
const (
	DefaultMaxBytes = 2 << 30 // per file, as for plans
	DefaultMaxFiles = 10000   // over all specs
)

// Options control Load.
type Options struct {
	MaxBytes int64 // the largest file read; 0 means DefaultMaxBytes
	MaxFiles int   // the most files read over all specs; 0 means DefaultMaxFiles
	Workers  int   // files decoded at once; 0 means GOMAXPROCS
}

// Load reads context stacks. A spec is PATH or NAME=PATH (the whole spec is
// taken as PATH when a file or folder of that name exists). PATH is a state
// file, raw (version 4) or `terraform show -json` of a state, or a folder:
// every *.tfstate and *.json file under it, recursively, is one stack, named
// by its path relative to the folder with slashes and without its extension,
// and a file named terraform.tfstate by its folder (envs/prod/terraform.tfstate
// is envs/prod). NAME=PATH names a file's stack NAME, and prefixes the names
// of a folder's stacks with NAME/. Files and folders whose name starts with a
// dot (.terraform, .git) are left out; a symbolic link to a folder is refused,
// so a link cannot loop. Two stacks of one name are an error.
//
// Stacks come back sorted by name; the first error, in that order, is
// returned alone, as an *InputError naming its file.
func Load(specs []string, opts Options) ([]*Stack, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	var files []file
	byName := map[string]string{}
	for _, spec := range specs {
		found, err := expand(spec)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if prev, dup := byName[f.name]; dup {
				return nil, &InputError{Source: f.path, Err: fmt.Errorf("%w: stack name %q is also the name of %s", ErrBadSpec, f.name, prev),
					Hint: "name the stacks apart: --context NAME=PATH"}
			}
			byName[f.name] = f.path
			files = append(files, f)
		}
		if len(files) > opts.MaxFiles {
			return nil, inputErr(spec, "", "%w: more than %d context files", ErrInputTooLarge, opts.MaxFiles)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	stacks := make([]*Stack, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(opts.Workers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // reused: the stacks keep nothing of a file
			for i := range next {
				stacks[i], errs[i] = loadFile(files[i], opts.MaxBytes, &buf)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return stacks, nil
}

type file struct{ name, path string }

// expand turns one spec into the files it names.
func expand(spec string) ([]file, error) {
	name, path := "", spec
	if _, err := os.Lstat(spec); err != nil {
		if n, p, ok := strings.Cut(spec, "="); ok {
			if n == "" || p == "" {
				return nil, inputErr(spec, "write --context PATH or --context NAME=PATH", "%w: empty name or path", ErrBadSpec)
			}
			name, path = n, p
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, inputErr(path, "", "%s", describeOSError(err))
	}
	if !fi.IsDir() {
		if name == "" {
			name = stackName(filepath.Base(path))
			if name == "terraform" {
				if abs, err := filepath.Abs(path); err == nil {
					name = filepath.Base(filepath.Dir(abs))
				}
			}
		}
		return []file{{name: name, path: path}}, nil
	}
	var out []file
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return inputErr(p, "", "%s", describeOSError(err))
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Stat(p)
			if err != nil {
				return inputErr(p, "", "%s", describeOSError(err))
			}
			if target.IsDir() {
				return inputErr(p, "give the folder it points to as a --context of its own",
					"%w: a symbolic link to a folder, not followed", ErrBadSpec)
			}
		} else if d.IsDir() {
			return nil
		}
		ext := filepath.Ext(p)
		if ext != ".tfstate" && ext != ".json" {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return inputErr(p, "", "%s", err)
		}
		n := stackName(filepath.ToSlash(rel))
		if base, ok := strings.CutSuffix(n, "/terraform"); ok && ext == ".tfstate" {
			n = base
		} else if n == "terraform" && ext == ".tfstate" {
			n = folderName(path)
		}
		if name != "" {
			n = name + "/" + n
		}
		out = append(out, file{name: n, path: p})
		return nil
	})
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, ie
		}
		return nil, inputErr(path, "", "%s", describeOSError(err))
	}
	if len(out) == 0 {
		return nil, inputErr(path, hintStatePull, "%w: no state files (*.tfstate, *.json) in the folder", ErrBadSpec)
	}
	return out, nil
}

// folderName is the name of a folder, "." and ".." resolved.
func folderName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return filepath.Base(abs)
	}
	return filepath.Base(dir)
}

func stackName(rel string) string {
	return strings.TrimSuffix(rel, filepath.Ext(rel))
}

func loadFile(f file, limit int64, buf *[]byte) (*Stack, error) {
	data, err := readFile(f.path, limit, (*buf)[:0])
	if err != nil {
		return nil, err
	}
	*buf = data
	return Decode(f.name, f.path, data)
}

// readFile reads a file into buf, grown if need be.
func readFile(path string, limit int64, buf []byte) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, inputErr(path, "", "%s", describeOSError(err))
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, inputErr(path, "", "%s", describeOSError(err))
	}
	if fi.IsDir() {
		return nil, inputErr(path, "", "%w: a folder where a state file was expected", ErrBadSpec)
	}
	if fi.Size() > limit {
		return nil, inputErr(path, "", "%w: %d bytes, the limit is %d", ErrInputTooLarge, fi.Size(), limit)
	}
	// Read in one allocation when the size is known; a pipe or a special
	// file is read up to the limit.
	if want := int(min(fi.Size(), limit)) + 1; cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	data, err := input.ReadAll(io.LimitReader(fh, limit+1), buf)
	if err != nil {
		return nil, inputErr(path, "", "reading: %s", describeOSError(err))
	}
	if int64(len(data)) > limit {
		return nil, inputErr(path, "", "%w: more than %d bytes", ErrInputTooLarge, limit)
	}
	return data, nil
}

func describeOSError(err error) string { return input.DescribeOS(err, "no such file or folder") }
