package session

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// goPrint formats the arguments of the builtin print (println when ln is
// set) as Go's runtime does: floats as +1.500000e+000, complex numbers in
// parentheses, pointers, channels, maps and functions as addresses,
// slices as [len/cap]address; println puts spaces between the arguments
// and a newline at the end.
func goPrint(ln bool, args []any) string {
	var b strings.Builder
	for i, a := range args {
		if ln && i > 0 {
			b.WriteByte(' ')
		}
		printValue(&b, a)
	}
	if ln {
		b.WriteByte('\n')
	}
	return b.String()
}

func printValue(b *strings.Builder, a any) {
	if a == nil {
		b.WriteString("nil")
		return
	}
	v := reflect.ValueOf(a)
	switch v.Kind() {
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(printFloat(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		b.WriteString("(" + printFloat(real(c)) + printFloat(imag(c)) + "i)")
	case reflect.String:
		b.WriteString(v.String())
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		fmt.Fprintf(b, "%#x", v.Pointer())
	case reflect.Slice:
		fmt.Fprintf(b, "[%d/%d]%#x", v.Len(), v.Cap(), v.Pointer())
	default:
		fmt.Fprintf(b, "(%v)", a)
	}
}

// printFloat is the runtime's printfloat: a sign, seven significant
// digits and a three-digit exponent.
func printFloat(v float64) string {
	switch {
	case v != v:
		return "NaN"
	case v+v == v && v > 0:
		return "+Inf"
	case v+v == v && v < 0:
		return "-Inf"
	}
	const n = 7
	var buf [n + 7]byte
	buf[0] = '+'
	e := 0
	if v == 0 {
		if 1/v < 0 {
			buf[0] = '-'
		}
	} else {
		if v < 0 {
			v = -v
			buf[0] = '-'
		}
		for v >= 10 {
			e++
			v /= 10
		}
		for v < 1 {
			e--
			v *= 10
		}
		h := 5.0
		for i := 0; i < n; i++ {
			h /= 10
		}
		v += h
		if v >= 10 {
			e++
			v /= 10
		}
	}
	for i := 0; i < n; i++ {
		s := int(v)
		buf[i+2] = byte(s + '0')
		v -= float64(s)
		v *= 10
	}
	buf[1] = buf[2]
	buf[2] = '.'
	buf[n+2] = 'e'
	buf[n+3] = '+'
	if e < 0 {
		e = -e
		buf[n+3] = '-'
	}
	buf[n+4] = byte(e/100 + '0')
	buf[n+5] = byte(e/10)%10 + '0'
	buf[n+6] = byte(e%10) + '0'
	return string(buf[:])
}
