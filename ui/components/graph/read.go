package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

var armsOf = func() map[rune][4]uint8 {
	m := make(map[rune][4]uint8, len(glyphs))
	for a, r := range glyphs {
		m[r] = a
	}
	m['╟'] = [4]uint8{1, 1, 1, 0} // a marked (double) frame with a line out
	return m
}()

// Read reads the edges back from a drawing, the way a person does: from
// every place a line leaves a box's right side, it follows the line through
// turns, junctions (┬ ┴ ├ ┤: both ways) and crossings (┼: straight on) to
// every ▶ it reaches, and names the box that ▶ points into. lines is the
// drawing as shown (escape codes are ignored); boxes are where the boxes are
// in it. A line that stops short, meets a cell that does not continue it, or
// a line cell that no box's line reaches is an error: the drawing would say
// something that is not an edge.
func Read(lines []string, boxes map[string]Rect) ([]Edge, error) {
	grid := make([][]rune, len(lines))
	for i, l := range lines {
		grid[i] = []rune(ansi.Strip(l))
	}
	at := func(x, y int) rune {
		if y < 0 || y >= len(grid) || x < 0 || x >= len(grid[y]) {
			return ' '
		}
		return grid[y][x]
	}
	inBox := func(x, y int) bool {
		for _, r := range boxes {
			if r.Contains(x, y) {
				return true
			}
		}
		return false
	}
	into := func(x, y int) (string, bool) {
		for id, r := range boxes {
			if r.X == x && y > r.Y && y < r.Y+r.H-1 {
				return id, true
			}
		}
		return "", false
	}
	outOf := func(x, y int) bool {
		for _, r := range boxes {
			if r.X+r.W-1 == x && y > r.Y && y < r.Y+r.H-1 {
				return true
			}
		}
		return false
	}
	dx := [4]int{0, 1, 0, -1}
	dy := [4]int{-1, 0, 1, 0}
	var errs []string
	found := map[Edge]bool{}
	reached := map[[2]int]bool{}
	ids := make([]string, 0, len(boxes))
	for id := range boxes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := boxes[id]
		bx := r.X + r.W - 1
		for y := r.Y + 1; y < r.Y+r.H-1; y++ {
			if a, ok := armsOf[at(bx, y)]; !ok || a[right] == 0 {
				continue
			}
			type step struct{ x, y, from int }
			stack := []step{{bx + 1, y, left}}
			seen := map[step]bool{}
			for len(stack) > 0 {
				s := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if seen[s] {
					continue
				}
				seen[s] = true
				reached[[2]int{s.x, s.y}] = true
				ch := at(s.x, s.y)
				if ch == '▶' {
					if s.from != left {
						errs = append(errs, fmt.Sprintf("%s: ▶ at %d,%d entered from the side", id, s.x, s.y))
						continue
					}
					if to, ok := into(s.x+1, s.y); ok {
						found[Edge{id, to}] = true
					} else {
						errs = append(errs, fmt.Sprintf("%s: ▶ at %d,%d points at no box", id, s.x, s.y))
					}
					continue
				}
				a, ok := armsOf[ch]
				if ok && a[s.from] != 0 && s.from == right && outOf(s.x, s.y) {
					continue // another source of the same tree
				}
				if !ok || a[s.from] == 0 || inBox(s.x, s.y) {
					errs = append(errs, fmt.Sprintf("%s: the line stops at %d,%d (%q)", id, s.x, s.y, ch))
					continue
				}
				var next []int
				if a[0] != 0 && a[1] != 0 && a[2] != 0 && a[3] != 0 {
					next = []int{(s.from + 2) % 4} // a crossing: straight on
				} else {
					for d := range 4 {
						if d != s.from && a[d] != 0 {
							next = append(next, d)
						}
					}
				}
				for _, d := range next {
					stack = append(stack, step{s.x + dx[d], s.y + dy[d], (d + 2) % 4})
				}
			}
		}
	}
	// Every line cell outside the boxes must belong to some box's lines.
	for y, row := range grid {
		for x, ch := range row {
			if _, ok := armsOf[ch]; (ok || ch == '▶') && !inBox(x, y) && !reached[[2]int{x, y}] {
				errs = append(errs, fmt.Sprintf("a line at %d,%d (%q) comes from no box", x, y, ch))
			}
		}
	}
	out := make([]Edge, 0, len(found))
	for e := range found {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	if len(errs) > 0 {
		if len(errs) > 5 {
			errs = append(errs[:5], fmt.Sprintf("and %d more", len(errs)-5))
		}
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// Rects returns where every box is on the canvas.
func (l *Layout) Rects() map[string]Rect {
	out := make(map[string]Rect, len(l.rects))
	for id, r := range l.rects {
		out[id] = r
	}
	return out
}
