package planjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson/internal/jsonscan"
)

// The fast decoder skims a plan once to find its parts and then reads each
// part once with a jsonscan.Scanner, checking every byte, on every core:
// resource changes are split across the cores, their values never decoded
// but digested from their canonical bytes (jsonscan.Scanner.Canon);
// planned_values and prior_state give only addresses and depends_on, their
// values checked and skipped. It builds the same Plan as the reference
// decoder (parseStream) or gives up, and TestFastMatchesReference holds it to
// that on every plan we have (TestFastMatchesReference*, and
// FuzzFastMatchesReference on any input).

// Schemas of the terraform-json types the fast decoder reads, and the
// indexes of the fields it reads itself.
var (
	planKeysSchema  = jsonscan.SchemaFor(reflect.TypeFor[planKeys]())
	rcSchema        = jsonscan.SchemaFor(reflect.TypeFor[tfjson.ResourceChange]())
	changeSchema    = jsonscan.SchemaFor(reflect.TypeFor[tfjson.Change]())
	stateSchema     = jsonscan.SchemaFor(reflect.TypeFor[tfjson.StateValues]())
	moduleSchema    = jsonscan.SchemaFor(reflect.TypeFor[tfjson.StateModule]())
	resourceSchema  = jsonscan.SchemaFor(reflect.TypeFor[tfjson.StateResource]())
	priorStateShape = jsonscan.SchemaFor(reflect.TypeFor[struct {
		Values *tfjson.StateValues `json:"values"`
	}]())

	rcAddress         = rcSchema.MustField("address")
	rcPreviousAddress = rcSchema.MustField("previous_address")
	rcModuleAddress   = rcSchema.MustField("module_address")
	rcMode            = rcSchema.MustField("mode")
	rcType            = rcSchema.MustField("type")
	rcName            = rcSchema.MustField("name")
	rcProviderName    = rcSchema.MustField("provider_name")
	rcDeposed         = rcSchema.MustField("deposed")
	rcChange          = rcSchema.MustField("change")
	rcActionReason    = rcSchema.MustField("action_reason")
	rcIndex           = rcSchema.MustField("index")

	chActions      = changeSchema.MustField("actions")
	chBefore       = changeSchema.MustField("before")
	chAfter        = changeSchema.MustField("after")
	chAfterUnknown = changeSchema.MustField("after_unknown")
	chImporting    = changeSchema.MustField("importing")
	chReplacePaths = changeSchema.MustField("replace_paths")

	svRootModule   = stateSchema.MustField("root_module")
	smResources    = moduleSchema.MustField("resources")
	smChildModules = moduleSchema.MustField("child_modules")
	srAddress      = resourceSchema.MustField("address")
	srDependsOn    = resourceSchema.MustField("depends_on")
	psValues       = priorStateShape.MustField("values")
)

// Sizes that decide how work is split. Below minParallelBytes the plan is
// read on one goroutine; parallel work comes in chunks of about chunkBytes.
const (
	minParallelBytes = 4 << 20
	chunkBytes       = 1 << 20
)

// parseFast reads data, already checked by checkText, into plans; ok is false
// when it gives up.
func parseFast(source string, data []byte) (plans []*plan.Plan, ok bool) {
	r := newFastRun(data)
	defer r.stop()
	defer func() {
		if v := recover(); v != nil {
			giveUp(v)
			plans, ok = nil, false
		}
	}()
	s := &jsonscan.Scanner{Data: data}
	var fps []*fastPlan
	var starts []int
	for {
		s.Space()
		if s.Pos >= len(data) {
			break
		}
		if data[s.Pos] != '{' {
			jsonscan.Fail("a value that is not an object")
		}
		starts = append(starts, s.Pos)
		fps = append(fps, r.plan(s))
	}
	r.wait()
	line, at := 1, 0
	for i, fp := range fps {
		name := source
		if len(fps) > 1 {
			line += bytes.Count(data[at:starts[i]], []byte("\n"))
			at = starts[i]
			name = fmt.Sprintf("%s:%d", source, line)
		}
		p, err := fp.finish(name)
		if err != nil {
			jsonscan.Fail("refused: " + err.Error())
		}
		plans = append(plans, p)
	}
	return plans, true
}

