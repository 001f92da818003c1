package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseMemoryLimit parses a worker memory limit: a number of bytes with an
// optional unit (B; KB, MB, GB, TB in powers of 1000; K, M, G, T and KiB,
// MiB, GiB, TiB in powers of 1024), a percentage of the memory the process may use ("50%"),
// or "0"/"off" for no limit. Percentages are resolved against total, the
// machine's memory in bytes. Spaces and case do not matter.
func ParseMemoryLimit(s string, total int64) (int64, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch t {
	case "":
		return 0, fmt.Errorf("empty memory limit")
	case "0", "off", "none":
		return 0, nil
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 || f > 100 {
			return 0, fmt.Errorf("memory limit %q: want a percentage in (0, 100]", s)
		}
		if total <= 0 {
			return 0, fmt.Errorf("memory limit %q: total memory unknown on this system", s)
		}
		return int64(float64(total) * f / 100), nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
		{"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = n, u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("memory limit %q: want e.g. 256MB, 2GiB, 50%% or 0", s)
	}
	v := f * mult
	if v >= 1<<62 {
		return 0, fmt.Errorf("memory limit %q is too large", s)
	}
	return int64(v), nil
}

// FormatBytes writes n bytes the way ParseMemoryLimit reads them back, in
// the largest binary unit, rounded to three significant digits (256MiB,
// 1.5GiB).
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	prec := 0
	switch {
	case v < 10:
		prec = 2
	case v < 100:
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + units[i]
}
