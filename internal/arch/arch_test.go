// Package arch_test checks the dependency direction of the house style (its first section):
// cmd → ui, backends, pipeline, scenarios (never sim itself: it simulates
// through backends/sim's Runner); ui → backends, pipeline;
// backends → sim, pipeline; sim → pipeline; pipeline → stdlib, YAML (go.yaml.in/yaml/v3, and
// goccy/go-yaml for the positions of syntax errors), internal/.
// The AWS SDK and franz-go appear only in backends/aws; Bubble Tea and Lip Gloss
// (v2, charm.land) only in ui and cmd. ui/room (the workshop room served
// over SSH: wish, its SSH server, one TUI per learner, the instructor's board)
// may import the rest of ui, backends, pipeline, scenarios and internal/;
// only cmd imports it, and the rest of ui does not. Nothing imports a package that talks to
// the terminal when it is loaded (see forbidden): every command, even
// `streamsim version`, would pay for it. It reads the imports of every non-test
// file with go/parser. services_test.go checks that only the services' homes
// (pipeline, pipeline/advice, sim, backends/aws) name a specific service.
package arch_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/streamsim/streamsim/"

// rule says which imports a package (a directory and everything below it,
// unless a more specific rule covers it) may have beyond the standard library.
type rule struct {
	dir   string
	allow []string // import path prefixes; "streamsim/x" means module + "x"
}

// denied are prefixes a rule's packages may not import even where its allow
// list matches.
var denied = map[string][]string{
	"ui": {"streamsim/ui/room"}, // the room serves the TUI; the TUI knows nothing of it
	// Commands simulate through backends/sim's Runner, the one path the TUI
	// takes too, so that both see the same advice (issue 13).
	"cmd": {"streamsim/sim"},
}

var rules = []rule{
	{"internal", []string{"streamsim/internal/"}}, // the standard library, and one another
	{"pipeline", []string{"go.yaml.in/yaml/v3", "github.com/goccy/go-yaml", "streamsim/pipeline", "streamsim/internal/"}},
	{"sim", []string{"streamsim/pipeline"}},
	{"scenarios", []string{"streamsim/pipeline"}},
	{"backends", []string{"streamsim/backends", "streamsim/pipeline", "streamsim/internal/"}},
	{"backends/sim", []string{"streamsim/backends", "streamsim/pipeline", "streamsim/sim"}},
	{"backends/aws", []string{"streamsim/backends", "streamsim/pipeline", "streamsim/internal/",
		"github.com/aws/", "github.com/twmb/franz-go/"}},
	{"ui", []string{"streamsim/ui", "streamsim/backends", "streamsim/pipeline", "streamsim/internal/",
		"charm.land/", "github.com/charmbracelet/", "golang.org/x/"}},
	{"ui/room", []string{"streamsim/ui", "streamsim/backends", "streamsim/pipeline", "streamsim/scenarios", "streamsim/internal/",
		"charm.land/", "github.com/charmbracelet/", "golang.org/x/crypto/ssh", "golang.org/x/time/rate"}},
	{"cmd", []string{"streamsim/", "github.com/spf13/", "charm.land/", "github.com/charmbracelet/", "github.com/mattn/"}},
}

// forbidden are imports no package may have, whatever its rule allows: each
// queries the terminal (or reads from it) when the program starts.
var forbidden = []struct{ path, why string }{
	{"charm.land/lipgloss/v2/compat", "its init asks the terminal for its background colour"},
	{"github.com/charmbracelet/bubbletea", "Bubble Tea v1: its init asks the terminal for its background colour; use charm.land/bubbletea/v2"},
	{"github.com/charmbracelet/lipgloss", "Lip Gloss v1 detects the terminal's background on first use; use charm.land/lipgloss/v2"},
	{"github.com/charmbracelet/bubbles", "Bubbles v1 needs Bubble Tea v1; use charm.land/bubbles/v2"},
	{"github.com/muesli/termenv", "its background query blocks on terminals that never answer; use github.com/charmbracelet/colorprofile"},
}

// banned says why no package may import imp, or "".
func banned(imp string) string {
	for _, f := range forbidden {
		if imp == f.path || strings.HasPrefix(imp, f.path+"/") {
			return f.why
		}
	}
	return ""
}

func ruleFor(dir string) *rule {
	var best *rule
	for i := range rules {
		r := &rules[i]
		if dir == r.dir || strings.HasPrefix(dir, r.dir+"/") {
			if best == nil || len(r.dir) > len(best.dir) {
				best = r
			}
		}
	}
	return best
}

func allowed(r *rule, imp string) bool {
	if banned(imp) != "" || matches(denied[r.dir], imp) {
		return false
	}
	if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
		return true // the standard library
	}
	return matches(r.allow, imp)
}

// matches reports whether imp is one of prefixes or below one.
func matches(prefixes []string, imp string) bool {
	for _, a := range prefixes {
		if rest, ok := strings.CutPrefix(a, "streamsim/"); ok {
			a = module + rest
		}
		if imp == strings.TrimSuffix(a, "/") || strings.HasPrefix(imp, a) ||
			strings.HasPrefix(imp, strings.TrimSuffix(a, "/")+"/") {
			return true
		}
	}
	return false
}

func TestDependencyDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	var bad []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		r := ruleFor(rel)
		if r == nil {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if why := banned(p); why != "" {
				bad = append(bad, filepath.ToSlash(path)+": imports "+p+": "+why)
			} else if !allowed(r, p) {
				bad = append(bad, filepath.ToSlash(path)+": imports "+p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestRulesBite: the rules reject what the house style forbids.
func TestRulesBite(t *testing.T) {
	for _, c := range []struct {
		dir, imp string
		ok       bool
	}{
		{"sim", "github.com/aws/aws-sdk-go-v2/aws", false},
		{"sim", module + "ui", false},
		{"pipeline", "github.com/charmbracelet/bubbletea", false},
		{"pipeline", "charm.land/bubbletea/v2", false},
		{"ui/screens/picker", "charm.land/bubbletea/v2", true},
		{"ui/styles", "charm.land/lipgloss/v2", true},
		{"ui/styles", "charm.land/lipgloss/v2/compat", false},
		{"cmd", "charm.land/lipgloss/v2/compat", false},
		{"ui", "github.com/charmbracelet/bubbletea", false},
		{"cmd", "github.com/charmbracelet/lipgloss", false},
		{"ui/uitest", "github.com/muesli/termenv", false},
		{"cmd", "github.com/charmbracelet/colorprofile", true},
		{"pipeline/advice", module + "sim", false},
		{"ui/screens/dashboard", module + "sim", false},
		{"ui/screens/dashboard", module + "backends/sim", true},
		{"cmd", "github.com/twmb/franz-go/pkg/kadm", false},
		{"backends/aws", "github.com/twmb/franz-go/pkg/kadm", true},
		{"sim", "math/rand/v2", true},
		{"ui/room", "charm.land/wish/v2/bubbletea", true},
		{"ui/room", "golang.org/x/crypto/ssh", true},
		{"ui/room/board", module + "ui/styles", true},
		{"ui/room", module + "sim", false},
		{"ui/room", module + "cmd", false},
		{"ui/room", "github.com/aws/aws-sdk-go-v2/aws", false},
		{"ui/screens/dashboard", module + "ui/room", false},
		{"pipeline", "charm.land/wish/v2", false},
	} {
		if got := allowed(ruleFor(c.dir), c.imp); got != c.ok {
			t.Errorf("%s importing %s: allowed = %v, want %v", c.dir, c.imp, got, c.ok)
		}
	}
}