// fastBug, when set (by tests), hears of every panic of the fast decoder
// other than jsonscan.Failure: a bug, which Parse survives by reading the input with
// the reference decoder, as for any input the fast decoder does not take.
var fastBug func(v any)

func giveUp(v any) {
	if _, ok := v.(jsonscan.Failure); !ok && fastBug != nil {
		fastBug(v)
	}
}

// fastRun runs the work of one Parse, on a pool of workers when the input is
// large.
type fastRun struct {
	data   []byte
	wg     sync.WaitGroup // tasks
	pool   sync.WaitGroup // workers
	failed atomic.Bool
	inline *worker

	mu       sync.Mutex
	cond     *sync.Cond
	parallel bool
	closed   bool
	first    []func(*worker) // run before the others: large tasks that must not come last
	queue    []func(*worker)
}

func newFastRun(data []byte) *fastRun {
	r := &fastRun{data: data, inline: newWorker(data)}
	r.cond = sync.NewCond(&r.mu)
	n := runtime.GOMAXPROCS(0)
	if n < 2 || len(data) < minParallelBytes {
		return r
	}
	r.parallel = true
	for range n - 1 { // and the goroutine of Parse, once it has read the top level
		r.pool.Add(1)
		go func() {
			defer r.pool.Done()
			w := newWorker(data)
			for {
				t, ok := r.next(true)
				if !ok {
					return
				}
				t(w)
			}
		}()
	}
	return r
}

// next takes the next task, waiting for one if wait is set; ok is false when
// there is none to take.
func (r *fastRun) next(wait bool) (t func(*worker), ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		switch {
		case len(r.first) > 0:
			t, r.first = r.first[0], r.first[1:]
			return t, true
		case len(r.queue) > 0:
			t, r.queue = r.queue[0], r.queue[1:]
			return t, true
		case r.closed || !wait:
			return nil, false
		}
		r.cond.Wait()
	}
}

// spawn runs fn on a worker, or at once when the run is not parallel. Large
// tasks go first, so that none of them is left to run alone at the end.
func (r *fastRun) spawn(large bool, fn func(*worker)) {
	if !r.parallel {
		fn(r.inline)
		return
	}
	r.wg.Add(1)
	t := func(w *worker) {
		defer r.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				giveUp(v)
				r.failed.Store(true)
			}
		}()
		if !r.failed.Load() {
			fn(w)
		}
	}
	r.mu.Lock()
	if large {
		r.first = append(r.first, t)
	} else {
		r.queue = append(r.queue, t)
	}
	r.mu.Unlock()
	r.cond.Signal()
}

// wait runs queued tasks until none is left, waits for the others, and
// gives up if one did.
func (r *fastRun) wait() {
	for {
		t, ok := r.next(false)
		if !ok {
			break
		}
		t(r.inline)
	}
	r.wg.Wait()
	if r.failed.Load() {
		jsonscan.Fail("a task gave up")
	}
}

func (r *fastRun) stop() {
	if r.parallel {
		r.failed.Store(true) // a run that gave up need not finish its tasks
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.cond.Broadcast()
		r.pool.Wait()
	}
}

// worker holds what one goroutine reuses from task to task.
type worker struct {
	s     jsonscan.Scanner
	buf   []byte // canonical values of the change being read
	entry []byte // canonical JSON of a whole entry or section (bind.go)
	// canon writes entry: a scanner of its own, so that its scratch
	// buffers are allocated once per worker, not once per entry.
	canon jsonscan.Scanner
	dig   *digester
}

func newWorker(data []byte) *worker {
	return &worker{s: jsonscan.Scanner{Data: data}, dig: newDigester()}
}

// at points the worker's scanner at offset i, nested depth levels deep.
func (w *worker) at(i, depth int) *jsonscan.Scanner {
	w.s.Pos, w.s.Depth = i, depth
	return &w.s
}

type span struct{ start, end int }

// fastPlan is one plan being read: what the tasks found, each in its own
// slot.
type fastPlan struct {
	r    *fastRun
	keys planKeys

	mu       sync.Mutex
	changes  *changeList // resource_changes; nil when absent or not an array
	drift    *changeList // resource_drift, the same
	planned  []*stateOut
	prior    []*stateOut
	priorHas bool // prior_state has values with a root module

	deferred []*tfjson.DeferredResourceChange
	config   *planConfig       // nil when configuration has no root module
	sections map[string]string // digests of the bound sections (bind.go)
}

