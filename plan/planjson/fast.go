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
)

// The fast decoder skims a plan once to find its parts and then reads each
// part once, checking every byte, on every core: resource changes are split across the cores, their
// values never decoded but digested from their bytes (decode_canon.go);
// planned_values and prior_state give only addresses and depends_on, their
// values checked and skipped. It builds the same Plan as the reference
// decoder (parseStream) or gives up, and TestFastMatchesReference holds it to
// that on every plan we have (TestFastMatchesReference*, and
// FuzzFastMatchesReference on any input).

// Schemas of the terraform-json types the fast decoder reads, and the
// indexes of the fields it reads itself.
var (
	planKeysSchema  = schemaFor(reflect.TypeFor[planKeys]())
	rcSchema        = schemaFor(reflect.TypeFor[tfjson.ResourceChange]())
	changeSchema    = schemaFor(reflect.TypeFor[tfjson.Change]())
	stateSchema     = schemaFor(reflect.TypeFor[tfjson.StateValues]())
	moduleSchema    = schemaFor(reflect.TypeFor[tfjson.StateModule]())
	resourceSchema  = schemaFor(reflect.TypeFor[tfjson.StateResource]())
	priorStateShape = schemaFor(reflect.TypeFor[struct {
		Values *tfjson.StateValues `json:"values"`
	}]())

	rcAddress         = rcSchema.mustField("address")
	rcPreviousAddress = rcSchema.mustField("previous_address")
	rcModuleAddress   = rcSchema.mustField("module_address")
	rcMode            = rcSchema.mustField("mode")
	rcType            = rcSchema.mustField("type")
	rcName            = rcSchema.mustField("name")
	rcProviderName    = rcSchema.mustField("provider_name")
	rcDeposed         = rcSchema.mustField("deposed")
	rcChange          = rcSchema.mustField("change")
	rcActionReason    = rcSchema.mustField("action_reason")
	rcIndex           = rcSchema.mustField("index")

	chActions      = changeSchema.mustField("actions")
	chBefore       = changeSchema.mustField("before")
	chAfter        = changeSchema.mustField("after")
	chAfterUnknown = changeSchema.mustField("after_unknown")
	chImporting    = changeSchema.mustField("importing")
	chReplacePaths = changeSchema.mustField("replace_paths")

	svRootModule   = stateSchema.mustField("root_module")
	smResources    = moduleSchema.mustField("resources")
	smChildModules = moduleSchema.mustField("child_modules")
	srAddress      = resourceSchema.mustField("address")
	srDependsOn    = resourceSchema.mustField("depends_on")
	psValues       = priorStateShape.mustField("values")
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
	s := &scan{data: data}
	var fps []*fastPlan
	var starts []int
	for {
		s.ws()
		if s.i >= len(data) {
			break
		}
		if data[s.i] != '{' {
			fail("a value that is not an object")
		}
		starts = append(starts, s.i)
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
			fail("refused: " + err.Error())
		}
		plans = append(plans, p)
	}
	return plans, true
}

// fastBug, when set (by tests), hears of every panic of the fast decoder
// other than fastFail: a bug, which Parse survives by reading the input with
// the reference decoder, as for any input the fast decoder does not take.
var fastBug func(v any)

