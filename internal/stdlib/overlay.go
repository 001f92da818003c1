package stdlib

import (
	"reflect"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// overlay replaces symbols of yaegi's tables whose compiled behaviour does
// not suit a cell: time.Sleep returns early when the cell is interrupted
// (interrupt.Context is cancelled). os.Exit and log.Fatal* are panics already
// in yaegi's tables.
var overlay = map[string]map[string]reflect.Value{
	"time/time": {"Sleep": reflect.ValueOf(sleep)},
}

// sleep pauses for at least d, like time.Sleep, unless the current cell is
// interrupted first. It is time.Sleep in cells.
func sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	ctx := interrupt.Context()
	if ctx.Done() == nil {
		time.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
