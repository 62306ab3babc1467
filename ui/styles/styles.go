package styles

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles are every style the screens use, built once by New.
type Styles struct {
	Theme Theme
	Dark  bool // built for a dark background

	Title    lipgloss.Style // screen title in the header
	Header   lipgloss.Style // the rest of the header line
	Text     lipgloss.Style
	Muted    lipgloss.Style
	Accent   lipgloss.Style
	Bold     lipgloss.Style
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Hot      lipgloss.Style
	Error    lipgloss.Style // error line in the footer
	Info     lipgloss.Style // status line in the footer
	Selected lipgloss.Style // selected row of a list

	Pane        lipgloss.Style // colour of a pane's border (drawn by layout.Pane)
	PaneFocused lipgloss.Style // colour of the focused pane's border
	PaneTitle   lipgloss.Style // title set into a pane's top border

	Box         lipgloss.Style // a node in the builder
	BoxSelected lipgloss.Style
	BoxMarked   lipgloss.Style // the source while connecting
	BoxBroken   lipgloss.Style // a node with a problem

	Help  help.Styles
	Input textinput.Styles // text fields: a steady cursor, no blink timers
}

// New builds the styles of a theme for a dark or a light background.
func New(theme Theme, dark bool) *Styles {
	s := &Styles{Theme: theme, Dark: dark}
	t := palette(theme, dark)
	s.Text = lipgloss.NewStyle()
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(t.Primary)
	s.Header = lipgloss.NewStyle().Foreground(t.Muted)
	s.Muted = lipgloss.NewStyle().Foreground(t.Muted)
	s.Accent = lipgloss.NewStyle().Foreground(t.Accent)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.OK = lipgloss.NewStyle().Foreground(t.OK)
	s.Warn = lipgloss.NewStyle().Foreground(t.Warn)
	s.Hot = lipgloss.NewStyle().Foreground(t.Hot).Bold(true)
	s.Error = lipgloss.NewStyle().Foreground(t.Hot)
	s.Info = lipgloss.NewStyle().Foreground(t.OK)
	s.Selected = lipgloss.NewStyle().Foreground(t.Primary).Background(t.SelectBg).Bold(true)

	s.Pane = lipgloss.NewStyle().Foreground(t.Border)
	s.PaneFocused = lipgloss.NewStyle().Foreground(t.Focus)
	s.PaneTitle = lipgloss.NewStyle().Bold(true).Foreground(t.Primary)

	s.Box = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(t.Border)
	s.BoxSelected = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(t.Focus)
	s.BoxMarked = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(t.Accent)
	s.BoxBroken = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(t.Hot)

	s.Help = help.Styles{
		Ellipsis:       lipgloss.NewStyle().Foreground(t.Muted),
		ShortKey:       lipgloss.NewStyle().Foreground(t.Accent),
		ShortDesc:      lipgloss.NewStyle().Foreground(t.Muted),
		ShortSeparator: lipgloss.NewStyle().Foreground(t.Border),
		FullKey:        lipgloss.NewStyle().Foreground(t.Accent),
		FullDesc:       lipgloss.NewStyle().Foreground(t.Muted),
		FullSeparator:  lipgloss.NewStyle().Foreground(t.Border),
	}

	in := textinput.StyleState{
		Text:        lipgloss.NewStyle(),
		Placeholder: lipgloss.NewStyle().Foreground(t.Muted),
		Suggestion:  lipgloss.NewStyle().Foreground(t.Muted),
		Prompt:      lipgloss.NewStyle(),
	}
	s.Input = textinput.Styles{Focused: in, Blurred: in,
		Cursor: textinput.CursorStyle{Color: t.Primary, Blink: false}}
	return s
}

// colours is a Theme with one variant picked.
type colours struct {
	Primary, Accent, Muted, OK, Warn, Hot, Border, Focus, SelectBg color.Color
}

func palette(t Theme, dark bool) colours {
	return colours{
		Primary: t.Primary.On(dark), Accent: t.Accent.On(dark), Muted: t.Muted.On(dark),
		OK: t.OK.On(dark), Warn: t.Warn.On(dark), Hot: t.Hot.On(dark),
		Border: t.Border.On(dark), Focus: t.Focus.On(dark), SelectBg: t.SelectBg.On(dark),
	}
}

// Level is how close a figure is to its limit.
type Level int

// The levels, from fine to over the limit.
const (
	LevelOK Level = iota
	LevelWarn
	LevelHot
)

// LevelOf classifies a utilisation: ≥ 100 % hot, ≥ 80 % warn.
func LevelOf(util float64) Level {
	switch {
	case util >= 1:
		return LevelHot
	case util >= 0.8:
		return LevelWarn
	}
	return LevelOK
}

// ForLevel is the style of a level (fine figures are muted).
func (s *Styles) ForLevel(l Level) lipgloss.Style {
	switch l {
	case LevelHot:
		return s.Hot
	case LevelWarn:
		return s.Warn
	}
	return s.Muted
}

// Paint applies a style's colours and attributes to one-line text with plain
// string concatenation: the escape codes are worked out once, where
// lipgloss.Style.Render measures and re-lays out the text on every call. Use
// it on hot paths (heatmaps, borders) for styles without size or frame.
type Paint struct{ pre, post string }

// NewPaint captures the escape codes a style wraps text in.
func NewPaint(s lipgloss.Style) Paint {
	r := s.Render("X")
	i := strings.Index(r, "X")
	if i < 0 {
		return Paint{}
	}
	return Paint{pre: r[:i], post: r[i+1:]}
}

// Render wraps text in the style's codes. lipgloss v2 always renders them;
// the program strips or lowers them for the terminal's colour profile.
func (p Paint) Render(text string) string {
	if p.pre == "" && p.post == "" || text == "" {
		return text
	}
	return p.pre + text + p.post
}
