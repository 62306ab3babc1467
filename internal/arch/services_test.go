package arch_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	pathpkg "path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// Each AWS service has one home (issue 13): what differs between services
// is data in its catalog entry (pipeline/services.go), its behaviour in one
// sim file and its rules in one advice file. Everywhere else code reads
// n.Service.X and never asks which service a node is.

// serviceHomes are the packages that may name a specific service (each
// package itself, not those below it).
var serviceHomes = []string{
	"pipeline",          // the catalog, validation, the rule book
	"sim",               // each service's behaviour
	"backends/aws",      // creates and drives the services it knows, refuses the rest
	"internal/randpipe", // writes random scenarios for tests: services by name, by nature; a new one is simply not generated
}

// serviceHomeFiles are packages where only the files that match a pattern
// may name a specific service: one file per service.
var serviceHomeFiles = map[string]string{
	"pipeline/advice": "svc_*.go", // each service's rules, registered in its own file
}

// serviceExceptions are known uses elsewhere, "file: what" → why. Each
// must still occur (a stale one fails), so the list only shrinks; it is
// empty, and should stay so.
var serviceExceptions = map[string]string{}

// serviceConsts maps each ServiceName constant of the catalog to its value,
// read from pipeline/catalog.go.
func serviceConsts(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "..", "pipeline", "catalog.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "ServiceName" {
				continue
			}
			for i, n := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					out[n.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
	}
	var values []string
	for _, v := range out {
		values = append(values, v)
	}
	for _, s := range pipeline.Services() {
		if !slices.Contains(values, string(s.Name)) {
			t.Fatalf("the catalog's %s has no ServiceName constant in pipeline/catalog.go", s.Name)
		}
	}
	return out
}

// serviceChecker finds where a file names a specific service.
type serviceChecker struct {
	consts map[string]string // constant → value
	names  map[string]bool   // values
}

func newServiceChecker(consts map[string]string) *serviceChecker {
	c := &serviceChecker{consts: consts, names: map[string]bool{}}
	for _, v := range consts {
		c.names[v] = true
	}
	return c
}

// isName reports whether e is a string literal that is a service's name,
// or a service's name followed by a dot ("kinesis-data-streams.shards").
func (c *serviceChecker) isName(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return "", false
	}
	svc, _, _ := strings.Cut(s, ".")
	return lit.Value, c.names[svc]
}

// check lists, as "line: what", the places of f that name a specific
// service: any use of a ServiceName constant, and a string literal naming a
// service where it is compared, switched on or a map's key.
func (c *serviceChecker) check(fset *token.FileSet, f *ast.File) []string {
	pkg := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == module+"pipeline" {
			pkg = "pipeline"
			if im.Name != nil {
				pkg = im.Name.Name
			}
		}
	}
	var out []string
	add := func(n ast.Node, what string) {
		out = append(out, fmt.Sprintf("%d: %s", fset.Position(n.Pos()).Line, what))
	}
	lit := func(e ast.Expr, how string) {
		if v, ok := c.isName(e); ok {
			add(e, how+" "+v)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && pkg != "" && x.Name == pkg {
				if _, ok := c.consts[n.Sel.Name]; ok {
					add(n, "names pipeline."+n.Sel.Name)
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				lit(n.X, "compares with")
				lit(n.Y, "compares with")
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				lit(e, "switches on")
			}
		case *ast.CompositeLit:
			if _, ok := n.Type.(*ast.MapType); ok {
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						lit(kv.Key, "keys a map by")
					}
				}
			}
		}
		return true
	})
	return out
}

// TestServicesHaveOneHome fails when code outside the service homes names a
// specific service: compares a node's service with one, switches on it, or
// keys a map by it. Such a fact belongs in the service's catalog entry, as a
// field the code reads (docs/adding-a-service.md).
func TestServicesHaveOneHome(t *testing.T) {
	c := newServiceChecker(serviceConsts(t))
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	var bad []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || slices.Contains(serviceHomes, pathpkg.Dir(rel)) {
			return nil
		}
		if pat, ok := serviceHomeFiles[pathpkg.Dir(rel)]; ok {
			if m, _ := pathpkg.Match(pat, pathpkg.Base(rel)); m {
				return nil
			}
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, v := range c.check(fset, f) {
			line, what, _ := strings.Cut(v, ": ")
			if key := rel + ": " + what; serviceExceptions[key] != "" {
				seen[key] = true
				continue
			}
			bad = append(bad, rel+":"+line+": "+what)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s: read a field of the service's catalog entry instead (docs/adding-a-service.md)", b)
	}
	for k := range serviceExceptions {
		if !seen[k] {
			t.Errorf("the exception %q no longer occurs: remove it from serviceExceptions", k)
		}
	}
}

// TestServiceCheckBites: the check finds each way of asking which service a
// node is, and leaves generic code alone.
func TestServiceCheckBites(t *testing.T) {
	c := newServiceChecker(serviceConsts(t))
	head := "package cmd\nimport p \"" + module + "pipeline\"\nvar _ = p.Services\n"
	for _, tc := range []struct {
		src  string
		want string // "" = no finding
	}{
		{`func f(n *p.Node) bool { return n.Service.Name == p.MSK }`, "names pipeline.MSK"},
		{`func f(n *p.Node) bool { return n.Service.Name != "msk" }`, `compares with "msk"`},
		{`func f(n *p.Node) bool { return "firehose" == string(n.Service.Name) }`, `compares with "firehose"`},
		{`func f(n *p.Node) int { switch n.Service.Name { case p.Lambda: return 1 }; return 0 }`, "names pipeline.Lambda"},
		{`func f(n *p.Node) int { switch string(n.Service.Name) { case "s3": return 1 }; return 0 }`, `switches on "s3"`},
		{`func f(k string) int { switch k { case "kinesis-data-streams.shards": return 1 }; return 0 }`, `switches on "kinesis-data-streams.shards"`},
		{`var m = map[string]string{"flink": "checkpoint"}`, `keys a map by "flink"`},
		{`var m = map[p.ServiceName]string{p.Flink: "checkpoint"}`, "names pipeline.Flink"},
		{`func f(n *p.Node) bool { return n.Service.DirectPut }`, ""},
		{`func f(n *p.Node) string { return n.Service.Parts.Key }`, ""},
		{`func f(k string) bool { return k == "shards" }`, ""},
		{`var id = "producer"`, ""},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", head+tc.src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		got := c.check(fset, f)
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: found %v, want nothing", tc.src, got)
		case tc.want != "" && (len(got) == 0 || !strings.HasSuffix(got[0], ": "+tc.want)):
			t.Errorf("%s: found %v, want %q", tc.src, got, tc.want)
		}
	}
}
