package picker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

func newPicker(t *testing.T, files map[string]string) *Model {
	t.Helper()
	c := uitest.Common(&fake.Backend{}, uitest.NewMemStore(files),
		uitest.Load(t, "shop", uitest.ShopYAML), uitest.Load(t, "tiny", uitest.TinyYAML))
	m := New(c)
	m.SetSize(120, 30)
	return m
}

// press sends keys and returns the messages the last key's commands produce.
func press(m *Model, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		out = uitest.RunCmd(m.Update(uitest.Key(k)), time.Second)
		// Answers to the picker's own commands go back to it.
		for _, msg := range out {
			switch msg.(type) {
			case fileLoadedMsg, common.PathsCompletedMsg:
				out = uitest.RunCmd(m.Update(msg), time.Second)
			}
		}
	}
	return out
}

func TestEnterOpensRunRunsNewStartsEmpty(t *testing.T) {
	m := newPicker(t, nil)
	msgs := press(m, "down", "enter")
	if len(msgs) != 1 {
		t.Fatalf("enter: %v", msgs)
	}
	open, ok := msgs[0].(common.ScenarioOpenedMsg)
	if !ok || open.Scenario.Name != "tiny" || open.Path != "" {
		t.Fatalf("enter: %#v", msgs[0])
	}
	run, ok := press(m, "up", "r")[0].(common.RunRequestedMsg)
	if !ok || run.Scenario.Name != "shop" || !run.Open {
		t.Fatalf("r: %#v", run)
	}
	newMsg, ok := press(m, "n")[0].(common.ScenarioOpenedMsg)
	if !ok || len(newMsg.Scenario.Nodes) != 0 || newMsg.Scenario.Name != "new-pipeline" {
		t.Fatalf("n: %#v", newMsg)
	}
}

func TestFilter(t *testing.T) {
	m := newPicker(t, nil)
	press(m, "/")
	if !m.CapturesInput() {
		t.Fatal("the filter does not take the keys")
	}
	for _, msg := range uitest.Type("lambda") { // a service of shop only
		m.Update(msg)
	}
	if b, ok := m.Selected(); !ok || b.Name != "shop" || len(m.shown) != 1 {
		t.Fatalf("filter by service: %v", m.shown)
	}
	press(m, "enter")
	if m.CapturesInput() || !strings.Contains(uitest.Plain(m.View()), "1 of 2 scenarios") {
		t.Fatalf("after enter:\n%s", uitest.Plain(m.View()))
	}
	press(m, "esc")
	if len(m.shown) != 2 {
		t.Fatal("esc did not clear the filter")
	}
	press(m, "/")
	for _, msg := range uitest.Type("zzz") {
		m.Update(msg)
	}
	if _, ok := m.Selected(); ok || !strings.Contains(uitest.Plain(m.View()), "no scenario matches") {
		t.Fatalf("no match:\n%s", uitest.Plain(m.View()))
	}
	if msgs := press(m, "esc", "enter"); len(msgs) != 1 {
		t.Fatalf("esc in the filter clears it: %v", msgs)
	}
}

func TestOpenFile(t *testing.T) {
	m := newPicker(t, map[string]string{
		"good.yaml": uitest.TinyYAML,
		"bad.yaml":  "version: 1\nname: Bad Name\n",
	})
	press(m, "o")
	for _, msg := range uitest.Type("bad.yaml") {
		m.Update(msg)
	}
	msgs := press(m, "enter")
	if len(msgs) != 1 || !msgs[0].(common.StatusPostedMsg).Err {
		t.Fatalf("bad file: %v", msgs)
	}
	v := uitest.Plain(m.View())
	if !strings.Contains(v, "could not open the file") || !strings.Contains(v, "bad.yaml:2:7: name") {
		t.Fatalf("the problems are not shown:\n%s", v)
	}
	press(m, "o")
	for _, msg := range uitest.Type("good.yaml") {
		m.Update(msg)
	}
	msgs = press(m, "enter")
	open, ok := msgs[0].(common.ScenarioOpenedMsg)
	if !ok || open.Path != "good.yaml" || open.Scenario.Name != "tiny" {
		t.Fatalf("good file: %#v", msgs)
	}
	press(m, "o", "esc")
	if m.CapturesInput() {
		t.Fatal("esc did not cancel the path prompt")
	}
}

