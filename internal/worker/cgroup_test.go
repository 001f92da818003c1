package worker

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCgroupMemoryLimit(t *testing.T) {
	write := func(root, file, text string) {
		p := filepath.Join(root, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		files map[string]string
		self  string
		want  int64
	}{
		{"v2, limit on a parent", map[string]string{
			"memory.max":                    "max",
			"user.slice/memory.max":         "4294967296",
			"user.slice/jupyter/memory.max": "max",
		}, "0::/user.slice/jupyter\n", 4294967296},
		{"v2, the least of two", map[string]string{
			"kube/memory.max":     "8589934592",
			"kube/pod/memory.max": "2147483648",
		}, "0::/kube/pod\n", 2147483648},
		{"v2, none", map[string]string{"memory.max": "max"}, "0::/\n", 0},
		{"v1", map[string]string{
			"memory/memory.limit_in_bytes":            "9223372036854771712",
			"memory/docker/abc/memory.limit_in_bytes": "1073741824",
		}, "4:memory:/docker/abc\n3:cpuset:/\n0::/\n", 1073741824},
		{"v1 with controllers together, unlimited", map[string]string{
			"memory/x/memory.limit_in_bytes": "9223372036854771712",
		}, "5:cpu,memory:/x\n", 0},
		{"hybrid: v2 under unified", map[string]string{
			"unified/s/memory.max": "3000000000",
		}, "0::/s\n", 3000000000},
		{"a group the mount does not show", map[string]string{
			"memory.max": "5000000000",
		}, "0::/elsewhere/deep\n", 5000000000},
	}
	for _, tc := range tests {
		root := t.TempDir()
		for f, text := range tc.files {
			write(root, f, text)
		}
		if got := cgroupMemoryLimit(root, tc.self); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
