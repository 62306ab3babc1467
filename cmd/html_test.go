package cmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/streamsim/streamsim/scenarios"
)

// TestHTMLReportIsDeterministic: the same file, seed and flags give the same
// page, and --html changes nothing else the run writes.
func TestHTMLReportIsDeterministic(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.html"), filepath.Join(dir, "b.html")
	plain, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-"}, 0)
	withHTML, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--html", a}, 0)
	wantCode(t, []string{"run", "seed-pipeline", "--quiet", "--html", b}, 0)
	if plain != withHTML {
		t.Error("--html changed the JSON report")
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) < 10_000 || string(x) != string(y) {
		t.Fatalf("pages of %d and %d bytes differ", len(x), len(y))
	}
	for _, want := range []string{"<svg class=\"graph\"", "Expectations", "pipeline.lost_records == 0", "Cost by node",
		"Stream storage: records/s", "clicks (kinesis-data-streams): write load per unit over time", "delivered, to 2 destinations"} {
		if !strings.Contains(string(x), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	inline := strings.ReplaceAll(string(x), "url(#", "") // SVG's own references
	for _, banned := range []string{"<script", "http://", "https://", "@import", "url(", "src="} {
		if strings.Contains(inline, banned) {
			t.Errorf("the page is not self-contained: it has %q", banned)
		}
	}
}

// chromium is the browser the page test renders with, or "" when there is none.
func chromium() string {
	for _, name := range []string{os.Getenv("STREAMSIM_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLReportsRenderInChromium renders the report of every built-in (and a
// compare page) in headless Chromium: it must load with no console error, no
// exception and no network request, and each is kept as a PNG under
// $STREAMSIM_ARTIFACTS (default build/artifacts/html), which git ignores.
func TestHTMLReportsRenderInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)")
	}
	plainRunEnv(t)
	out := os.Getenv("STREAMSIM_ARTIFACTS")
	if out == "" {
		out = filepath.Join("..", "build", "artifacts", "html")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pages := map[string]string{}
	for _, name := range scenarios.Names() {
		p := filepath.Join(dir, name+".html")
		code, _, stderr := run(t, "run", name, "--quiet", "--html", p)
		if code > 1 {
			t.Fatalf("%s: exit %d\n%s", name, code, stderr)
		}
		pages[name] = p
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	run(t, "run", "seed-pipeline", "--quiet", "--series", "--json", a)
	run(t, "run", "seed-pipeline", "--quiet", "--series", "--json", b, "--set", "clicks.shards=2")
	pages["compare"] = filepath.Join(dir, "compare.html")
	wantCode(t, []string{"compare", a, b, "--html", pages["compare"]}, 0)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 1200))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(actx)
			defer cancel()
			ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
			defer cancelT()
			var mu sync.Mutex
			var problems []string
			if err := chromedp.Listen(ctx, func(ev any) {
				mu.Lock()
				defer mu.Unlock()
				switch e := ev.(type) {
				case *runtime.EventExceptionThrown:
					problems = append(problems, "exception: "+e.ExceptionDetails.Text)
				case *runtime.EventConsoleAPICalled:
					if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
						problems = append(problems, "console "+string(e.Type))
					}
				case *log.EventEntryAdded:
					if e.Entry.Level == log.EntryLevelError {
						problems = append(problems, "log: "+e.Entry.Text)
					}
				case *network.EventRequestWillBeSent:
					if u := e.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
						problems = append(problems, "request: "+u)
					}
				}
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+absPath(page)), chromedp.WaitReady("main")); err != nil {
				t.Fatal(err)
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG (below: JPEG)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range problems {
				t.Error(p)
			}
			if !strings.Contains(title, "streamsim") || len(png) < 10_000 {
				t.Errorf("title %q, %d bytes of PNG: the page did not render", title, len(png))
			}
			if err := os.WriteFile(filepath.Join(out, name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}
