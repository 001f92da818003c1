package session

// prelude is evaluated in every new session: the generic min and max that
// the rewriter calls for the builtins yaegi lacks when it cannot tell the
// type of their arguments.
const prelude = `
type __gomxOrdered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func __gomxMin[T __gomxOrdered](__gomxX T, __gomxY ...T) T {
	if __gomxX != __gomxX {
		return __gomxX
	}
	for _, __gomxV_ := range __gomxY {
		if __gomxV_ != __gomxV_ {
			return __gomxV_
		}
		if __gomxV_ < __gomxX {
			__gomxX = __gomxV_
		}
	}
	return __gomxX
}

func __gomxMax[T __gomxOrdered](__gomxX T, __gomxY ...T) T {
	if __gomxX != __gomxX {
		return __gomxX
	}
	for _, __gomxV_ := range __gomxY {
		if __gomxV_ != __gomxV_ {
			return __gomxV_
		}
		if __gomxV_ > __gomxX {
			__gomxX = __gomxV_
		}
	}
	return __gomxX
}
`

// slicesExtra adds to yaegi's interpreted slices package the common
// functions it lacks, written so that yaegi can infer their type arguments
// (it cannot infer E from S ~[]E).
const slicesExtra = `package slices

import "sort"

// Sort sorts x in increasing order.
func Sort[E cmp.Ordered](x []E) {
	sort.Slice(x, func(i, j int) bool { return cmp.Less(x[i], x[j]) })
}

// SortFunc sorts x in the order of c (negative when a < b).
func SortFunc[E any](x []E, c func(a, b E) int) {
	sort.Slice(x, func(i, j int) bool { return c(x[i], x[j]) < 0 })
}

// SortStableFunc sorts x in the order of c, keeping equal elements in order.
func SortStableFunc[E any](x []E, c func(a, b E) int) {
	sort.SliceStable(x, func(i, j int) bool { return c(x[i], x[j]) < 0 })
}

// IsSorted reports whether x is sorted in increasing order.
func IsSorted[E cmp.Ordered](x []E) bool {
	for i := len(x) - 1; i > 0; i-- {
		if cmp.Less(x[i], x[i-1]) {
			return false
		}
	}
	return true
}

// Max returns the largest element of x; it panics when x is empty.
func Max[E cmp.Ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] > m {
			m = x[i]
		}
	}
	return m
}

// Min returns the smallest element of x; it panics when x is empty.
func Min[E cmp.Ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] < m {
			m = x[i]
		}
	}
	return m
}

// BinarySearch finds target in the sorted x: its position, or where it
// would be inserted, and whether it is there.
func BinarySearch[E cmp.Ordered](x []E, target E) (int, bool) {
	i := sort.Search(len(x), func(i int) bool { return x[i] >= target })
	return i, i < len(x) && x[i] == target
}
`
