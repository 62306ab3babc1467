package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/streamsim/streamsim/internal/safefile"
)

// Limits that keep a hostile or broken file from exhausting memory or time.
const (
	MaxFileSize = 4 << 20 // bytes in one scenario file
	MaxDepth    = 32      // nesting of YAML mappings and lists
	MaxItems    = 10000   // nodes over the four lists; entries of timeline, expect and lesson steps each

	maxYAMLValues = 500_000 // scalars, lists and mappings in one file
	maxProblems   = 100     // a file this broken is reported only up to here
	maxMessage    = 300     // bytes of one problem's message
)

// Defaults of the top-level keys, and the shortest tick.
const (
	DefaultSeed     = 1
	DefaultDuration = time.Hour
	DefaultTick     = time.Second
	DefaultRegion   = "us-east-1"
	MinTick         = 10 * time.Millisecond
)

// topKeys are the top-level keys in the format's order (Encode writes them so).
var topKeys = []string{"version", "name", "title", "description", "seed", "duration", "tick", "region",
	"requirements", "producers", "storage", "consumers", "destinations", "timeline", "expect", "lesson"}

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9-]+$`)
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}$`)
)

// LoadFile reads and loads a scenario file. Problems with the file's content are
// returned as Problems; a file that cannot be read gives the os error, wrapped.
// Only a regular file is read (a FIFO or a device is refused at once), and
// only up to MaxFileSize.
func LoadFile(path string) (*Scenario, error) {
	data, err := safefile.Read(path, MaxFileSize)
	var tl *safefile.TooLargeError
	if errors.As(err, &tl) {
		return nil, Problems{{File: path, Pos: Pos{1, 1}, Msg: tooLarge(float64(tl.Size))}}
	}
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Load(path, data)
}

func tooLarge(size float64) string {
	return fmt.Sprintf("file is %s; scenario files are limited to %s", ApproxSize(size), FormatSize(MaxFileSize))
}

// Load parses a scenario file and validates it. file names the file in problems.
// On failure the error is Problems holding every problem found, sorted by
// position, and the scenario is nil. Defaults are not stored in Node.Params
// (Node.Param applies them); top-level defaults are filled in.
func Load(file string, data []byte) (s *Scenario, err error) {
	l := &loader{file: file, ids: map[string]Pos{}, byID: map[string]*Node{},
		paths: map[*Node]string{}, broken: map[string]bool{}, top: map[string]Pos{}}
	defer func() {
		// The YAML parser is third-party code fed untrusted input: a panic in it
		// is reported as a problem with the file instead of taking the program down.
		if r := recover(); r != nil {
			s = nil
			err = Problems{{File: file, Pos: Pos{1, 1}, Msg: fmt.Sprintf("cannot parse this file (%v)", r)}}
		}
	}()
	if len(data) > MaxFileSize {
		return nil, Problems{{File: file, Pos: Pos{1, 1}, Msg: tooLarge(float64(len(data)))}}
	}
	if n := valueBound(data); n > maxYAMLValues {
		// Checked before parsing: the YAML parser needs about 300 bytes of
		// memory per value, and more time per value the more there are.
		return nil, Problems{{File: file, Pos: Pos{1, 1},
			Msg: fmt.Sprintf("about %d values; scenario files are limited to %d", n, maxYAMLValues)}}
	}
	root, ok := l.parse(data)
	if ok && l.guard(root) {
		l.scenario(root)
	}
	if len(l.probs) > 0 {
		return nil, l.problems()
	}
	l.s.Source = bytes.Clone(data)
	return l.s, nil
}

type loader struct {
	file   string
	s      *Scenario
	probs  Problems
	full   bool
	ids    map[string]Pos   // every id written, also of nodes that could not be loaded
	byID   map[string]*Node // loaded nodes
	paths  map[*Node]string // "consumers[1]"
	broken map[string]bool  // ids of nodes left out for an unknown service
	top    map[string]Pos   // position of each top-level key

	triedProducers bool            // producers were listed (those that failed are reported)
	written        map[string]bool // keys of the node being loaded, valid or not
}

func (l *loader) add(pos Pos, path, format string, args ...any) {
	if l.full {
		return
	}
	if len(l.probs) >= maxProblems {
		l.probs = append(l.probs, Problem{File: l.file, Pos: pos, Msg: fmt.Sprintf("too many problems; stopping after %d", maxProblems)})
		l.full = true
		return
	}
	// A value pasted by mistake (a whole file in one line) is not repeated in full.
	l.probs = append(l.probs, Problem{File: l.file, Pos: pos, Path: clip(path), Msg: clip(fmt.Sprintf(format, args...))})
}

// clip shortens s to about maxMessage bytes by cutting out its middle, on
// character boundaries, so that what was expected (at the end) stays.
func clip(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	head, tail := maxMessage/2, len(s)-maxMessage/2
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return s[:head] + "…" + s[tail:]
}

