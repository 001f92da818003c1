package nn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"
)

// LoadIDX reads a data set in the IDX format of MNIST (and Fashion-MNIST,
// KMNIST): images, unsigned bytes of n×rows×cols (magic 0x00000803), and
// labels, n unsigned bytes (magic 0x00000801), for instance
// train-images-idx3-ubyte and train-labels-idx1-ubyte (wrap gzipped files
// in gzip.NewReader). Each image becomes a row of rows·cols features
// scaled to [0, 1] (byte/255); Classes is the largest label plus one. It
// allocates as data arrives, so a corrupt header cannot make it allocate
// more than the input holds; images of more than 2^24 pixels are an
// error.
func LoadIDX(images, labels io.Reader) (*Dataset, error) {
	ir, lr := bufio.NewReader(images), bufio.NewReader(labels)
	idims, err := idxHeader(ir, 3)
	if err != nil {
		return nil, fmt.Errorf("nn: LoadIDX: images: %w", err)
	}
	ldims, err := idxHeader(lr, 1)
	if err != nil {
		return nil, fmt.Errorf("nn: LoadIDX: labels: %w", err)
	}
	n, px := idims[0], idims[1]*idims[2]
	if ldims[0] != n {
		return nil, fmt.Errorf("nn: LoadIDX: %d images but %d labels", n, ldims[0])
	}
	if n == 0 || px == 0 {
		return nil, fmt.Errorf("nn: LoadIDX: empty data set (%d images of %d×%d)", n, idims[1], idims[2])
	}
	if idims[1] > maxIDXPixels/idims[2] {
		return nil, fmt.Errorf("nn: LoadIDX: images of %d×%d: more than %d pixels (a corrupt header?)", idims[1], idims[2], maxIDXPixels)
	}
	var data []float64
	var lab []int
	buf := make([]byte, min(px, 1<<16))
	classes := 0
	for i := 0; i < n; i++ {
		for got := 0; got < px; {
			b := buf[:min(len(buf), px-got)]
			if _, err := io.ReadFull(ir, b); err != nil {
				return nil, fmt.Errorf("nn: LoadIDX: image %d of %d: %w", i, n, err)
			}
			for _, v := range b {
				data = append(data, float64(v)/255)
			}
			got += len(b)
		}
		b, err := lr.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("nn: LoadIDX: label %d of %d: %w", i, n, err)
		}
		lab = append(lab, int(b))
		classes = max(classes, int(b)+1)
	}
	return &Dataset{X: mat.NewDense(n, px, data), Labels: lab, Classes: classes}, nil
}

// maxIDXPixels bounds rows·cols of an IDX image (MNIST's are 784).
const maxIDXPixels = 1 << 24

// idxHeader reads an IDX header of unsigned bytes with the given number
// of dimensions and returns the dimensions.
func idxHeader(r io.Reader, dims int) ([]int, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || int(magic[3]) != dims {
		return nil, fmt.Errorf("magic % x: want 00 00 08 %02x (unsigned bytes, %d dimensions)", magic, dims, dims)
	}
	d := make([]int, dims)
	for i := range d {
		var v uint32
		if err := binary.Read(r, binary.BigEndian, &v); err != nil {
			return nil, fmt.Errorf("dimension %d: %w", i, err)
		}
		if v > 1<<28 {
			return nil, errors.New("a dimension above 2^28")
		}
		d[i] = int(v)
	}
	return d, nil
}
