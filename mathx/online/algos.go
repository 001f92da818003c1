package online

import (
	"math"
)

// OGD runs projected online gradient descent (Zinkevich 2003):
// x_{t+1} = Π_X(x_t − η_t g_t), with η_t = 1/(λt) when
// Settings.StrongConvexity λ > 0 (Hazan, Agarwal, Kale 2007: O(log T)
// regret for λ-strongly convex losses), Settings.Eta when positive, and
// the adaptive D/sqrt(δ + Σ_{s<t} ‖g_s‖²) otherwise (O(D sqrt(Σ‖g‖²))
// regret). Settings.Mirror, Optimistic, Hint and HintWeight are ignored.
// It panics on a negative T or mismatched sizes.
func OGD(env Environment, dom Domain, T int, s *Settings) (*Result, error) {
	return run("OGD", env, dom, T, s, func(set *Settings, d int) learner {
		o := &ogd{dom: dom, st: newStepper(set, dom, d), lambda: set.StrongConvexity, x: start(set, dom, d), scratch: make([]float64, d)}
		return o
	})
}

func start(set *Settings, dom Domain, d int) []float64 {
	x := make([]float64, d)
	if set.X0 != nil {
		copy(x, set.X0)
		dom.Project(x, make([]float64, d))
	} else {
		dom.Center(x)
	}
	return x
}

type ogd struct {
	dom        Domain
	st         stepper
	lambda     float64
	x, scratch []float64
	cert       certificate
}

func (o *ogd) play(t int, x []float64) { copy(x, o.x) }

func (o *ogd) observe(t int, g []float64) {
	eta := o.st.step()
	if o.lambda > 0 {
		eta = 1 / (o.lambda * float64(t))
	}
	o.cert.add(eta, o.st.add(g, nil))
	for i, gi := range g {
		o.x[i] -= eta * gi
	}
	o.dom.Project(o.x, o.scratch)
}

func (o *ogd) gradSq() float64 { return o.st.sum }

func (o *ogd) weight() float64 { return 0 }

func (o *ogd) bound() float64 { return o.cert.euclidean(o.dom.Diameter(len(o.x))) }

// certificate accumulates Σ η_t a_t and the last η for Result.Bound.
type certificate struct {
	sum, last float64
	constant  bool
	first     float64
}

func (c *certificate) add(eta, a float64) {
	if c.last == 0 {
		c.first, c.constant = eta, true
	}
	c.constant = c.constant && eta == c.first
	c.sum += eta * a
	c.last = eta
}

// euclidean returns D²/(2η_T) + Σ η_t a_t.
func (c *certificate) euclidean(diam float64) float64 {
	if c.last == 0 {
		return 0
	}
	return diam*diam/(2*c.last) + c.sum
}

// FTRL runs linearised follow-the-regularised-leader: with G_{t-1} the sum
// of past gradients and M_t the hint (0 unless Settings.Optimistic; α_t M_t
// with Settings.HintWeight LearnedHint),
//
//	Euclidean: x_t = Π_X(x_1 − η_t (G_{t-1} + M_t))   (lazy projection)
//	Entropic:  x_t ∝ exp(−η_t (G_{t-1} + M_t))       (on the simplex)
//
// with the step size of Settings.Eta (constant or adaptive on
// Σ_{s<t} ‖g_s − M_s‖²). It panics on a negative T, mismatched sizes, or
// Entropic off the simplex.
func FTRL(env Environment, dom Domain, T int, s *Settings) (*Result, error) {
	return run("FTRL", env, dom, T, s, func(set *Settings, d int) learner {
		return &ftrl{dom: dom, mirror: set.Mirror, st: newStepper(set, dom, d), h: newHinter(set, d),
			x1: start(set, dom, d), sum: make([]float64, d), scratch: make([]float64, d)}
	})
}

type ftrl struct {
	dom              Domain
	mirror           Mirror
	st               stepper
	h                hinter
	x1, sum, scratch []float64
}

func (f *ftrl) play(t int, x []float64) {
	eta := f.st.step()
	f.h.hint(t)
	if f.mirror == Entropic {
		for i := range x {
			x[i] = math.Log(f.x1[i]) - eta*(f.sum[i]+f.h.m[i])
		}
		softmax(x)
		return
	}
	for i := range x {
		x[i] = f.x1[i] - eta*(f.sum[i]+f.h.m[i])
	}
	f.dom.Project(x, f.scratch)
}

