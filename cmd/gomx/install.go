package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomx-dev/gomx/internal/install"
)

func init() {
	register("install", "install the Jupyter kernelspec (--user default, --sys-prefix, --prefix DIR, --name N)", runInstall)
	register("uninstall", "remove the Jupyter kernelspec (same flags as install)", runUninstall)
}

// installFlags parses the flags shared by install and uninstall.
func installFlags(cmd string, args []string) (install.Options, bool) {
	fs := flag.NewFlagSet("gomx "+cmd, flag.ContinueOnError)
	fs.Bool("user", true, "the user's Jupyter data directory ($JUPYTER_DATA_DIR or the per-OS default); the default")
	sysPrefix := fs.Bool("sys-prefix", false, "the active Python environment's share/jupyter (virtualenv, conda or python3's prefix)")
	prefix := fs.String("prefix", "", "DIR/share/jupyter")
	name := fs.String("name", install.DefaultName, "kernelspec name")
	if err := fs.Parse(args); err != nil {
		return install.Options{}, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gomx %s: unexpected arguments %q\n", cmd, fs.Args())
		return install.Options{}, false
	}
	o := install.Options{Name: *name}
	switch {
	case *sysPrefix && *prefix != "":
		fmt.Fprintf(os.Stderr, "gomx %s: use either --sys-prefix or --prefix\n", cmd)
		return o, false
	case *sysPrefix:
		o.Scope = install.SysPrefix
	case *prefix != "":
		o.Scope, o.Prefix = install.Prefix, *prefix
	}
	return o, true
}

// runInstall is `gomx install`: the kernelspec runs this very binary.
func runInstall(args []string) int {
	o, ok := installFlags("install", args)
	if !ok {
		return 2
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx install: finding the gomx binary:", err)
		return 1
	}
	o.Binary = exe
	dir, err := install.Install(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx install:", err)
		return 1
	}
	fmt.Printf("Installed the Jupyter kernelspec %q (%s) in %s\n", filepath.Base(dir), install.DisplayName, dir)
	if s := install.Shadowing(dir); s != "" {
		fmt.Fprintf(os.Stderr, "gomx install: warning: Jupyter will use %s instead, which comes first on its search path\n", s)
	}
	return 0
}

// runUninstall is `gomx uninstall`.
func runUninstall(args []string) int {
	o, ok := installFlags("uninstall", args)
	if !ok {
		return 2
	}
	dir, err := install.Uninstall(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx uninstall:", err)
		return 1
	}
	fmt.Printf("Removed the Jupyter kernelspec in %s\n", dir)
	return 0
}
