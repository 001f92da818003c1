package modules

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// GoPath is the interpreter's GOPATH (interp.Options.GoPath): the root of
// FS. No such directory exists; yaegi reads it only through FS.
const GoPath = "/gomx-gopath"

// FS returns the virtual GOPATH of the session's interpreter
// (interp.Options.SourcecodeFilesystem): src/<import path> holds the
// lowered Go files of each module package loaded for the current
// interpreter. Names may be absolute (GoPath/src/…), as yaegi gives them,
// or relative to GoPath.
func (m *Modules) FS() fs.FS { return gopathFS{m} }

type gopathFS struct{ m *Modules }

// lookup returns the package directory (file == "") or the file at name.
func (f gopathFS) lookup(name string) (pkg *loaded, file string, ok bool) {
	name = strings.TrimPrefix(path.Clean("/"+name), GoPath)
	rest, ok := strings.CutPrefix(name, "/src/")
	if !ok {
		return nil, "", false
	}
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if p, ok := f.m.gen.pkgs[rest]; ok {
		return p, "", true
	}
	dir, base := path.Split(rest)
	if p, ok := f.m.gen.pkgs[strings.TrimSuffix(dir, "/")]; ok {
		if _, ok := p.src[base]; ok {
			return p, base, true
		}
	}
	return nil, "", false
}

func (f gopathFS) Open(name string) (fs.File, error) {
	p, file, ok := f.lookup(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if file == "" {
		return &dirFile{info: fileInfo{name: path.Base(p.ImportPath), dir: true}, entries: entries(p)}, nil
	}
	src := p.src[file]
	return &openFile{info: fileInfo{name: file, size: int64(len(src))}, r: bytes.NewReader(src)}, nil
}

func (f gopathFS) ReadFile(name string) ([]byte, error) {
	p, file, ok := f.lookup(name)
	if !ok || file == "" {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(p.src[file]), nil
}

func (f gopathFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, file, ok := f.lookup(name)
	if !ok || file != "" {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return entries(p), nil
}

func (f gopathFS) Stat(name string) (fs.FileInfo, error) {
	p, file, ok := f.lookup(name)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	if file == "" {
		return fileInfo{name: path.Base(p.ImportPath), dir: true}, nil
	}
	return fileInfo{name: file, size: int64(len(p.src[file]))}, nil
}

func entries(p *loaded) []fs.DirEntry {
	var es []fs.DirEntry
	for name, src := range p.src {
		es = append(es, fs.FileInfoToDirEntry(fileInfo{name: name, size: int64(len(src))}))
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
	return es
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type openFile struct {
	info fileInfo
	r    *bytes.Reader
}

func (f *openFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *openFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *openFile) Close() error               { return nil }

type dirFile struct {
	info    fileInfo
	entries []fs.DirEntry
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *dirFile) Close() error { return nil }
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		es := d.entries
		d.entries = nil
		return es, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	es := d.entries[:n]
	d.entries = d.entries[n:]
	return es, nil
}
