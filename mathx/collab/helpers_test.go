package collab

import "strconv"

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
