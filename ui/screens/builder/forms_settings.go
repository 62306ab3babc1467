package builder

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

func (m *Model) settingsForm() *form {
	st := m.c.Styles
	sc := m.sc
	f := &form{title: "edit settings", note: "the scenario's top level and its requirements (the advisor's input) · empty = the default or unset"}
	add := func(name, value, ph, help string, check func(string) error) {
		fl := newField(st, name, value, ph, help)
		fl.check = func(_ *form, t string) string {
			if t == "" || check == nil {
				return ""
			}
			return errText(check(t))
		}
		f.fields = append(f.fields, fl)
	}
	add("name", sc.Name, "", "a-z, 0-9 and - · the scenario's name", pipeline.CheckName)
	add("title", sc.Title, "(none)", "one line · shown in the picker", pipeline.CheckText)
	desc := newArea(st, "description", sc.Description, "(none)", "Markdown · shown in the picker and the lesson panel")
	desc.check = func(_ *form, t string) string { return errText(pipeline.CheckBlock(t)) }
	f.fields = append(f.fields, desc)
	add("seed", strconv.FormatInt(sc.Seed, 10), "default 1", "an integer · the same seed gives the same run",
		func(t string) error { _, err := pipeline.ParseSeed(t); return err })
	add("duration", pipeline.FormatDuration(sc.Duration), "default 1h", "a duration · simulated time",
		func(t string) error { _, err := sc.ParseRunDuration(t); return err })
	add("tick", pipeline.FormatDuration(sc.Tick), "default 1s", "a duration, at least 10ms · the simulation's step",
		func(t string) error { _, err := sc.ParseTick(t); return err })
	add("region", sc.RegionOrDefault(), "default us-east-1", "an AWS region · prices and default quotas", pipeline.CheckRegion)
	for _, k := range pipeline.RequirementKeys() {
		v, _ := sc.Requirements.Text(k)
		key := k
		add("requirements."+k, v, "(not set)", pipeline.RequirementHelp(k), func(t string) error {
			var r pipeline.Requirements
			return r.SetText(key, t)
		})
		fl := f.fields[len(f.fields)-1]
		switch k {
		case "ordering":
			fl.options = func(_ *form, t string) ([]string, int) { return prefixOptions([]string{"none", "per-key"}, t, "", 4) }
		case "existing_kafka", "transformations":
			fl.options = func(_ *form, t string) ([]string, int) { return prefixOptions([]string{"true", "false"}, t, "", 4) }
		case "delivery":
			fl.options = func(_ *form, t string) ([]string, int) {
				return prefixOptions(pipeline.ServiceNames(pipeline.Destination), t, ",", 6)
			}
		}
	}
	f.whole = func(f *form) string {
		d := f.value("duration")
		t := f.value("tick")
		if d == "" || t == "" {
			return ""
		}
		dd, err1 := pipeline.ParseDuration(d)
		tt, err2 := pipeline.ParseDuration(t)
		if err1 == nil && err2 == nil && tt > dd {
			return fmt.Sprintf("tick %s is longer than the run (duration %s)", t, d)
		}
		return ""
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		return m.edit("edited the settings", func(sc *pipeline.Scenario) (string, error) {
			sc.Name = f.value("name")
			sc.Title = f.value("title")
			if d := f.value("description"); strings.TrimSpace(d) != strings.TrimSpace(sc.Description) {
				sc.Description = d
				if strings.Contains(d, "\n") {
					sc.Description += "\n" // a block text ends with its line
				}
			}
			sc.Seed = pipeline.DefaultSeed
			if t := f.value("seed"); t != "" {
				sc.Seed, _ = pipeline.ParseSeed(t)
			}
			sc.Duration = pipeline.DefaultDuration
			if t := f.value("duration"); t != "" {
				sc.Duration, _ = pipeline.ParseDuration(t)
			}
			sc.Tick = pipeline.DefaultTick
			if t := f.value("tick"); t != "" {
				sc.Tick, _ = pipeline.ParseDuration(t)
			}
			sc.Region = pipeline.DefaultRegion
			if t := f.value("region"); t != "" {
				sc.Region = t
			}
			for _, k := range pipeline.RequirementKeys() {
				if err := sc.Requirements.SetText(k, f.value("requirements."+k)); err != nil {
					return "", err
				}
			}
			return "updated the settings", nil
		})
	}
	f.setWidth(m.w)
	f.validate()
	return f
}
