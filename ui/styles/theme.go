// Package styles holds the TUI's look: a Theme of semantic colours and the
// Styles built from it once. Nothing here is a package-level style: screens
// get their Styles through ui/common.Common.
//
// Colours are lipgloss.AdaptiveColor (a light and a dark variant); lipgloss
// picks the terminal's profile itself, so NO_COLOR and dumb terminals get plain
// text. Meaning never rests on colour alone: hot shards also say HOT, warnings
// carry ▲, and so on.
package styles

import "github.com/charmbracelet/lipgloss"

// Theme is the palette, by meaning.
type Theme struct {
	Primary  lipgloss.AdaptiveColor // titles, selected items
	Accent   lipgloss.AdaptiveColor // keys in help, highlights
	Muted    lipgloss.AdaptiveColor // secondary text, what is fine
	OK       lipgloss.AdaptiveColor // healthy
	Warn     lipgloss.AdaptiveColor // close to a limit
	Hot      lipgloss.AdaptiveColor // over a limit, errors
	Border   lipgloss.AdaptiveColor // pane borders
	Focus    lipgloss.AdaptiveColor // the focused pane's border
	SelectBg lipgloss.AdaptiveColor // background of the selected row
}

// DefaultTheme is streamsim's palette.
func DefaultTheme() Theme {
	return Theme{
		Primary:  lipgloss.AdaptiveColor{Light: "#1F4E9E", Dark: "#7AA2F7"},
		Accent:   lipgloss.AdaptiveColor{Light: "#8A4B00", Dark: "#FF9E3B"},
		Muted:    lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8F98"},
		OK:       lipgloss.AdaptiveColor{Light: "#2E7D32", Dark: "#9ECE6A"},
		Warn:     lipgloss.AdaptiveColor{Light: "#B26A00", Dark: "#E0AF68"},
		Hot:      lipgloss.AdaptiveColor{Light: "#C62828", Dark: "#F7768E"},
		Border:   lipgloss.AdaptiveColor{Light: "#B0B0B0", Dark: "#44475A"},
		Focus:    lipgloss.AdaptiveColor{Light: "#1F4E9E", Dark: "#7AA2F7"},
		SelectBg: lipgloss.AdaptiveColor{Light: "#DDE6F7", Dark: "#283457"},
	}
}
