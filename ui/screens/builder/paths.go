package builder

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// expandHome turns a leading ~ (alone or before a /) into the home
// directory, as a shell would.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~"))
}

// pathCompletedMsg answers completePathCmd: what the path typed (For)
// completes to, and the choices when there are several.
type pathCompletedMsg struct {
	Gen     int
	For     string
	Value   string
	Options []string
}

// maxPathOptions is how many choices the prompt lists.
const maxPathOptions = 8

// completePathCmd completes the last part of a path from the directory it
// names: directories (with a /) and YAML files whose names start with what
// was typed, as far as they agree.
func completePathCmd(gen int, typed string) tea.Cmd {
	return func() tea.Msg {
		msg := pathCompletedMsg{Gen: gen, For: typed, Value: typed}
		dirPart, base := typed[:strings.LastIndex(typed, "/")+1], typed[strings.LastIndex(typed, "/")+1:]
		dir := expandHome(strings.TrimSuffix(dirPart, "/"))
		if dirPart == "/" {
			dir = "/"
		}
		if dirPart == "" {
			dir = "."
			if typed == "~" {
				return pathCompletedMsg{Gen: gen, For: typed, Value: "~/"}
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return msg
		}
		var names []string
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
				continue
			}
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				if st, err := os.Stat(filepath.Join(dir, name)); err == nil {
					isDir = st.IsDir()
				}
			}
			switch {
			case isDir:
				names = append(names, name+"/")
			case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
				names = append(names, name)
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return msg
		}
		common := names[0]
		for _, n := range names[1:] {
			for !strings.HasPrefix(n, common) {
				common = common[:len(common)-1]
			}
		}
		msg.Value = dirPart + common
		if len(names) > 1 {
			msg.Options = names[:min(len(names), maxPathOptions)]
			if len(names) > maxPathOptions {
				msg.Options = append(msg.Options, "…")
			}
		}
		return msg
	}
}

// takeCompletion puts a completion in the prompt, unless the path has
// changed since it was asked for.
func (m *Model) takeCompletion(msg pathCompletedMsg) {
	if m.mode != savingAs || msg.Gen != m.pathGen || m.pathIn.Value() != msg.For {
		return
	}
	m.pathIn.SetValue(msg.Value)
	m.pathIn.CursorEnd()
	m.pathOpts = msg.Options
}