func (fp *fastPlan) add(list *[]*stateOut) *stateOut {
	o := &stateOut{}
	fp.mu.Lock()
	*list = append(*list, o)
	fp.mu.Unlock()
	return o
}

// plan reads the top level of one plan object at s and sets its parts to work.
func (r *fastRun) plan(s *jsonscan.Scanner) *fastPlan {
	fp := &fastPlan{r: r}
	keys := reflect.ValueOf(&fp.keys).Elem()
	var mask uint64
	var others []span
	var top []topKey // every top-level key, for bindSections
	s.Members(func(key []byte) {
		f := planKeysSchema.Field(key)
		c := s.Peek()
		start := s.Pos
		top = append(top, topKey{string(key), start})
		switch {
		case string(key) == "resource_changes" && c == '[':
			fp.changes = r.changeChunks(s, true)
		case string(key) == "resource_drift" && c == '[':
			fp.drift = r.changeChunks(s, false)
		default:
			s.Pos = jsonscan.Skim(s.Data, start)
			switch string(key) {
			case "planned_values", "prior_state", "configuration", "deferred_changes":
				// checked by the tasks that read them
			default:
				others = append(others, span{start, s.Pos})
			}
		}
		if s.Pos <= start {
			jsonscan.Fail("a missing or unterminated value")
		}
		if f >= 0 {
			jsonscan.Seen(&mask, f)
			keys.Field(f).SetBytes(s.Data[start:s.Pos])
		}
	})
	r.bindSections(fp, top)
	k := &fp.keys
	for _, raw := range []json.RawMessage{k.ResourceChanges, k.ResourceDrift} {
		if present(raw) && raw[0] != '[' {
			jsonscan.Fail("resource changes that are not an array")
		}
	}
	if present(k.PlannedValues) {
		at := spanOf(s.Data, k.PlannedValues)
		r.spawn(true, func(w *worker) { w.stateValues(w.at(at, 1), fp, false) })
	}
	if present(k.PriorState) {
		at := spanOf(s.Data, k.PriorState)
		r.spawn(true, func(w *worker) { w.priorState(w.at(at, 1), fp) })
	}
	if present(k.Configuration) {
		r.spawn(false, func(*worker) {
			var config planConfig
			if decodeKey("", "configuration", k.Configuration, &config) != nil {
				jsonscan.Fail("configuration refused")
			}
			if config.RootModule != nil {
				fp.config = &config
			}
		})
	}
	if present(k.DeferredChanges) {
		r.spawn(false, func(*worker) {
			if decodeKey("", "deferred_changes", k.DeferredChanges, &fp.deferred) != nil {
				jsonscan.Fail("deferred_changes refused")
			}
		})
	}
	r.spawn(false, func(w *worker) {
		for _, o := range others {
			s := w.at(o.start, 1)
			s.Skip()
			if s.Pos != o.end {
				jsonscan.Fail("a value that does not end where it should")
			}
		}
	})
	return fp
}

// spanOf is the offset of raw, a slice of data.
func spanOf(data, raw []byte) int {
	return int(reflect.ValueOf(raw).Pointer() - reflect.ValueOf(data).Pointer())
}

// changeList is what the tasks made of an array of resource changes: every
// element's change, in the plan's order, in one slice that the tasks fill in
// chunks.
type changeList struct {
	changes []plan.Change
	rebuilt atomic.Int64 // addresses rebuilt
}

