package docs_test

import (
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// idLike finds tokens shaped like rule ids; those whose first part is a
// prefix of the rule book (KDS, PRICE, …) are citations.
var idLike = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b`)

// notCitations look like ids but are not: ids tests use because they are
// not in the book, and the catalog's short label for MSK Serverless.
var notCitations = []string{"KDS-NOPE", "DDB-PARTITON-WCU", "MSK-S"}

// repoText is one file's text to look for citations in, by where it came from.
type repoText struct {
	path string
	text string // Go: string literals only (code); else the whole file
	all  string // Go: literals and comments (use); else the whole file
}

// walkRepo reads the repository's Go, Markdown and YAML files.
func walkRepo(t *testing.T) []repoText {
	t.Helper()
	root := ".."
	var out []repoText
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "node_modules" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".go" && ext != ".md" && ext != ".yaml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f := repoText{path: filepath.ToSlash(rel), text: string(data), all: string(data)}
		if ext == ".go" {
			f.text, f.all = goText(data)
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goText returns a Go file's string literals, and its literals and comments.
func goText(src []byte) (literals, all string) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", fset.Base(), len(src)), src, nil, scanner.ScanComments)
	var lit, both strings.Builder
	for {
		_, tok, text := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.STRING, token.CHAR:
			lit.WriteString(text + "\n")
			both.WriteString(text + "\n")
		case token.COMMENT:
			both.WriteString(text + "\n")
		}
	}
	return lit.String(), both.String()
}

// TestCitedRulesExist: every rule id cited in Go strings, Markdown and YAML
// anywhere in the repository is in the rule book, and nothing cites the
// research notes' "§" sections in text users see.
func TestCitedRulesExist(t *testing.T) {
	prefixes := pipeline.RulePrefixes()
	for _, f := range walkRepo(t) {
		for _, tok := range idLike.FindAllString(f.text, -1) {
			p, _, _ := strings.Cut(tok, "-")
			if !slices.Contains(prefixes, p) || slices.Contains(notCitations, tok) {
				continue
			}
			if _, ok := pipeline.LookupRule(tok); !ok {
				t.Errorf("%s cites %s, which is not in the rule book (pipeline/rules*.go)", f.path, tok)
			}
		}
		if userText(f.path) && strings.Contains(f.text, "§") {
			t.Errorf("%s cites a section (§) of the research notes; cite a rule id instead", f.path)
		}
	}
}

// userText reports whether a file's text (Go: its strings) reaches users:
// docs, the README, built-in scenarios and non-test code outside the engine.
func userText(path string) bool {
	switch {
	case strings.HasSuffix(path, "_test.go"), strings.HasPrefix(path, "sim/"):
		return false // tests; the engine's texts are converted separately
	case strings.HasSuffix(path, ".md"):
		return path == "README.md" || strings.HasPrefix(path, "docs/")
	}
	return true
}

// TestEveryRuleIsUsed: every rule of the book is cited somewhere outside it,
// in Go code or comments (a constant's comment counts) or in the hand-written
// docs, so the book holds no rule that nothing follows.
func TestEveryRuleIsUsed(t *testing.T) {
	used := map[string]bool{}
	for _, f := range walkRepo(t) {
		if strings.HasPrefix(f.path, "pipeline/rules") || f.path == "docs/"+limitsFile {
			continue
		}
		if !strings.HasSuffix(f.path, ".go") && !strings.HasPrefix(f.path, "docs/") {
			continue
		}
		for _, tok := range idLike.FindAllString(f.all, -1) {
			used[tok] = true
		}
	}
	for _, id := range pipeline.RuleIDs() {
		if !used[id] {
			t.Errorf("rule %s is cited nowhere outside the rule book", id)
		}
	}
}
