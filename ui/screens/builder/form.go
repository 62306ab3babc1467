package builder

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/styles"
)

// field is one row of a form: a value typed in the format's units, checked
// as it is typed.
type field struct {
	name  string // as the format writes the key
	help  string // one line: what it takes and what it means
	input textinput.Model
	area  *textarea.Model // a text of several lines (description, a lesson step) instead of input
	typed string          // the text when the form opened
	err   string
	// check says what is wrong with text ("" when nothing is).
	check func(f *form, text string) string
	// off says why the field means nothing now, given the other fields
	// ("" when it does): it is skipped, and dropped when the form applies.
	off func(f *form) string
	// options are completions for the word being typed (the last one):
	// the words, and where in text that word starts.
	options func(f *form, text string) (words []string, start int)
}

// form edits a few values at once; enter applies them as one change.
type form struct {
	title  string
	note   string // under the title
	fields []*field
	focus  int
	opt    int // the completion picked among the focused field's options
	// whole checks the fields together ("" when they make sense).
	whole func(f *form) string
	// preview says what validation would find after applying (a warning:
	// the form applies anyway; the pipeline may pass through invalid states).
	preview func(f *form) string
	// info is a line about what is being typed (the meaning of a metric).
	info  func(f *form) string
	apply func(m *Model, f *form) tea.Cmd
}

func newField(st *styles.Styles, name, value, placeholder, help string) *field {
	in := common.NewInput(st)
	in.Prompt = ""
	in.CharLimit = 4096
	in.SetValue(value)
	in.CursorStart() // a field not being typed in shows its start
	in.Placeholder = placeholder
	return &field{name: name, help: help, input: in, typed: value}
}

// areaRows is how many lines a text field shows.
const areaRows = 4

// newArea is a field for a text of several lines: ctrl+j starts a new line
// (enter applies the form, as everywhere).
func newArea(st *styles.Styles, name, value, placeholder, help string) *field {
	a := textarea.New()
	a.ShowLineNumbers = false
	a.Prompt = ""
	a.CharLimit = 0
	a.Placeholder = placeholder
	a.SetHeight(areaRows)
	a.KeyMap.InsertNewline = key.NewBinding(key.WithKeys("ctrl+j", "alt+enter"), key.WithHelp("ctrl+j", "new line"))
	a.SetStyles(areaStyles(st))
	a.SetValue(value)
	fl := &field{name: name, help: help + " · ctrl+j starts a new line", area: &a, typed: value}
	fl.input = common.NewInput(st) // unused, but a valid model
	return fl
}

// areaStyles are a text field's looks in the theme: no cursor-line
// background, a steady cursor.
func areaStyles(st *styles.Styles) textarea.Styles {
	state := textarea.StyleState{
		Base: lipgloss.NewStyle(), Text: lipgloss.NewStyle(), CursorLine: lipgloss.NewStyle(),
		Placeholder: st.Muted, Prompt: lipgloss.NewStyle(), EndOfBuffer: st.Muted,
		LineNumber: st.Muted, CursorLineNumber: st.Muted,
	}
	return textarea.Styles{Focused: state, Blurred: state,
		Cursor: textarea.CursorStyle{Color: st.Input.Cursor.Color, Shape: tea.CursorBlock, Blink: false}}
}

// text is what the field holds.
func (fl *field) text() string {
	if fl.area != nil {
		return fl.area.Value()
	}
	return fl.input.Value()
}

// get returns a field by name.
func (f *form) get(name string) *field {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl
		}
	}
	return nil
}

// value is a field's text, trimmed ("" for a field that is off or absent).
func (f *form) value(name string) string {
	fl := f.get(name)
	if fl == nil || fl.isOff(f) {
		return ""
	}
	return strings.TrimSpace(fl.text())
}

func (fl *field) isOff(f *form) bool { return fl.off != nil && fl.off(f) != "" }

// changed reports whether any field differs from what the form opened with.
func (f *form) changed() bool {
	for _, fl := range f.fields {
		if fl.text() != fl.typed {
			return true
		}
	}
	return false
}

