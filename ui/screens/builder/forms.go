package builder

import (
	"strings"

	"github.com/streamsim/streamsim/internal/textsafe"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return textsafe.Line(err.Error())
}

// prefixOptions offers the candidates that start with (or else contain) the
// last word of text, the word after the last of seps.
func prefixOptions(cands []string, text, seps string, limit int) ([]string, int) {
	start := strings.LastIndexAny(text, seps) + 1
	word := strings.TrimLeft(text[start:], " ")
	start = len(text) - len(word)
	if word == "" {
		return nil, start // nothing typed: tab moves on
	}
	var pre, in []string
	for _, c := range cands {
		switch {
		case c == word:
			return nil, start // typed in full
		case strings.HasPrefix(c, word):
			pre = append(pre, c)
		case word != "" && strings.Contains(c, word):
			in = append(in, c)
		}
	}
	out := append(pre, in...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, start
}
