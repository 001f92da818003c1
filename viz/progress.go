package viz

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
)

// MinProgressInterval is the least time between two updates of a progress
// bar's display (at most 10 updates per second); the first and the final
// state are always shown.
const MinProgressInterval = 100 * time.Millisecond

// A ProgressBar shows the progress of a loop as one output updated in
// place: an HTML bar in notebooks, a single text line in terminals, both
// with the count, the rate and the estimated time left. Its methods may be
// called from several goroutines.
type ProgressBar struct {
	mu      sync.Mutex
	n, i    int
	start   time.Time
	shownAt time.Time
	done    bool
	d       *Display
	now     func() time.Time
}

// Progress shows a progress bar for n steps (n ≤ 0: an unknown number) and
// returns it; call Add or Set as the work advances and Done at the end.
func Progress(n int) *ProgressBar {
	return newProgress(n, time.Now)
}

func newProgress(n int, now func() time.Time) *ProgressBar {
	p := &ProgressBar{n: n, d: NewDisplay(), now: now}
	p.start = now()
	p.show(p.start)
	return p
}

// Add advances the bar by k steps.
func (p *ProgressBar) Add(k int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set(p.i + k)
}

// Set moves the bar to step i.
func (p *ProgressBar) Set(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set(i)
}

func (p *ProgressBar) set(i int) {
	if p.done {
		return
	}
	p.i = i
	t := p.now()
	if t.Sub(p.shownAt) >= MinProgressInterval || (p.n > 0 && i == p.n) {
		p.show(t)
	}
}

// Done shows the final state: the steps made, the time taken and the mean
// rate. Later calls change nothing.
func (p *ProgressBar) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	p.show(p.now())
}

// Bundle returns the bar's current state as a bundle.
func (p *ProgressBar) Bundle() Bundle {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bundle(p.now())
}

func (p *ProgressBar) show(t time.Time) {
	p.shownAt = t
	p.d.UpdateBundle(p.bundle(t))
}

// bundle renders the state at time t.
func (p *ProgressBar) bundle(t time.Time) Bundle {
	el := t.Sub(p.start)
	var status string
	if p.i > 0 && el > 0 {
		rate := float64(p.i) / el.Seconds()
		status = fmt.Sprintf("%s it/s", siRate(rate))
		switch {
		case p.done:
			status = fmt.Sprintf("done in %s, %s", clock(el), status)
		case p.n > 0 && p.i < p.n:
			left := time.Duration(float64(p.n-p.i) / rate * float64(time.Second))
			status += ", ETA " + clock(left)
		}
	} else if p.done {
		status = "done in " + clock(el)
	}
	count := fmt.Sprintf("%d", p.i)
	frac := -1.0
	if p.n > 0 {
		count = fmt.Sprintf("%d/%d", p.i, p.n)
		frac = min(max(float64(p.i)/float64(p.n), 0), 1)
	}
	tail := count
	if status != "" {
		tail += " · " + status
	}
	const width = 20
	var line, htm strings.Builder
	if frac >= 0 {
		full := int(frac*width + 0.5)
		fmt.Fprintf(&line, "[%s%s] %3.0f%% ", strings.Repeat("█", full), strings.Repeat("░", width-full), 100*frac)
		fmt.Fprintf(&htm, `<progress value="%d" max="%d" style="width:20em;vertical-align:middle"></progress> %.0f%% `, min(max(p.i, 0), p.n), p.n, 100*frac)
	} else {
		htm.WriteString(`<progress style="width:20em;vertical-align:middle"></progress> `)
	}
	line.WriteString(tail)
	htm.WriteString(html.EscapeString(tail))
	return Bundle{Data: map[string]string{
		MIMEText: line.String(),
		MIMEHTML: `<div style="font-family:monospace">` + htm.String() + `</div>`,
	}}
}

// clock formats d as m:ss, or h:mm:ss from an hour on; under ten seconds it
// keeps a tenth.
func clock(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// siRate formats a rate with three significant digits and k/M suffixes.
func siRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.3gM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.3gk", r/1e3)
	}
	return fmt.Sprintf("%.3g", r)
}
