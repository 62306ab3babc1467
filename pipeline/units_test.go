package pipeline

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	ok := []struct {
		in   string
		want time.Duration
	}{
		{"500ms", 500 * time.Millisecond},
		{"90s", 90 * time.Second},
		{"5m", 5 * time.Minute},
		{"2h", 2 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"7d", 7 * 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"1.5s", 1500 * time.Millisecond},
		{"0.5ms", 500 * time.Microsecond},
		{"10ms", 10 * time.Millisecond},
		{"0s", 0},
		{"0", 0}, // zero needs no unit
		{" 5m ", 5 * time.Minute},
		{"365d", 365 * 24 * time.Hour},
	}
	for _, c := range ok {
		got, err := ParseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"90",   // a bare number is ambiguous
		"1",    //
		"1.5",  //
		"",     //
		" ",    //
		"-5s",  // negative
		"5 m",  // space inside
		"5sec", // not a unit of the format
		"5min",
		"5S",
		"5mm",
		"5m3", // trailing number without unit
		"s",
		"ms",
		".s",
		"1.2.3s",
		"NaN", "NaNs", "inf", "infs", "+Infs",
		"0x10s", // hex
		"1e3s",  // exponent
		"1E3s",
		"99999999999999d", // overflows
		"5y",
		"1h-30m",
	}
	for _, in := range bad {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v; want an error", in, d)
		} else if !strings.Contains(err.Error(), "expected a duration") && !strings.Contains(err.Error(), "too long") {
			t.Errorf("ParseDuration(%q): error %q does not say what was expected", in, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{500 * time.Millisecond, "500ms"},
		{90 * time.Second, "1m30s"},
		{2 * time.Hour, "2h"},
		{36 * time.Hour, "36h"},
		{7 * 24 * time.Hour, "7d"},
		{1500 * time.Microsecond, "1.5ms"},
	}
	for _, c := range cases {
		if got := FormatDuration(c.in); got != c.want {
			t.Errorf("FormatDuration(%v) = %q; want %q", c.in, got, c.want)
		}
		if back, err := ParseDuration(c.want); err != nil || back != c.in {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.want, back, err, c.in)
		}
	}
}

func TestParseSize(t *testing.T) {
	ok := []struct {
		in   string
		want float64
	}{
		{"512B", 512},
		{"1KiB", 1024},
		{"5MiB", 5 << 20},
		{"1GiB", 1 << 30},
		{"1TiB", 1 << 40},
		{"1KB", 1000},
		{"1MB", 1e6},
		{"1GB", 1e9},
		{"100", 100}, // a bare integer is bytes
		{"0", 0},
		{"1.5KiB", 1536},
		{"0.5MB", 500000},
		{"5 MiB", 5 << 20},
	}
	for _, c := range ok {
		got, err := ParseSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"1.5", // a bare number must be whole bytes
		"", "B", "KiB",
		"-1", "-1KiB", "-0.5MB",
		"1e3", "1e3B", "0x10", "0x10B",
		"NaN", "NaNB", "inf", "infKiB",
		"5mb", "5mib", "5KiBs", "5 K iB",
		"1,000", "1_000",
		"99999999999999999999GiB",
	}
	for _, in := range bad {
		if n, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %v; want an error", in, n)
		}
	}
}

func TestFormatSize(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{0, "0B"},
		{512, "512B"},
		{1024, "1KiB"},
		{1536, "1.5KiB"},
		{5 << 20, "5MiB"},
		{64 << 20, "64MiB"},
		{1 << 30, "1GiB"},
		{1000, "1KB"},
		{1000 << 10, "1000KiB"},
		{2000, "2KB"},
		{1e6, "1MB"},
		{1280, "1.25KiB"},
		{1234560, "1234.56KB"},
		{4194305, "4194305B"},
		{4<<20 + 1, "4194305B"},
		{1500, "1.5KB"},
	}
	for _, c := range cases {
		if got := FormatSize(c.in); got != c.want {
			t.Errorf("FormatSize(%v) = %q; want %q", c.in, got, c.want)
		}
		if back, err := ParseSize(c.want); err != nil || back != c.in {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", c.want, back, err, c.in)
		}
	}
}