// changeChunks reads the array of resource changes at s, finding where each
// element ends, and sets chunks of them to be read; bind digests each entry
// whole (resource_changes, not drift). Either way each entry is written
// canonical once more, which refuses the repeated keys the reference refuses.
//
// The chunks are set to work once the whole array is skimmed, when its
// length is known: the tasks then write into one slice, where chunks of their
// own would be joined into it in the end, a copy of every change at the
// moment the plan's memory peaks. Skimming is some 20 times faster than
// reading an entry, so the workers lose little.
func (r *fastRun) changeChunks(s *jsonscan.Scanner, bind bool) *changeList {
	var elems []span
	var cuts []int    // where each chunk ends, in elems
	from := s.Pos + 1 // past the [
	s.Elements(func() {
		s.Space()
		start := s.Pos
		end := jsonscan.Skim(s.Data, start)
		if end < 0 {
			jsonscan.Fail("unterminated resource change")
		}
		elems = append(elems, span{start, end})
		s.Pos = end
		if end-from >= chunkBytes {
			cuts = append(cuts, len(elems))
			from = end
		}
	})
	if len(elems) > 0 && (len(cuts) == 0 || cuts[len(cuts)-1] != len(elems)) {
		cuts = append(cuts, len(elems))
	}
	out := &changeList{changes: make([]plan.Change, len(elems))}
	lo := 0
	for _, hi := range cuts {
		todo, dst := elems[lo:hi], out.changes[lo:hi]
		lo = hi
		r.spawn(false, func(w *worker) {
			rebuilt := 0
			for i, e := range todo {
				s := w.at(e.start, 2)
				c, rb := w.resourceChange(s)
				if bind {
					c.EntryHash = w.entryHash(e.start)
				} else {
					w.canonEntry(e.start) // not bound, but its keys are checked
				}
				dst[i] = c
				if rb {
					rebuilt++
				}
				if s.Pos != e.end {
					jsonscan.Fail("a resource change that does not end where it should")
				}
			}
			out.rebuilt.Add(int64(rebuilt))
		})
	}
	return out
}

// resourceChange reads one element of resource_changes (or resource_drift)
// into a raw change, its values canonical in w.buf, and converts it. Every
// error gives up: the reference decoder words it, or reads on where an entry
// may be left out.
func (w *worker) resourceChange(s *jsonscan.Scanner) (c plan.Change, rebuilt bool) {
	if s.Peek() != '{' {
		jsonscan.Fail("a resource change that is not an object")
	}
	var rc rawChange
	w.buf = w.buf[:0]
	s.Fields(rcSchema, func(f int) {
		switch f {
		case -1:
			s.Skip()
		case rcAddress:
			rc.address = s.StringValue()
		case rcPreviousAddress:
			rc.previous = s.StringValue()
		case rcModuleAddress:
			rc.module = s.StringValue()
		case rcMode:
			rc.mode = s.StringValue()
		case rcType:
			rc.typ = s.StringValue()
		case rcName:
			rc.name = s.StringValue()
		case rcProviderName:
			rc.provider = s.StringValue()
		case rcDeposed:
			rc.deposed = s.StringValue()
		case rcActionReason:
			rc.reason = s.StringValue()
		case rcIndex:
			rc.index = s.CheckedJSON(rcSchema.FieldSchema(f))
		case rcChange:
			if !s.IsNull() {
				rc.hasChange = true
				w.change(s, &rc)
			}
		default:
			s.Check(rcSchema.FieldSchema(f))
		}
	})
	c, rebuilt, err := convertChange(&rc, w.dig)
	if err != nil {
		jsonscan.Fail(err.Error())
	}
	return c, rebuilt
}

// change reads the change object of a resource change: its actions, its
// values in canonical form into w.buf, importing and replace_paths.
func (w *worker) change(s *jsonscan.Scanner, rc *rawChange) {
	if s.Peek() != '{' {
		jsonscan.Fail("a change that is not an object")
	}
	var at [3]span // before, after, after_unknown in w.buf
	var has [3]bool
	s.Fields(changeSchema, func(f int) {
		switch f {
		case -1:
			s.Skip()
		case chActions:
			rc.actions = s.StringsValue()
		case chBefore, chAfter, chAfterUnknown:
			k := 0
			if f == chAfter {
				k = 1
			} else if f == chAfterUnknown {
				k = 2
			}
			start := len(w.buf)
			w.buf = s.Canon(w.buf)
			at[k], has[k] = span{start, len(w.buf)}, true
		case chImporting:
			rc.importing = s.Peek() != 'n'
			s.Check(changeSchema.FieldSchema(f))
		case chReplacePaths:
			rc.replacePaths = s.CheckedJSON(changeSchema.FieldSchema(f))
		default:
			s.Check(changeSchema.FieldSchema(f))
		}
	})
	// w.buf is complete now: take the canonical values.
	for k, dst := range []*[]byte{&rc.before, &rc.after, &rc.unknown} {
		if has[k] {
			*dst = w.buf[at[k].start:at[k].end]
		}
	}
}