func (f *form) setWidth(w int) {
	for _, fl := range f.fields {
		fl.input.SetWidth(max(8, min(24, w/4)))
		if fl.area != nil {
			fl.area.SetWidth(max(20, w-30))
		}
	}
}

func (f *form) setStyles(st *styles.Styles) {
	for _, fl := range f.fields {
		fl.input.SetStyles(st.Input)
		if fl.area != nil {
			fl.area.SetStyles(areaStyles(st))
		}
	}
}

func (f *form) focusCmd() tea.Cmd {
	for _, fl := range f.fields {
		if fl.input.Focused() {
			fl.input.CursorStart()
		}
		fl.input.Blur()
		if fl.area != nil {
			fl.area.Blur()
		}
	}
	if f.focus < 0 || f.focus >= len(f.fields) {
		return nil
	}
	fl := f.fields[f.focus]
	if fl.area != nil {
		return fl.area.Focus()
	}
	fl.input.CursorEnd()
	return fl.input.Focus()
}

// move goes to the next field (d = 1) or the previous one (-1), over
// fields that mean nothing now.
func (f *form) move(d int) tea.Cmd {
	n := len(f.fields)
	for i := 1; i <= n; i++ {
		j := ((f.focus+d*i)%n + n) % n
		if !f.fields[j].isOff(f) {
			f.focus = j
			break
		}
	}
	f.opt = 0
	return f.focusCmd()
}

// focusOn puts the cursor in the field named, if it takes typing now.
func (f *form) focusOn(name string) {
	for i, fl := range f.fields {
		if fl.name == name && !fl.isOff(f) {
			f.focus = i
		}
	}
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return nil
	}
	fl := f.fields[f.focus]
	var cmd tea.Cmd
	if fl.area != nil {
		*fl.area, cmd = fl.area.Update(msg)
	} else {
		fl.input, cmd = fl.input.Update(msg)
	}
	f.opt = 0
	f.validate()
	return cmd
}

// validate checks every field that means something now.
func (f *form) validate() {
	for _, fl := range f.fields {
		fl.err = ""
		if fl.isOff(f) || fl.check == nil {
			continue
		}
		fl.err = fl.check(f, strings.TrimSpace(fl.text()))
	}
}

// errors lists what keeps the form from applying.
func (f *form) errors() []string {
	var out []string
	for _, fl := range f.fields {
		if fl.err != "" && !fl.isOff(f) {
			out = append(out, fl.name+": "+fl.err)
		}
	}
	if f.whole != nil {
		if e := f.whole(f); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// options are the completions offered for the focused field now.
func (f *form) options() ([]string, int) {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return nil, 0
	}
	fl := f.fields[f.focus]
	if fl.options == nil || fl.isOff(f) || fl.area != nil {
		return nil, 0
	}
	return fl.options(f, fl.input.Value())
}

// onArea reports whether the focused field is a text of several lines (the
// arrows then move in it).
func (f *form) onArea() bool {
	return f.focus >= 0 && f.focus < len(f.fields) && f.fields[f.focus].area != nil
}

// completes reports whether tab completes the word being typed.
func (f *form) completes() bool {
	words, _ := f.options()
	return len(words) > 0
}

// pick moves the completion picked among the options.
func (f *form) pick(d int) {
	words, _ := f.options()
	if len(words) > 0 {
		f.opt = ((f.opt+d)%len(words) + len(words)) % len(words)
	}
}

// complete replaces the word being typed with the completion picked.
func (f *form) complete() {
	words, start := f.options()
	if len(words) == 0 {
		return
	}
	fl := f.fields[f.focus]
	v := fl.input.Value()
	fl.input.SetValue(v[:min(start, len(v))] + words[min(f.opt, len(words)-1)])
	fl.input.CursorEnd()
	f.opt = 0
	f.validate()
}

// offCount lists the fields with text that the form will drop because
// they mean nothing now.
func (f *form) dropped() []string {
	var out []string
	for _, fl := range f.fields {
		if fl.isOff(f) && strings.TrimSpace(fl.text()) != "" {
			out = append(out, fl.name)
		}
	}
	return out
}
