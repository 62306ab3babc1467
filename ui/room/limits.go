package room

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// snapshotsPerSecond is how many snapshots a learner's run publishes: the
// learner's screen redraws no faster than Limits.FPS anyway.
const snapshotsPerSecond = 10

// limitedBackend runs a learner's scenarios on the simulator of the
// session, within the room's limits: no scenario larger than MaxUnits, no
// run faster than SimRate ticks a second (as fast as possible means that
// fast), no more single steps than that either.
type limitedBackend struct {
	b        backends.Backend
	ticks    int
	maxUnits int
}

var _ backends.Backend = (*limitedBackend)(nil)

func newLimitedBackend(l Limits) *limitedBackend {
	return &limitedBackend{
		b:     simbackend.New(simbackend.Options{Paused: true, MaxFPS: snapshotsPerSecond}),
		ticks: l.SimRate, maxUnits: l.MaxUnits,
	}
}

// Start implements backends.Backend.
func (l *limitedBackend) Start(ctx context.Context, sc *pipeline.Scenario) (backends.Run, error) {
	if err := fits(sc, l.maxUnits); err != nil {
		return nil, err
	}
	r, err := l.b.Start(ctx, sc)
	if err != nil || l.ticks <= 0 {
		return r, err
	}
	tick := sc.Tick
	if tick <= 0 {
		tick = time.Second
	}
	lr := &limitedRun{Run: r, top: float64(l.ticks) * tick.Seconds(), maxUnits: l.maxUnits,
		steps: rate.NewLimiter(rate.Limit(l.ticks), max(1, l.ticks/10))}
	lr.Run.SetSpeed(lr.top) // until the dashboard says otherwise
	return lr, nil
}

// limitedRun is a run whose speed and steps are capped.
type limitedRun struct {
	backends.Run
	top      float64 // simulated seconds per wall-clock second
	maxUnits int
	steps    *rate.Limiter
}

// SetSpeed implements backends.Run: at most the room's rate.
func (r *limitedRun) SetSpeed(x float64) {
	if math.IsNaN(x) || x <= 0 || x > r.top {
		x = r.top
	}
	r.Run.SetSpeed(x)
}

// Step implements backends.Run: steps beyond the room's rate are dropped,
// as a step while running is.
func (r *limitedRun) Step() {
	if r.steps.Allow() {
		r.Run.Step()
	}
}

// Apply implements backends.Run: a change may not grow a stream past the
// room's largest scenario.
func (r *limitedRun) Apply(c pipeline.Change) (time.Duration, error) {
	for _, a := range c.Set {
		if unitKeys[a.Key] && a.Value.Num > float64(r.maxUnits) {
			return 0, fmt.Errorf("this room runs at most %d shards or partitions; %s=%s is more", r.maxUnits, a.Node+"."+a.Key, trimNum(a.Value.Num))
		}
	}
	return r.Run.Apply(c)
}

// SetLimit implements backends.Limiter: a lesson holds the run at the
// moments it must see (a prediction's answer_at), in a room as anywhere;
// without it a learner's answer would be read wherever the run had got to.
func (r *limitedRun) SetLimit(t time.Duration) {
	if l, ok := r.Run.(backends.Limiter); ok {
		l.SetLimit(t)
	}
}

// unitKeys are the settings that multiply a simulation's work: what each
// stream storage service splits a stream into (its Parts: shards,
// partitions, video streams).
var unitKeys = partKeys()

func partKeys() map[string]bool {
	out := map[string]bool{}
	for _, s := range pipeline.Services() {
		if s.Parts.Key != "" {
			out[s.Parts.Key] = true
		}
	}
	return out
}

// units is the size of a scenario as the room counts it: nodes, plus the
// shards, partitions and video streams of its stream storage at the most
// its timeline sets them to.
func units(sc *pipeline.Scenario) int {
	top := map[string]float64{}
	for _, n := range sc.Nodes {
		for k := range unitKeys {
			if n.Service == nil {
				continue
			}
			if v, ok := n.Param(k); ok {
				top[n.ID+"."+k] = v.Num
			}
		}
	}
	for _, c := range sc.Timeline {
		for _, a := range c.Set {
			if unitKeys[a.Key] {
				top[a.Node+"."+a.Key] = math.Max(top[a.Node+"."+a.Key], a.Value.Num)
			}
		}
	}
	u := float64(len(sc.Nodes))
	for _, v := range top {
		u += v
	}
	return int(math.Min(u, math.MaxInt32))
}

// fits refuses a scenario larger than the room runs.
func fits(sc *pipeline.Scenario, maxUnits int) error {
	if u := units(sc); maxUnits > 0 && u > maxUnits {
		return fmt.Errorf("%s is too large for this room: %d nodes, shards and partitions, where the room runs up to %d", sc.Name, u, maxUnits)
	}
	return nil
}

func trimNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// estimator is the builder's estimate within the room's limits: the same
// size check, and no more estimates at once, room-wide, than half the
// processors (each one is a short simulation at full speed).
func (r *Room) estimator(base common.Estimator) common.Estimator {
	return func(ctx context.Context, sc *pipeline.Scenario) (common.Estimate, error) {
		if err := fits(sc, r.lim.MaxUnits); err != nil {
			return common.Estimate{}, err
		}
		select {
		case r.sims <- struct{}{}:
		case <-ctx.Done():
			return common.Estimate{}, ctx.Err()
		}
		defer func() { <-r.sims }()
		return base(ctx, sc)
	}
}

// cloneBuiltins gives a session copies of the built-in scenarios of its own,
// the lesson's checks, actions and predictions too (Scenario.Clone shares
// them): a learner's guess written into a prediction stays theirs.
func cloneBuiltins(bs []common.Builtin) []common.Builtin {
	out := make([]common.Builtin, len(bs))
	for i, b := range bs {
		sc := b.Scenario.Clone()
		for j := range sc.Lesson {
			st := &sc.Lesson[j]
			if st.Check != nil {
				c := *st.Check
				st.Check = &c
			}
			if st.Did != nil {
				d := *st.Did
				st.Did = &d
			}
			if st.Predict != nil {
				p := *st.Predict
				st.Predict = &p
			}
		}
		out[i] = common.Builtin{Name: b.Name, Scenario: sc}
	}
	return out
}

// addrLimiter limits new connections per address: n a minute, in bursts of n.
type addrLimiter struct {
	per int
	now func() time.Time

	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newAddrLimiter(perMinute int, now func() time.Time) *addrLimiter {
	return &addrLimiter{per: perMinute, now: now, m: map[string]*rate.Limiter{}}
}

// allow takes one connection from addr, if its budget has one.
func (a *addrLimiter) allow(addr string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.m[addr]
	if l == nil {
		l = rate.NewLimiter(rate.Every(time.Minute/time.Duration(a.per)), a.per)
		a.m[addr] = l
	}
	return l.AllowN(a.now(), 1)
}

// forget drops the addresses whose budget is full again.
func (a *addrLimiter) forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for k, l := range a.m {
		if l.TokensAt(now) >= float64(a.per) {
			delete(a.m, k)
		}
	}
}
