package engine

import (
	"strings"
	"testing"
)

// TestDescribeDeath classifies crash reports as the worker's
// debug.SetCrashOutput copy gives them (from the traceback on, without
// the "fatal error:" line): the function that threw tells the cause.
func TestDescribeDeath(t *testing.T) {
	cases := []struct {
		name, report, want string
		thrower            string // the function that threw
	}{
		{
			// the goroutine was inside the allocator when its stack ran
			// out: a stack overflow all the same (make test in CI, once)
			name: "stack overflow inside mallocgc",
			report: `runtime stack:
runtime.throw({0x1e3712c?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1229 +0x48 fp=0x7fff1171dba8 sp=0x7fff1171db78 pc=0xa3b408
runtime.newstack()
	/usr/local/go/src/runtime/stack.go:1207 +0x5fd fp=0x7fff1171dcd8 sp=0x7fff1171dba8 pc=0xa1c79d
runtime.morestack()
	/usr/local/go/src/runtime/asm_amd64.s:681 +0x7d fp=0x7fff1171dce0 sp=0x7fff1171dcd8 pc=0xa4355d

goroutine 36 gp=0x1d7933c2e1e0 m=0 mp=0x32dc420 [running]:
runtime.(*atomicHeadTailIndex).incTail(0x32fcb20?)
	/usr/local/go/src/runtime/mspanset.go:398 +0x92 fp=0x1d79371ce370 sp=0x1d79371ce368 pc=0x9f7952
runtime.(*spanSet).push(0x32fcb00, 0x7f0911b3d480)
	/usr/local/go/src/runtime/mspanset.go:85 +0x45 fp=0x1d79371ce3a0 sp=0x1d79371ce370 pc=0x9f74e5
runtime.(*mcentral).uncacheSpan(0x32f3a40, 0x7f0911b3d480)
	/usr/local/go/src/runtime/mcentral.go:233 +0xc5 fp=0x1d79371ce3d0 sp=0x1d79371ce3a0 pc=0x9e3d65
runtime.(*mcache).refill(0x7f0934a3a108, 0x23)
	/usr/local/go/src/runtime/mcache.go:158 +0x7c fp=0x1d79371ce418 sp=0x1d79371ce3d0 pc=0x9e313c
runtime.(*mcache).nextFree(0x7f0934a3a108, 0x23)
	/usr/local/go/src/runtime/malloc.go:1009 +0x85 fp=0x1d79371ce460 sp=0x1d79371ce418 pc=0x9e6c85
runtime.mallocgcSmallScanNoHeader(0x40, 0x1c7cb40, 0x1)
	/usr/local/go/src/runtime/malloc.go:1459 +0x20f fp=0x1d79371ce4b8 sp=0x1d79371ce460 pc=0x9e790f
runtime.mallocgc(0x40, 0x1c7cb40, 0x1)
	/usr/local/go/src/runtime/malloc.go:1184 +0xe5 fp=0x1d79371ce4f0 sp=0x1d79371ce4b8 pc=0xa3b9a5
`,
			want: "overflowed a goroutine's stack", thrower: "runtime.newstack",
		},
		{
			name: "stack overflow",
			report: `runtime stack:
runtime.throw({0x1e3712c?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1229 +0x48
runtime.newstack()
	/usr/local/go/src/runtime/stack.go:1207 +0x5fd
runtime.morestack()
	/usr/local/go/src/runtime/asm_amd64.s:681 +0x7d

goroutine 36 gp=0x1d7933c2e1e0 m=0 mp=0x32dc420 [running]:
github.com/traefik/yaegi/interp.call.func9(0x1d79371ce370)
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1303 +0x4a
`,
			want: "overflowed a goroutine's stack", thrower: "runtime.newstack",
		},
		{
			// an allocation the rlimits refused
			name: "allocation refused",
			report: `runtime stack:
runtime.throw({0x1e1f0a2?, 0x400000?})
	/usr/local/go/src/runtime/panic.go:1229 +0x48
runtime.(*mcache).allocLarge(0x7f0934a3a108, 0x100000000, 0x1)
	/usr/local/go/src/runtime/mcache.go:234 +0x1b6
runtime.mallocgcLarge(0x100000000, 0x0, 0x0)
	/usr/local/go/src/runtime/malloc.go:1706 +0x65
runtime.mallocgc(0x100000000, 0x0, 0x0)
	/usr/local/go/src/runtime/malloc.go:1190 +0xe5
`,
			want: "ran out of memory", thrower: "runtime.(*mcache).allocLarge",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, want := thrower(c.report), c.thrower; got != want {
				t.Errorf("thrower %q, want %q", got, want)
			}
			p := &proc{limit: 244 << 20, stderr: &tailWriter{max: 64 << 10}}
			p.stderr.Write([]byte(c.report))
			if got := p.describeDeath(nil); !strings.Contains(got, c.want) {
				t.Errorf("got %q, want it to say %q", got, c.want)
			}
		})
	}
}