func giveUp(v any) {
	if _, ok := v.(fastFail); !ok && fastBug != nil {
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
		fail("a task gave up")
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
	s     scan
	buf   []byte // canonical values of the change being read
	entry []byte // canonical JSON of a whole entry or section (bind.go)
	dig   *digester
}

func newWorker(data []byte) *worker {
	return &worker{s: scan{data: data}, dig: newDigester()}
}

// at points the worker's scanner at offset i, nested depth levels deep.
func (w *worker) at(i, depth int) *scan {
	w.s.i, w.s.depth = i, depth
	return &w.s
}

type span struct{ start, end int }

// fastPlan is one plan being read: what the tasks found, each in its own
// slot.
type fastPlan struct {
	r    *fastRun
	keys planKeys

	mu       sync.Mutex
	changes  []*changeChunk // chunks of resource_changes, in order
	drift    []*changeChunk
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
func (r *fastRun) plan(s *scan) *fastPlan {
	fp := &fastPlan{r: r}
	keys := reflect.ValueOf(&fp.keys).Elem()
	var mask uint64
	var others []span
	var top []topKey // every top-level key, for bindSections
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			key := s.key()
			f := planKeysSchema.field(key)
			c := s.peek()
			start := s.i
			top = append(top, topKey{string(key), start})
			switch {
			case string(key) == "resource_changes" && c == '[':
				fp.changes = r.changeChunks(s, true)
			case string(key) == "resource_drift" && c == '[':
				fp.drift = r.changeChunks(s, false)
			default:
				s.i = skim(s.data, start)
				switch string(key) {
				case "planned_values", "prior_state", "configuration", "deferred_changes":
					// checked by the tasks that read them
				default:
					others = append(others, span{start, s.i})
				}
			}
			if s.i <= start {
				fail("a missing or unterminated value")
			}
			if f >= 0 {
				seen(&mask, f)
				keys.Field(f).SetBytes(s.data[start:s.i])
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
	r.bindSections(fp, top)
	k := &fp.keys
	for _, raw := range []json.RawMessage{k.ResourceChanges, k.ResourceDrift} {
		if present(raw) && raw[0] != '[' {
			fail("resource changes that are not an array")
		}
	}
	if present(k.PlannedValues) {
		at := spanOf(s.data, k.PlannedValues)
		r.spawn(true, func(w *worker) { w.stateValues(w.at(at, 1), fp, false) })
	}
	if present(k.PriorState) {
		at := spanOf(s.data, k.PriorState)
		r.spawn(true, func(w *worker) { w.priorState(w.at(at, 1), fp) })
	}
	if present(k.Configuration) {
		r.spawn(false, func(*worker) {
			var config planConfig
			if decodeKey("", "configuration", k.Configuration, &config) != nil {
				fail("configuration refused")
			}
			if config.RootModule != nil {
				fp.config = &config
			}
		})
	}
	if present(k.DeferredChanges) {
		r.spawn(false, func(*worker) {
			if decodeKey("", "deferred_changes", k.DeferredChanges, &fp.deferred) != nil {
				fail("deferred_changes refused")
			}
		})
	}
	r.spawn(false, func(w *worker) {
		for _, o := range others {
			s := w.at(o.start, 1)
			s.skip()
			if s.i != o.end {
				fail("a value that does not end where it should")
			}
		}
	})
	return fp
}

// spanOf is the offset of raw, a slice of data.
func spanOf(data, raw []byte) int {
	return int(reflect.ValueOf(raw).Pointer() - reflect.ValueOf(data).Pointer())
}

// changeChunk is what one task made of a run of resource changes.
type changeChunk struct {
	changes []plan.Change
	rebuilt int // addresses rebuilt
}

// changeChunks reads the array of resource changes at s, finding where each
// element ends, and sets chunks of them to be read; bind digests each entry
// whole (resource_changes, not drift). Either way each entry is written
// canonical once more, which refuses the repeated keys the reference refuses.
func (r *fastRun) changeChunks(s *scan, bind bool) []*changeChunk {
	var chunks []*changeChunk
	var elems []span
	dispatch := func() {
		if len(elems) == 0 {
			return
		}
		out := new(changeChunk)
		chunks = append(chunks, out)
		todo := elems
		elems = nil
		r.spawn(false, func(w *worker) {
			cs := make([]plan.Change, 0, len(todo))
			for _, e := range todo {
				s := w.at(e.start, 2)
				c, rebuilt := w.resourceChange(s)
				if bind {
					c.EntryHash = w.entryHash(e.start)
				} else {
					w.canonEntry(e.start) // not bound, but its keys are checked
				}
				cs = append(cs, c)
				if rebuilt {
					out.rebuilt++
				}
				if s.i != e.end {
					fail("a resource change that does not end where it should")
				}
			}
			out.changes = cs
		})
	}
	s.push()
	s.i++
	if s.peek() == ']' {
		s.i++
	} else {
		from := s.i
		for {
			s.ws()
			start := s.i
			end := skim(s.data, start)
			if end < 0 {
				fail("unterminated resource change")
			}
			elems = append(elems, span{start, end})
			s.i = end
			if end-from >= chunkBytes {
				dispatch()
				from = end
			}
			if !s.more(']') {
				break
			}
		}
		dispatch()
	}
	s.depth--
	return chunks
}

// resourceChange reads one element of resource_changes (or resource_drift)
// into a raw change, its values canonical in w.buf, and converts it. Every
// error gives up: the reference decoder words it, or reads on where an entry
// may be left out.
func (w *worker) resourceChange(s *scan) (c plan.Change, rebuilt bool) {
	if s.peek() != '{' {
		fail("a resource change that is not an object")
	}
	var rc rawChange
	w.buf = w.buf[:0]
	var mask uint64
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := rcSchema.field(s.key())
			if f >= 0 {
				seen(&mask, f)
			}
			switch f {
			case -1:
				s.skip()
			case rcAddress:
				rc.address = s.stringValue()
			case rcPreviousAddress:
				rc.previous = s.stringValue()
			case rcModuleAddress:
				rc.module = s.stringValue()
			case rcMode:
				rc.mode = s.stringValue()
			case rcType:
				rc.typ = s.stringValue()
			case rcName:
				rc.name = s.stringValue()
			case rcProviderName:
				rc.provider = s.stringValue()
			case rcDeposed:
				rc.deposed = s.stringValue()
			case rcActionReason:
				rc.reason = s.stringValue()
			case rcIndex:
				rc.index = s.checkedJSON(rcSchema.fields[f].s)
			case rcChange:
				if !s.isNull() {
					rc.hasChange = true
					w.change(s, &rc)
				}
			default:
				s.check(rcSchema.fields[f].s)
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
	c, rebuilt, err := convertChange(&rc, w.dig)
	if err != nil {
		fail(err.Error())
	}
	return c, rebuilt
}

// change reads the change object of a resource change: its actions, its
// values in canonical form into w.buf, importing and replace_paths.
func (w *worker) change(s *scan, rc *rawChange) {
	if s.peek() != '{' {
		fail("a change that is not an object")
	}
	var mask uint64
	var at [3]span // before, after, after_unknown in w.buf
	var has [3]bool
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := changeSchema.field(s.key())
			if f >= 0 {
				seen(&mask, f)
			}
			switch f {
			case -1:
				s.skip()
			case chActions:
				rc.actions = s.stringsValue()
			case chBefore, chAfter, chAfterUnknown:
				k := 0
				if f == chAfter {
					k = 1
				} else if f == chAfterUnknown {
					k = 2
				}
				start := len(w.buf)
				w.buf = s.canon(w.buf)
				at[k], has[k] = span{start, len(w.buf)}, true
			case chImporting:
				rc.importing = s.peek() != 'n'
				s.check(changeSchema.fields[f].s)
			case chReplacePaths:
				rc.replacePaths = s.checkedJSON(changeSchema.fields[f].s)
			default:
				s.check(changeSchema.fields[f].s)
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
	// w.buf is complete now: take the canonical values.
	for k, dst := range []*[]byte{&rc.before, &rc.after, &rc.unknown} {
		if has[k] {
			*dst = w.buf[at[k].start:at[k].end]
		}
	}
}

// priorState reads prior_state: only its values count.
func (w *worker) priorState(s *scan, fp *fastPlan) {
	if s.isNull() {
		return
	}
	if s.peek() != '{' {
		fail("prior_state is not an object")
	}
	var mask uint64
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := priorStateShape.field(s.key())
			switch {
			case f == psValues:
				seen(&mask, f)
				w.stateValues(s, fp, true)
			default:
				s.skip()
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
}

// stateValues reads planned_values or prior_state's values.
func (w *worker) stateValues(s *scan, fp *fastPlan, prior bool) {
	if s.isNull() {
		return
	}
	if s.peek() != '{' {
		fail("state values that are not an object")
	}
	var mask uint64
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := stateSchema.field(s.key())
			if f >= 0 {
				seen(&mask, f)
			}
			switch f {
			case -1:
				s.skip()
			case svRootModule:
				if !s.isNull() {
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
				s.check(stateSchema.fields[f].s)
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
}

// module reads a state module, as walkState walks it: the resources of modules
// nested deeper than plan.MaxModuleDepth are checked but not collected.
func (w *worker) module(s *scan, depth int, fp *fastPlan, list *[]*stateOut, prior bool) {
	if s.peek() != '{' {
		fail("a module that is not an object")
	}
	out := fp.add(list)
	var mask uint64
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := moduleSchema.field(s.key())
			if f >= 0 {
				seen(&mask, f)
			}
			switch f {
			case -1:
				s.skip()
			case smResources:
				if !s.isNull() {
					if s.peek() != '[' {
						fail("resources that are not an array")
					}
					s.push()
					s.i++
					if s.peek() == ']' {
						s.i++
					} else {
						for {
							if !s.isNull() {
								w.resource(s, depth <= plan.MaxModuleDepth, out, prior)
							}
							if !s.more(']') {
								break
							}
						}
					}
					s.depth--
				}
			case smChildModules:
				if !s.isNull() {
					if s.peek() != '[' {
						fail("child_modules that are not an array")
					}
					w.childModules(s, depth+1, fp, list, prior)
				}
			default:
				s.check(moduleSchema.fields[f].s)
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
}

func (w *worker) childModules(s *scan, depth int, fp *fastPlan, list *[]*stateOut, prior bool) {
	s.push()
	s.i++
	if s.peek() == ']' {
		s.i++
	} else {
		for {
			if !s.isNull() {
				w.module(s, depth, fp, list, prior)
			}
			if !s.more(']') {
				break
			}
		}
	}
	s.depth--
}

// resource reads a state resource: its address, and in prior_state its
// depends_on.
func (w *worker) resource(s *scan, collect bool, out *stateOut, prior bool) {
	if s.peek() != '{' {
		fail("a resource that is not an object")
	}
	var addr string
	var deps []string
	var mask uint64
	s.push()
	s.i++
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			f := resourceSchema.field(s.key())
			if f >= 0 {
				seen(&mask, f)
			}
			switch {
			case f == -1:
				s.skip()
			case f == srAddress:
				addr = s.stringValue()
			case f == srDependsOn && prior:
				deps = s.stringsValue()
			default:
				s.check(resourceSchema.fields[f].s)
			}
			if !s.more('}') {
				break
			}
		}
	}
	s.depth--
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
	n := 0
	for _, c := range fp.changes {
		n += len(c.changes)
	}
	parts.changes = make([]plan.Change, 0, n)
	for _, c := range fp.changes {
		parts.changes = append(parts.changes, c.changes...)
		parts.rebuilt[listChanges] += c.rebuilt
	}
	for _, c := range fp.drift {
		parts.drift = append(parts.drift, c.changes...)
		parts.rebuilt[listDrift] += c.rebuilt
	}
	if err := assemble(p, parts); err != nil {
		return nil, err
	}
	p.Sections = fp.sections
	return p, nil
}
