package stdlib

import (
	"fmt"
	"log"
	"os"
)

// yaegi's extract writes these names in the tables of os and log in place
// of the symbols that end the process; the tables of Symbols then hold
// them. A session overrides all of them with its own (os.Exit ends the
// cell with the exit status, log's Fatal functions and Logger end the
// cell): what is here only keeps a bare interpreter alive.
type logLogger = log.Logger

var (
	osFindProcess = os.FindProcess
	logNew        = log.New
	logFatal      = log.Panic
	logFatalf     = log.Panicf
	logFatalln    = log.Panicln
)

func osExit(code int) { panic(fmt.Sprintf("os.Exit(%d)", code)) }
