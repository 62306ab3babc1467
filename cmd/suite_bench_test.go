package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/scenarios"
)

// BenchmarkSuite52 is `streamsim test` on the built-ins at 4 seeds each (52
// scenarios) with 1 worker and with every core; the ratio of the two is the
// pool's speed-up (go test ./cmd -run '^$' -bench Suite52).
func BenchmarkSuite52(b *testing.B) {
	dir := b.TempDir()
	for _, name := range scenarios.Names() {
		data, _ := scenarios.Read(name)
		for seed := 1; seed <= 4; seed++ {
			text := string(data)
			if strings.Contains(text, "\nseed:") {
				lines := strings.Split(text, "\n")
				for i, l := range lines {
					if strings.HasPrefix(l, "seed:") {
						lines[i] = fmt.Sprintf("seed: %d", seed)
					}
				}
				text = strings.Join(lines, "\n")
			} else {
				text = strings.Replace(text, "\nname:", fmt.Sprintf("\nseed: %d\nname:", seed), 1)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.yaml", name, seed)), []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Chdir(dir)
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	for _, workers := range []string{"1", "0"} {
		b.Run("parallel="+workers, func(b *testing.B) {
			for b.Loop() {
				if code := ExecuteArgs([]string{"test", "--parallel", workers}, discard{}, discard{}); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