func (f *ftrl) observe(t int, g []float64) {
	var m []float64
	if f.h.on {
		m = f.h.m
	}
	f.st.add(g, m)
	for i, gi := range g {
		f.sum[i] += gi
	}
	f.h.seen(g)
}

func (f *ftrl) gradSq() float64 { return f.st.sum }

func (f *ftrl) bound() float64 { return math.NaN() }

func (f *ftrl) weight() float64 { return f.h.weight() }

// OMD runs online mirror descent; with Settings.Optimistic it is the
// two-step optimistic OMD used for the SEA model (Chen, Zhang, Tu, Zhao,
// Zhang 2023, arXiv 2302.04552; Rakhlin & Sridharan 2013, arXiv
// 1208.3728; Chiang et al. 2012):
//
//	x_t     = argmin_{x∈X} η_t <M_t, x> + B_ψ(x, x̂_t)     (played)
//	x̂_{t+1} = argmin_{x∈X} η_t <g_t, x> + B_ψ(x, x̂_t)
//
// with M_t from Settings.Hint or the last gradient, scaled by a learned
// α_t ∈ [0, 1] with Settings.HintWeight LearnedHint. Euclidean ψ makes both
// steps projected gradient steps; Entropic ψ makes them multiplicative
// weights, kept in the log domain and normalised with log-sum-exp. Without
// Optimistic, M_t = 0 and x_t = x̂_t (plain OMD). Adaptive steps use
// Σ_{s<t} ‖g_s − M_s‖², giving regret O(D sqrt(Σ‖g_t − M_t‖²)). It panics on
// a negative T, mismatched sizes, or Entropic off the simplex.
func OMD(env Environment, dom Domain, T int, s *Settings) (*Result, error) {
	return run("OMD", env, dom, T, s, func(set *Settings, d int) learner {
		o := &omd{dom: dom, mirror: set.Mirror, st: newStepper(set, dom, d), h: newHinter(set, d),
			xhat: start(set, dom, d), scratch: make([]float64, d)}
		if o.mirror == Entropic {
			for i, v := range o.xhat {
				o.xhat[i] = math.Log(v) // log-weights
				o.kl1 = math.Max(o.kl1, -o.xhat[i])
			}
		}
		return o
	})
}

type omd struct {
	dom           Domain
	mirror        Mirror
	st            stepper
	h             hinter
	eta           float64
	xhat, scratch []float64 // x̂_t, or log x̂_t for Entropic
	cert          certificate
	kl1           float64 // max_i ln(1/x̂_1(i)) for Entropic
}

func (o *omd) play(t int, x []float64) {
	o.eta = o.st.step()
	o.h.hint(t)
	for i := range x {
		x[i] = o.xhat[i] - o.eta*o.h.m[i]
	}
	if o.mirror == Entropic {
		softmax(x)
		return
	}
	o.dom.Project(x, o.scratch)
}

func (o *omd) observe(t int, g []float64) {
	var m []float64
	if o.h.on {
		m = o.h.m
	}
	o.cert.add(o.eta, o.st.add(g, m))
	for i, gi := range g {
		o.xhat[i] -= o.eta * gi
	}
	if o.mirror == Entropic {
		logNormalize(o.xhat)
	} else {
		o.dom.Project(o.xhat, o.scratch)
	}
	o.h.seen(g)
}

func (o *omd) gradSq() float64 { return o.st.sum }

func (o *omd) weight() float64 { return o.h.weight() }

func (o *omd) bound() float64 {
	if o.mirror == Euclidean {
		return o.cert.euclidean(o.dom.Diameter(len(o.xhat)))
	}
	if o.cert.last == 0 {
		return 0
	}
	if !o.cert.constant {
		return math.NaN()
	}
	return o.kl1/o.cert.last + o.cert.sum
}

// softmax replaces v by exp(v)/Σexp(v), subtracting the max first.
func softmax(v []float64) {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	s := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - m)
		s += v[i]
	}
	for i := range v {
		v[i] /= s
	}
}

// logNormalize subtracts log-sum-exp(v) from v, so exp(v) sums to 1.
func logNormalize(v []float64) {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	l := m + math.Log(s)
	for i := range v {
		v[i] -= l
	}
}
