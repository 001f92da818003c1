// Package generic has generic and plain declarations, for the test of gen
// -add: its table and documentation have only the plain ones.
package generic

// Map applies f to each element of xs.
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// Pair is a generic type.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Swap swaps the pair.
func (p Pair[K, V]) Swap() Pair[K, V] { return p }

// Point is a plain type.
type Point struct{ X, Y int }

// Norm1 returns |X| + |Y|.
func (p Point) Norm1() int { return abs(p.X) + abs(p.Y) }

// Double doubles x.
func Double(x int) int { return 2 * x }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
