package uitest

import (
	"context"
	"testing"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/keys"
	"github.com/streamsim/streamsim/ui/styles"
)

// Common returns a screen context over a backend and a store, with the
// given scenarios as built-ins.
func Common(b backends.Backend, st common.Store, builtins ...*pipeline.Scenario) *common.Common {
	km := keys.DefaultKeyMap()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(styles.DefaultTheme(), true), Keys: &km, Backend: b, Store: st}
	for _, s := range builtins {
		c.Builtins = append(c.Builtins, common.Builtin{Name: s.Name, Scenario: s})
	}
	return c
}

// Load parses a scenario from YAML text or fails the test.
func Load(t testing.TB, name, yaml string) *pipeline.Scenario {
	t.Helper()
	sc, err := pipeline.Load(name+".yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