func TestParseRate(t *testing.T) {
	ok := []struct {
		in   string
		want Rate
	}{
		{"2000/s", Rate{PerSec: 2000}},
		{"120/m", Rate{PerSec: 2}},
		{"120/min", Rate{PerSec: 2}},
		{"3600/h", Rate{PerSec: 1}},
		{"1.5k/s", Rate{PerSec: 1500}},
		{"2K/s", Rate{PerSec: 2000}},
		{"1M/s", Rate{PerSec: 1e6}},
		{"5MiB/s", Rate{PerSec: 5 << 20, Bytes: true}},
		{"200KB/s", Rate{PerSec: 200000, Bytes: true}},
		{"60MB/m", Rate{PerSec: 1e6, Bytes: true}},
		{"512B/s", Rate{PerSec: 512, Bytes: true}},
		{"0/s", Rate{}},
	}
	for _, c := range ok {
		got, err := ParseRate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"2000/sec", // the example of the format page
		"2000",     // no time unit
		"2000/",
		"/s", "k/s", "B/s",
		"-5/s", "-5MiB/s",
		"NaN/s", "inf/s", "Inf/s",
		"0x10/s", "1e3/s", "1e3B/s",
		"5MiB", "5MiB/day", "5/d",
		"5 per s",
		"1,000/s",
		"99999999999999999999k/s",
	}
	for _, in := range bad {
		r, err := ParseRate(in)
		if err == nil {
			t.Errorf("ParseRate(%q) = %+v; want an error", in, r)
			continue
		}
		if !strings.Contains(err.Error(), "expected a rate such as 2000/s or 5MiB/s") {
			t.Errorf("ParseRate(%q): error %q does not say what was expected", in, err)
		}
	}
	if _, err := ParseRate("2000/sec"); err.Error() != `"2000/sec": expected a rate such as 2000/s or 5MiB/s` {
		t.Errorf("the format page's example message changed: %v", err)
	}
}

func TestRateString(t *testing.T) {
	for _, in := range []string{"2000/s", "1500/s", "5MiB/s", "1.5KiB/s", "0.5/s"} {
		r, err := ParseRate(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != in {
			t.Errorf("ParseRate(%q).String() = %q", in, got)
		}
	}
}

func TestParseMoneyPercentFactor(t *testing.T) {
	money := map[string]float64{"$800": 800, "800": 800, "$2000": 2000, "$1,000": 1000, "$0.5": 0.5, "0": 0}
	for in, want := range money {
		if got, err := ParseMoney(in); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "$", "-5", "$-5", "€5", "1e3", "0x10", "NaN", "$inf", "5 dollars"} {
		if got, err := ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) = %v; want an error", in, got)
		}
	}
	percent := map[string]float64{"80%": 0.8, "0.8": 0.8, "100%": 1, "0%": 0, "60%": 0.6, "150%": 1.5}
	for in, want := range percent {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "%", "-5%", "-0.5", "NaN", "NaN%", "1e2%", "0x10", "eighty"} {
		if got, err := ParsePercent(in); err == nil {
			t.Errorf("ParsePercent(%q) = %v; want an error", in, got)
		}
	}
	factor := map[string]float64{"3x": 3, "3": 3, "2.5x": 2.5, "1x": 1}
	for in, want := range factor {
		if got, err := ParseFactor(in); err != nil || got != want {
			t.Errorf("ParseFactor(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1x", "NaNx", "1e3x", "3xx"} {
		if got, err := ParseFactor(in); err == nil {
			t.Errorf("ParseFactor(%q) = %v; want an error", in, got)
		}
	}
}

func TestParseValueKinds(t *testing.T) {
	cases := []struct {
		kind Kind
		in   string
		ok   bool
		want string // Value.String()
	}{
		{KindInt, "4", true, "4"},
		{KindInt, "-1", true, "-1"},
		{KindInt, "4.0", false, ""},
		{KindInt, "1e3", false, ""},
		{KindInt, "0x10", false, ""},
		{KindInt, "1_000", false, ""},
		{KindInt, "99999999999999999999", false, ""},
		{KindFloat, "1.1", true, "1.1"},
		{KindFloat, "NaN", false, ""},
		{KindFloat, "Inf", false, ""},
		{KindFloat, "1e3", false, ""},
		{KindDuration, "300s", true, "5m"},
		{KindDuration, "300", false, ""},
		{KindSize, "5MiB", true, "5MiB"},
		{KindRate, "6000/s", true, "6000/s"},
		{KindMoney, "$800", true, "$800"},
		{KindPercent, "0.6", true, "60%"},
		{KindFactor, "3x", true, "3x"},
		{KindBool, "true", true, "true"},
		{KindBool, "false", true, "false"},
		{KindBool, "yes", false, ""},
		{KindBool, "True", false, ""},
		{KindEnum, "on-demand", true, "on-demand"},
		{KindString, "anything", true, "anything"},
	}
	for _, c := range cases {
		v, err := ParseValue(c.kind, c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseValue(%v, %q): err = %v; want ok=%v", c.kind, c.in, err, c.ok)
			continue
		}
		if c.ok && v.String() != c.want {
			t.Errorf("ParseValue(%v, %q).String() = %q; want %q", c.kind, c.in, v.String(), c.want)
		}
		if c.ok && !v.Set {
			t.Errorf("ParseValue(%v, %q): Set is false", c.kind, c.in)
		}
	}
}

// TestCatalogDefaultsParse checks every default of the catalog against its own
// key, so a typo there cannot hide until a scenario relies on it.
func TestCatalogDefaultsParse(t *testing.T) {
	for _, svc := range Services() {
		for _, k := range svc.Keys {
			if k.Default == "" {
				continue
			}
			if _, err := ParseParam(svc, k.Name, k.Default); err != nil {
				t.Errorf("%s.%s: default %q: %v", svc.Name, k.Name, k.Default, err)
			}
		}
	}
}
