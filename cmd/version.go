package cmd

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Build metadata, set at link time:
//
//	go build -ldflags "-X github.com/streamsim/streamsim/cmd.Version=v0.1.0 \
//	  -X github.com/streamsim/streamsim/cmd.Commit=$(git rev-parse HEAD) \
//	  -X github.com/streamsim/streamsim/cmd.Date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
//
// Left empty, they come from the module and VCS information Go embeds in the
// binary (debug.ReadBuildInfo), and otherwise read "dev" / "unknown".
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// buildInfo is what `streamsim version` reports.
type buildInfo struct {
	Version, Commit, Date, Go, Platform string
	Modified                            bool
}

// currentBuild combines the link-time variables with the embedded build info.
func currentBuild() buildInfo {
	b := buildInfo{Version: Version, Commit: Commit, Date: Date,
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	} else if b.Modified && Commit == "" {
		b.Commit += " (modified)"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// versionLine is the one-line form printed by --version.
func versionLine() string {
	b := currentBuild()
	return fmt.Sprintf("streamsim %s (commit %s, %s %s)", b.Version, b.Commit, b.Go, b.Platform)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			b := currentBuild()
			_, err := fmt.Fprintf(c.OutOrStdout(), "streamsim %s\ncommit:  %s\nbuilt:   %s\ngo:      %s %s\n",
				b.Version, b.Commit, b.Date, b.Go, b.Platform)
			return err
		},
	}
}