// priorState reads prior_state: only its values count.
func (w *worker) priorState(s *jsonscan.Scanner, fp *fastPlan) {
	if s.IsNull() {
		return
	}
	if s.Peek() != '{' {
		jsonscan.Fail("prior_state is not an object")
	}
	s.Fields(priorStateShape, func(f int) {
		if f == psValues {
			w.stateValues(s, fp, true)
		} else {
			s.Skip()
		}
	})
}

// stateValues reads planned_values or prior_state's values.
func (w *worker) stateValues(s *jsonscan.Scanner, fp *fastPlan, prior bool) {
	if s.IsNull() {
		return
	}
	if s.Peek() != '{' {
		jsonscan.Fail("state values that are not an object")
	}
	s.Fields(stateSchema, func(f int) {
		switch f {
		case -1:
			s.Skip()
		case svRootModule:
			if !s.IsNull() {
				list := &fp.planned
				if prior {
					list = &fp.prior
					fp.mu.Lock()
					fp.priorHas = true
					fp.mu.Unlock()
				}
				w.module(s, 0, fp, list, prior)
			}
		default:
			s.Check(stateSchema.FieldSchema(f))
		}
	})
}

// module reads a state module, as walkState walks it: the resources of modules
// nested deeper than plan.MaxModuleDepth are checked but not collected.
func (w *worker) module(s *jsonscan.Scanner, depth int, fp *fastPlan, list *[]*stateOut, prior bool) {
	if s.Peek() != '{' {
		jsonscan.Fail("a module that is not an object")
	}
	out := fp.add(list)
	s.Fields(moduleSchema, func(f int) {
		switch f {
		case -1:
			s.Skip()
		case smResources:
			if !s.IsNull() {
				if s.Peek() != '[' {
					jsonscan.Fail("resources that are not an array")
				}
				s.Elements(func() {
					if !s.IsNull() {
						w.resource(s, depth <= plan.MaxModuleDepth, out, prior)
					}
				})
			}
		case smChildModules:
			if !s.IsNull() {
				if s.Peek() != '[' {
					jsonscan.Fail("child_modules that are not an array")
				}
				w.childModules(s, depth+1, fp, list, prior)
			}
		default:
			s.Check(moduleSchema.FieldSchema(f))
		}
	})
}

func (w *worker) childModules(s *jsonscan.Scanner, depth int, fp *fastPlan, list *[]*stateOut, prior bool) {
	s.Elements(func() {
		if !s.IsNull() {
			w.module(s, depth, fp, list, prior)
		}
	})
}

// resource reads a state resource: its address, and in prior_state its
// depends_on.
func (w *worker) resource(s *jsonscan.Scanner, collect bool, out *stateOut, prior bool) {
	if s.Peek() != '{' {
		jsonscan.Fail("a resource that is not an object")
	}
	var addr string
	var deps []string
	s.Fields(resourceSchema, func(f int) {
		switch {
		case f == -1:
			s.Skip()
		case f == srAddress:
			addr = s.StringValue()
		case f == srDependsOn && prior:
			deps = s.StringsValue()
		default:
			s.Check(resourceSchema.FieldSchema(f))
		}
	})
	if collect {
		out.addrs = append(out.addrs, addr)
		if prior && len(deps) > 0 {
			out.deps = append(out.deps, addrDeps{addr, deps})
		}
	}
}

// finish builds the Plan once every task is done, with planHeader and
// assemble as the reference decoder does.
func (fp *fastPlan) finish(source string) (*plan.Plan, error) {
	p, err := planHeader(source, &fp.keys)
	if err != nil {
		return nil, err
	}
	p.HasPriorState = present(fp.keys.PriorState)
	p.HasConfiguration = present(fp.keys.Configuration) && fp.config != nil
	parts := &planParts{
		deferred: fp.deferred, priorHas: fp.priorHas, prior: fp.prior, planned: fp.planned,
		config: fp.config, digests: fp.r.inline.dig,
	}
	parts.changes = []plan.Change{} // as the reference decoder has it
	if l := fp.changes; l != nil {
		parts.changes = l.changes
		parts.rebuilt[listChanges] = int(l.rebuilt.Load())
	}
	if l := fp.drift; l != nil && len(l.changes) > 0 {
		parts.drift = l.changes
		parts.rebuilt[listDrift] = int(l.rebuilt.Load())
	}
	if err := assemble(p, parts); err != nil {
		return nil, err
	}
	p.Sections = fp.sections
	return p, nil
}
