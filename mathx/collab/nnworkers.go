package collab

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/nn"
)

// NNWorkers returns one objective per worker for Simulate and MoNNA:
// worker i's is the mean loss of net's architecture and masks on the rows
// parts[i] of data (copied with Dataset.Subset), as a function of the
// parameter vector in the layout of net.Params — nn.Objective.Loss with
// the given loss, in Precision prec. Each worker has its own
// nn.Objective, and so its own scratch space, so the workers can compute
// concurrently; net is only read (its Params are not used: start
// Simulate from a copy of them). DirichletSplit(data.Labels, n, α, seed)
// gives parts split by labels. It panics on nil arguments, when the data
// have not as many features as the network has inputs, on an empty part
// (naming the worker), and as nn.NewObjective does on other misfits
// (labels out of range).
func NNWorkers(net *nn.MLP, data *nn.Dataset, parts [][]int, loss nn.LossKind, prec nn.Precision) []Func {
	if net == nil || data == nil || data.X == nil {
		panic("collab.NNWorkers: nil network or data")
	}
	if _, c := data.X.Dims(); c != net.Sizes[0] {
		panic(fmt.Sprintf("collab.NNWorkers: the data have %d features, the network takes %d inputs", c, net.Sizes[0]))
	}
	ws := make([]Func, len(parts))
	for i, p := range parts {
		if len(p) == 0 {
			panic(fmt.Sprintf("collab.NNWorkers: worker %d has no rows", i))
		}
		ws[i] = nn.NewObjective(net, data.Subset(p), loss, prec).Loss
	}
	return ws
}
