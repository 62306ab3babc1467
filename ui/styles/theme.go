// Package styles holds the TUI's look: a Theme of semantic colours and the
// Styles built from it once. Nothing here is a package-level style: screens
// get their Styles through ui/common.Common.
//
// Each colour of the Theme has a light and a dark variant; New picks one set
// for the terminal's background, which the root model asks Bubble Tea for
// (tea.BackgroundColorMsg) only when the terminal shows colour. lipgloss v2
// always renders full colour; Bubble Tea lowers it to what the terminal's
// profile allows when it draws, so NO_COLOR, CI and dumb terminals get plain
// text. Meaning never rests on colour alone: hot shards also say HOT,
// warnings carry ▲, and so on.
package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Colour is a colour in a variant for light and one for dark backgrounds.
type Colour struct{ Light, Dark color.Color }

// On picks the variant for a dark or light background.
func (c Colour) On(dark bool) color.Color { return lipgloss.LightDark(dark)(c.Light, c.Dark) }

func hex(light, dark string) Colour {
	return Colour{Light: lipgloss.Color(light), Dark: lipgloss.Color(dark)}
}

// Theme is the palette, by meaning.
type Theme struct {
	Primary  Colour // titles, selected items
	Accent   Colour // keys in help, highlights
	Muted    Colour // secondary text, what is fine
	OK       Colour // healthy
	Warn     Colour // close to a limit
	Hot      Colour // over a limit, errors
	Border   Colour // pane borders
	Focus    Colour // the focused pane's border
	SelectBg Colour // background of the selected row
}

// DefaultTheme is streamsim's palette.
func DefaultTheme() Theme {
	return Theme{
		Primary:  hex("#1F4E9E", "#7AA2F7"),
		Accent:   hex("#8A4B00", "#FF9E3B"),
		Muted:    hex("#6B6B6B", "#8A8F98"),
		OK:       hex("#2E7D32", "#9ECE6A"),
		Warn:     hex("#B26A00", "#E0AF68"),
		Hot:      hex("#C62828", "#F7768E"),
		Border:   hex("#B0B0B0", "#44475A"),
		Focus:    hex("#1F4E9E", "#7AA2F7"),
		SelectBg: hex("#DDE6F7", "#283457"),
	}
}
