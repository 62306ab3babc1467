package scenarios

import (
	"os"
	"strings"
	"testing"
)

// TestGalleryAndWorkshopListEveryBuiltin keeps the README's gallery and the
// workshop plan in step with the library: each built-in has a row in the
// README's table and a section in docs/workshop.md.
func TestGalleryAndWorkshopListEveryBuiltin(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	workshop, err := os.ReadFile("../docs/workshop.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		if !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("README.md's Built-in scenarios table has no row for %s", name)
		}
		if !strings.Contains(string(workshop), "`"+name+"` (") {
			t.Errorf("docs/workshop.md has no section for %s", name)
		}
	}
}