func TestHelpIsTruthful(t *testing.T) {
	m := newPicker(t, nil)
	enabled := func() string {
		var s []string
		for _, b := range m.ShortHelp() {
			if b.Enabled() {
				s = append(s, b.Help().Key)
			}
		}
		return strings.Join(s, " ")
	}
	if got := enabled(); got != "enter r o n /" {
		t.Fatalf("browsing: %q", got)
	}
	press(m, "/")
	if got := enabled(); got != "enter esc" {
		t.Fatalf("filtering: %q", got)
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newPicker(t, nil)
			m.SetSize(sz[0], sz[1]-2)
			v := m.View()
			uitest.CheckFits(t, v, sz[0], sz[1]-2)
			golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
		})
	}
}

func TestViewFitsEverySize(t *testing.T) {
	m := newPicker(t, nil)
	for _, sz := range uitest.Sizes() {
		m.SetSize(sz[0], sz[1]-2)
		uitest.CheckFits(t, m.View(), sz[0], sz[1]-2)
	}
}

// tab in the path prompt completes what all the matching paths share and
// lists them when there are several; a file that cannot be read is said in
// plain words, named as typed.
func TestOpenFileCompletes(t *testing.T) {
	m := newPicker(t, map[string]string{
		"scenarios/shop.yaml":  uitest.ShopYAML,
		"scenarios/shop2.yaml": uitest.ShopYAML,
		"scenarios/tiny.yaml":  uitest.TinyYAML,
		"notes.txt":            "x",
	})
	press(m, "o")
	for _, msg := range uitest.Type("sc") {
		m.Update(msg)
	}
	press(m, "tab")
	if got := m.path.Value(); got != "scenarios/" {
		t.Fatalf("tab: %q", got)
	}
	press(m, "tab")
	v := uitest.Plain(m.View())
	if !strings.Contains(v, "tab: 3 matches") || !strings.Contains(v, "scenarios/tiny.yaml") {
		t.Fatalf("choices:\n%s", v)
	}
	for _, msg := range uitest.Type("s") {
		m.Update(msg)
	}
	press(m, "tab")
	if got := m.path.Value(); got != "scenarios/shop" {
		t.Fatalf("tab after s: %q", got)
	}
	for _, msg := range uitest.Type("zz") {
		m.Update(msg)
	}
	press(m, "tab")
	if v := uitest.Plain(m.View()); !strings.Contains(v, "no folder or .yaml file starts with scenarios/shopzz") {
		t.Fatalf("no match:\n%s", v)
	}
	msgs := press(m, "enter")
	if len(msgs) != 1 || !msgs[0].(common.StatusPostedMsg).Err {
		t.Fatalf("missing file: %v", msgs)
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "scenarios/shopzz") || strings.Contains(v, "open scenarios") || strings.Contains(v, "no such file") {
		t.Fatalf("the error is not in plain words:\n%s", v)
	}
}

// In a workshop the picker lists the lessons with their progress, which the
// dashboard's reports keep up to date, and enter starts the lesson.
func TestWorkshopShowsProgress(t *testing.T) {
	c := uitest.Common(&fake.Backend{}, uitest.NewMemStore(nil),
		uitest.Load(t, "shop", uitest.ShopYAML), uitest.Load(t, "tiny", uitest.TinyYAML))
	c.Workshop = &common.Workshop{Progress: map[string]progress.Lesson{
		"tiny": {Started: true, Done: true, Steps: 2, Of: 2, BestError: 0.12},
	}}
	m := New(c)
	m.SetSize(120, 30)
	v := uitest.Plain(m.View())
	for _, want := range []string{"streamsim workshop", "1 of 2 lessons done", "shop · new", "tiny ✓ done", "progress  not started"} {
		if !strings.Contains(v, want) {
			t.Fatalf("no %q:\n%s", want, v)
		}
	}
	m.Update(common.LessonProgressedMsg{Progress: common.LessonProgress{Scenario: "shop", Step: 2, Steps: 3,
		Done: []bool{true, true, false}, BestErr: 0.5}})
	v = uitest.Plain(m.View())
	if !strings.Contains(v, "shop 2/3 steps") || !strings.Contains(v, "2/3 steps · best prediction 50% off") {
		t.Fatalf("after a report:\n%s", v)
	}
	press(m, "down")
	if v := uitest.Plain(m.View()); !strings.Contains(v, "done · best prediction 12% off") {
		t.Fatalf("tiny's detail:\n%s", v)
	}
	run, ok := press(m, "up", "enter")[0].(common.RunRequestedMsg)
	if !ok || run.Scenario.Name != "shop" || !run.Open {
		t.Fatalf("enter in a workshop: %#v", run)
	}
	if !strings.Contains(strings.Join(helpTexts(m), " · "), "enter start lesson") {
		t.Fatalf("help: %v", helpTexts(m))
	}
}

func helpTexts(m *Model) []string {
	var out []string
	for _, b := range m.ShortHelp() {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return out
}
