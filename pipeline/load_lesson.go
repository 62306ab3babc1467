package pipeline

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

func (l *loader) lesson(n *yaml.Node) {
	pairs, _ := l.mapping(n, "lesson", "a mapping with steps")
	for _, p := range pairs {
		if p.key != "steps" {
			l.unknown(p, "lesson", []string{"steps"})
			continue
		}
		items := l.list(p.v, "lesson.steps", `a list of steps such as - say: "Watch shard 3"`)
		if l.tooMany(items, "lesson.steps", "lesson steps") {
			return
		}
		for i, it := range items {
			if l.full {
				return
			}
			path := index("lesson.steps", i)
			sp, ok := l.mapping(it, path, "a step: a mapping with say and optional at")
			if !ok {
				continue
			}
			step := l.lessonStep(path, posOf(it), sp)
			l.s.Lesson = append(l.s.Lesson, step)
		}
	}
}

// stepKeys are the keys of a lesson step.
var stepKeys = []string{"say", "at", "check", "did", "hint", "predict", "answer", "answer_at", "explain", "guess"}

// lessonStep loads one step's keys; what a step asks is checked against the
// scenario's metrics and settings.
func (l *loader) lessonStep(path string, pos Pos, pairs []kv) LessonStep {
	st := LessonStep{Pos: pos}
	got := map[string]kv{}
	for _, q := range pairs {
		if !slices.Contains(stepKeys, q.key) {
			l.unknown(q, path, stepKeys)
			continue
		}
		got[q.key] = q
	}
	text := func(key, what string) (string, *yaml.Node, bool) {
		q, ok := got[key]
		if !ok {
			return "", nil, false
		}
		t, ok := l.block(q.v, join(path, key), what)
		return t, q.v, ok
	}
	st.Say, _, _ = text("say", "the text to show")
	st.Hint, _, _ = text("hint", "a hint for a learner who waits")
	if q, ok := got["at"]; ok {
		if d, ok := l.duration(q.v, join(path, "at")); ok {
			st.At, st.Has = d, true
			l.beforeEnd(q.v, join(path, "at"), d, "this step would never show")
		}
	}
	if t, v, ok := text("check", "a condition such as events.shards >= 8"); ok {
		if c, err := l.s.ParseCheck(t); err != nil {
			l.add(posOf(v), join(path, "check"), "%v", err)
		} else {
			st.Check = &c
		}
	}
	if t, v, ok := text("did", "an action such as reshard, set events.keys or fail analytics"); ok {
		if a, err := l.s.ParseAction(t); err != nil {
			l.add(posOf(v), join(path, "did"), "%v", err)
		} else {
			st.Did = &a
		}
	}
	st.Predict = l.prediction(path, got)
	if _, ok := got["say"]; !ok && st.Predict == nil {
		l.add(pos, path, "missing say: the text of the step")
	}
	asks := 0
	for _, k := range []string{"check", "did", "predict"} {
		if _, ok := got[k]; ok {
			asks++
		}
	}
	if asks > 1 {
		l.add(pos, path, "a step asks for one thing: check, did or predict; split it into steps")
	}
	if _, ok := got["hint"]; ok && asks == 0 {
		l.add(posOf(got["hint"].k), join(path, "hint"), "a hint helps with a step that asks something (check, did or predict)")
	}
	return st
}

// prediction loads predict, answer, answer_at, explain and guess.
func (l *loader) prediction(path string, got map[string]kv) *Prediction {
	q, ok := got["predict"]
	if !ok {
		for _, k := range []string{"answer", "answer_at", "explain", "guess"} {
			if x, ok := got[k]; ok {
				l.add(posOf(x.k), join(path, k), "%s goes with predict", k)
			}
		}
		return nil
	}
	p := &Prediction{}
	p.Question, _ = l.block(q.v, join(path, "predict"), "the question, such as \"How many shards stop the throttling?\"")
	if a, ok := got["answer"]; !ok {
		l.add(posOf(q.k), path, "missing answer: the metric the guess is compared to, such as events.throttled_records")
	} else if t, ok := l.scalar(a.v, join(path, "answer"), "a metric"); ok {
		if _, known := l.s.LookupMetric(t); !known {
			_, err := l.s.ParseExpect(t + " >= 0")
			l.add(posOf(a.v), join(path, "answer"), "%v", err)
		}
		p.Metric = t
	}
	if a, ok := got["answer_at"]; ok {
		if d, ok := l.duration(a.v, join(path, "answer_at")); ok {
			p.AnswerAt = d
			l.beforeEnd(a.v, join(path, "answer_at"), d, "the answer would never be read")
		}
	}
	if e, ok := got["explain"]; ok {
		p.Explain, _ = l.block(e.v, join(path, "explain"), "a one-line explanation of the answer")
	}
	if g, ok := got["guess"]; ok {
		if t, ok := l.scalar(g.v, join(path, "guess"), "a number"); ok {
			v, err := parsePlainNumber(strings.TrimSpace(t))
			if err != nil {
				l.add(posOf(g.v), join(path, "guess"), "%q: expected a number", t)
			}
			p.Guess, p.Guessed = v, err == nil
		}
	}
	return p
}