// problems sorts and returns what was found, dropping exact repeats.
func (l *loader) problems() Problems {
	ps := l.probs
	ps.Sort()
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (l *loader) scenario(root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		l.add(posOf(doc), "", "expected a scenario: a mapping with version, name, producers…, got %s", describe(doc))
		return
	}
	pairs, _ := l.mapping(doc, "", "a mapping")
	s := &Scenario{File: l.file, Seed: DefaultSeed, Duration: DefaultDuration, Tick: DefaultTick, Region: DefaultRegion}
	l.s = s
	got := map[string]kv{}
	for _, p := range pairs {
		if !slices.Contains(topKeys, p.key) {
			l.unknown(p, "", topKeys)
			continue
		}
		got[p.key] = p
		l.top[p.key] = posOf(p.k)
	}
	if p, ok := got["version"]; ok {
		if t, ok := l.scalar(p.v, "version", "version: 1"); ok {
			if v, err := strconv.Atoi(t); err != nil || v != 1 {
				l.add(posOf(p.v), "version", "version %s is not supported: this streamsim reads version 1", strconv.Quote(t))
			} else {
				s.Version = v
			}
		}
	} else {
		l.add(posOf(doc), "version", "missing version: add version: 1 at the top")
	}
	if p, ok := got["name"]; ok {
		if t, ok := l.scalar(p.v, "name", "a name such as retail-clickstream"); ok {
			if !idPattern.MatchString(t) {
				l.add(posOf(p.v), "name", "%q: expected lower-case letters, digits and dashes, such as retail-clickstream", t)
			} else {
				s.Name = t
			}
		}
	} else {
		l.add(posOf(doc), "name", "missing name: add a name such as name: retail-clickstream")
	}
	if p, ok := got["title"]; ok && !isNull(p.v) {
		s.Title, _ = l.scalar(p.v, "title", "a one-line title")
	}
	if p, ok := got["description"]; ok && !isNull(p.v) {
		s.Description, _ = l.block(p.v, "description", "a text (Markdown)")
	}
	if p, ok := got["seed"]; ok {
		if t, ok := l.scalar(p.v, "seed", "an integer"); ok {
			if err := leadingZero(t); err != nil {
				l.add(posOf(p.v), "seed", "%v", err)
			} else if n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err != nil {
				l.add(posOf(p.v), "seed", "%q: expected an integer such as 42", t)
			} else {
				s.Seed = n
			}
		}
	}
	if p, ok := got["duration"]; ok {
		if d, ok := l.duration(p.v, "duration"); ok {
			if d <= 0 {
				l.add(posOf(p.v), "duration", "%s: the run must last longer than 0s", p.v.Value)
			} else {
				s.Duration = d
			}
		}
	}
	if p, ok := got["tick"]; ok {
		if d, ok := l.duration(p.v, "tick"); ok {
			if d < MinTick {
				l.add(posOf(p.v), "tick", "%s: too fine; the shortest tick is %s", p.v.Value, FormatDuration(MinTick))
			} else {
				s.Tick = d
			}
		}
	}
	if p, ok := got["region"]; ok {
		if t, ok := l.scalar(p.v, "region", "an AWS region such as us-east-1"); ok {
			if !regionPattern.MatchString(t) {
				l.add(posOf(p.v), "region", "%q: expected an AWS region such as us-east-1 or eu-west-1", t)
			} else {
				s.Region = t
			}
		}
	}
	if p, ok := got["requirements"]; ok {
		l.requirements(p.v)
	}
	total := 0
	for st := Producer; st <= Destination; st++ {
		p, ok := got[st.String()]
		if !ok {
			continue
		}
		items := l.list(p.v, st.String(), "a list of "+st.String())
		for i, item := range items {
			if total++; total > MaxItems {
				l.add(posOf(item), index(st.String(), i), "more than %d nodes; a scenario is limited to %d", MaxItems, MaxItems)
				return
			}
			if l.full {
				return
			}
			l.triedProducers = l.triedProducers || st == Producer
			l.node(st, i, item)
		}
	}
	if p, ok := got["timeline"]; ok {
		l.timeline(p.v)
		s.SortTimeline()
	}
	if p, ok := got["expect"]; ok {
		l.expect(p.v)
	}
	if p, ok := got["lesson"]; ok {
		l.lesson(p.v)
	}
	if l.full {
		return
	}
	pos := Pos{doc.Line, doc.Column}
	if p, ok := l.top["producers"]; ok {
		pos = p
	}
	l.top[""] = pos
	o := validation{paths: l.paths, skip: l.broken, top: l.top, loaded: true, triedProducers: l.triedProducers}
	for _, p := range s.validate(o) {
		if l.full {
			break
		}
		if p.Pos.Line == 0 {
			p.Pos = Pos{1, 1} // every problem of a file has a place in it
		}
		l.add(p.Pos, p.Path, "%s", p.Msg)
	}
}

func (l *loader) duration(n *yaml.Node, path string) (time.Duration, bool) {
	t, ok := l.scalar(n, path, KindDuration.String())
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(t)
	if err != nil {
		l.add(posOf(n), path, "%s", err)
		return 0, false
	}
	return d, true
}

// hint is "; did you mean "x"?" when a candidate is close to s.
func hint(s string, candidates []string) string {
	if m := Suggest(s, candidates); m != "" {
		return fmt.Sprintf("; did you mean %q?", m)
	}
	return ""
}

// tooMany reports (and says) that a list holds more than MaxItems entries.
func (l *loader) tooMany(items []*yaml.Node, path, what string) bool {
	if len(items) <= MaxItems {
		return false
	}
	l.add(posOf(items[MaxItems]), index(path, MaxItems), "more than %d %s", MaxItems, what)
	return true
}

// beforeEnd refuses a moment at or after the end of the run.
func (l *loader) beforeEnd(v *yaml.Node, path string, at time.Duration, never string) {
	if at >= l.s.Duration {
		l.add(posOf(v), path, "%s is not before the run ends (duration %s): %s", FormatDuration(at), FormatDuration(l.s.Duration), never)
	}
}
