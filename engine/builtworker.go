package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A BuiltWorker is the record `gomx build` leaves of the worker binary it
// built with more packages compiled in (see internal/build). New sessions
// run that binary as their worker, instead of the running executable, when
// the record is usable (see WorkerInUse).
type BuiltWorker struct {
	// Binary is the path of the worker binary.
	Binary string
	// Gomx is the version of the gomx that built it (Version).
	Gomx string
	// BuildID identifies the executable of that gomx (ExecutableID): the
	// worker speaks the protocol of exactly that build.
	BuildID string
	// Packages are the packages compiled in beyond gomx's own, with their
	// module versions: "github.com/x/y/z (github.com/x/y v1.2.3)".
	Packages []string
}

// BuiltWorkerFile returns the path of the record of the built worker:
// worker.json in gomx's cache directory.
func BuiltWorkerFile() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("gomx: the cache directory: %w", err)
	}
	return filepath.Join(dir, "gomx", "worker.json"), nil
}

// ReadBuiltWorker returns the record of the built worker, or nil when there
// is none.
func ReadBuiltWorker() (*BuiltWorker, error) {
	file, err := BuiltWorkerFile()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var w BuiltWorker
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &w, nil
}

// WriteBuiltWorker records w as the worker of new sessions; nil removes the
// record, so that they run the gomx executable itself again.
func WriteBuiltWorker(w *BuiltWorker) error {
	file, err := BuiltWorkerFile()
	if err != nil {
		return err
	}
	if w == nil {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.MarshalIndent(w, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// WorkerInUse returns the binary a new client runs as its worker when
// ClientOptions.Binary is empty: GOMX_WORKER_BIN when set, else the binary
// of the built worker's record when it was built by this very executable
// (the worker protocol is that of the source it was built from) and exists,
// else the running executable. built is the record used, if any; warning
// says why a record was not used.
func WorkerInUse() (bin string, built *BuiltWorker, warning string, err error) {
	if bin := os.Getenv(WorkerBinEnv); bin != "" {
		return bin, nil, "", nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", nil, "", fmt.Errorf("gomx: finding the gomx binary for the worker: %w", err)
	}
	w, err := ReadBuiltWorker()
	if err != nil {
		return exe, nil, fmt.Sprintf("gomx: ignoring the built worker: %v", err), nil
	}
	if w == nil {
		return exe, nil, "", nil
	}
	id, err := ExecutableID()
	switch {
	case err != nil:
		warning = fmt.Sprintf("gomx: ignoring the built worker %s: %v", w.Binary, err)
	case id != w.BuildID:
		warning = fmt.Sprintf("gomx: ignoring the built worker %s: it was built by another gomx executable (gomx %s); run gomx build again, or gomx build --reset", w.Binary, w.Gomx)
	default:
		if _, err := os.Stat(w.Binary); err != nil {
			warning = fmt.Sprintf("gomx: ignoring the built worker: %v; run gomx build again, or gomx build --reset", err)
		} else {
			// its last use, for gomx build's cleaning of the cache (a
			// cache that cannot be written is not an error)
			now := time.Now()
			os.Chtimes(w.Binary, now, now)
			return w.Binary, w, "", nil
		}
	}
	return exe, nil, warning, nil
}

// warnOnce prints the warning of an unusable built worker once per process.
var warnOnce sync.Once

// ExecutableID returns the Go build ID of the running executable, which
// changes whenever its source, dependencies or toolchain do. It is read
// from the first bytes of the file: the ELF note "Go" or the build ID
// string the linker writes at the start of the text (Mach-O, PE); a binary
// that has neither is identified by the SHA-256 of its contents.
func ExecutableID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return "", err
	}
	if id := buildID(head[:n]); id != "" {
		return id, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// buildID finds the Go build ID in the first bytes of an executable, or
// returns "".
func buildID(head []byte) string {
	// an ELF note: namesz 4, descsz, type 4 (ELF_NOTE_GOBUILDID_TAG), "Go\0\0", the ID
	note := []byte("\x04\x00\x00\x00")
	for i := 0; ; {
		j := bytes.Index(head[i:], note)
		if j < 0 {
			break
		}
		k := i + j
		if k+16 <= len(head) && bytes.Equal(head[k+8:k+16], []byte("\x04\x00\x00\x00Go\x00\x00")) {
			size := int(binary.LittleEndian.Uint32(head[k+4:]))
			if size > 0 && k+16+size <= len(head) {
				return string(head[k+16 : k+16+size])
			}
		}
		i = k + 1
	}
	const prefix = "\xff Go build ID: \""
	if i := bytes.Index(head, []byte(prefix)); i >= 0 {
		rest := head[i+len(prefix):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return string(rest[:j])
		}
	}
	return ""
}
