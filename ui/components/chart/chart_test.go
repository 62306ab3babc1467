package chart

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/styles"
)

func TestSpanGrowsInSteps(t *testing.T) {
	for _, tc := range []struct{ now, planned, want float64 }{
		{0, 7200, 60},
		{59, 7200, 60},
		{61, 7200, 120},
		{1900, 7200, 2700},
		{3000, 3600, 3600},
		{3000, 3300, 3300}, // the end is nearer than the next step
		{100, 90, 120},     // past a planned end (an aws run): steps on
		{90000, 0, 172800},
	} {
		if got := Span(tc.now, tc.planned); got != tc.want {
			t.Errorf("Span(%v, %v) = %v, want %v", tc.now, tc.planned, got, tc.want)
		}
	}
}

func TestNice(t *testing.T) {
	for x, want := range map[float64]float64{0: 0, 0.3: 0.5, 1: 1, 1.1: 2, 2.2: 2.5, 3: 5, 7: 10, 2013: 2500, 61: 100} {
		if got := Nice(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("Nice(%v) = %v, want %v", x, got, want)
		}
	}
}

// history adds a snapshot a second for secs seconds: in is the stream's
// write rate at second s, units its shards' loads.
func history(secs int, in func(s int) float64, units func(s int) []float64) *pipeline.History {
	var h pipeline.History
	for s := 1; s <= secs; s++ {
		h.Add(pipeline.Snapshot{Time: time.Duration(s) * time.Second, Nodes: []pipeline.NodeSnapshot{
			{ID: "s", Stage: pipeline.Storage, InRate: in(s), Units: units(s)}}})
	}
	return &h
}

// A spike shows in the columns of its time; an outage as a gap; columns
// the run has not reached are NaN.
func TestColumnsKeepEventsInTheirColumns(t *testing.T) {
	h := history(600, func(s int) float64 {
		switch {
		case s > 120 && s <= 180:
			return 5000 // the spike: 2:00–3:00
		case s > 300 && s <= 360:
			return 0 // the outage: 5:00–6:00
		}
		return 1000
	}, func(int) []float64 { return []float64{0.5} })
	span := Span(600, 3600) // 10 minutes
	cols := 60              // 10 s a column
	in := Columns(h.Buckets, span, cols, func(b *pipeline.HistoryBucket) float64 { return b.Nodes[0].In }, Mean)
	for c, v := range in {
		at := float64(c) * span / float64(cols)
		want := 1000.0
		switch {
		case at >= 120 && at < 180:
			want = 5000
		case at >= 300 && at < 360:
			want = 0
		}
		if math.Abs(v-want) > 1e-6 {
			t.Errorf("column %d (%.0f s): %v, want %v", c, at, v, want)
		}
	}
	more := Columns(h.Buckets, 1200, 60, func(b *pipeline.HistoryBucket) float64 { return b.Nodes[0].In }, Mean)
	if !math.IsNaN(more[59]) || math.IsNaN(more[29]) {
		t.Errorf("past the run: %v; in it: %v", more[59], more[29])
	}
}

func TestAxisLabelsTheTimes(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	rule, labels := Axis(st, 600, 60)
	rule, labels = ansi.Strip(rule), ansi.Strip(labels)
	// 60 columns over 10 minutes: a tick every minute (6 columns) is too
	// close for labels; every 2 minutes (12 columns) is not.
	for _, want := range []string{"0", "2m", "4m", "6m", "8m"} {
		if !strings.Contains(labels, " "+want+" ") && !strings.HasSuffix(labels, " "+want) {
			t.Errorf("labels lack %q: %q", want, labels)
		}
	}
	lr, rr := []rune(labels), []rune(rule)
	for i := 0; i+2 < len(lr); i++ {
		if string(lr[i:i+2]) == "2m" && lr[i-1] == ' ' && rr[i] != '┬' {
			t.Errorf("no tick over 2m:\n%s\n%s", rule, labels)
		}
	}
}

// The heat strip puts the hot shard in its row, and a reshard from 2 to 4
// shards shows as rows that start.
func TestHeatRowsAndReshard(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	h := history(600, func(int) float64 { return 1 }, func(s int) []float64 {
		if s <= 300 {
			return []float64{0.2, 1.3}
		}
		return []float64{0.2, 0.6, 0.9, 0.1}
	})
	rows, labels := Heat(st, h.Buckets, 0, 4, 600, 60, 10)
	if len(rows) != 4 || strings.Join(labels, ",") != "0,1,2,3" {
		t.Fatalf("rows %d labels %v", len(rows), labels)
	}
	plain := make([]string, len(rows))
	for i, r := range rows {
		plain[i] = ansi.Strip(r)
	}
	if want := strings.Repeat("█", 30) + strings.Repeat("▒", 30); plain[1] != want {
		t.Errorf("shard 1: %q", plain[1])
	}
	if want := strings.Repeat(" ", 30) + strings.Repeat("▓", 30); plain[2] != want {
		t.Errorf("shard 2 starts with the reshard: %q", plain[2])
	}
	rows, labels = Heat(st, h.Buckets, 0, 4, 600, 60, 2) // 2 rows for 4 shards
	if len(rows) != 2 || strings.Join(labels, ",") != "0–1,2–3" || !strings.HasPrefix(ansi.Strip(rows[0]), "█") {
		t.Fatalf("grouped: %v %q", labels, rows)
	}
}
