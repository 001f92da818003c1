"""jupyter_kernel_test conformance suite for the gomx kernel, with every
sample filled in so that no test is skipped.

Run with the kernelspec "gomx" installed where Jupyter finds it:
    /usr/bin/python3 -m unittest -v test_gokernel
"""

import unittest

import jupyter_kernel_test as jkt

PNG_CELL = """img := image.NewRGBA(image.Rect(0, 0, 8, 8))
for i := 0; i < 8; i++ {
	img.Set(i, i, color.RGBA{255, 0, 0, 255})
}
viz.Show(img)"""


class GomxKernelTests(jkt.KernelTests):
    kernel_name = "gomx"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Prin", "matches": {"Print", "Printf", "Println"}},
    ]
    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() int { return 1 }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "s := `raw"]
    invalid_code_samples = ["x := := 1", "func ) {", "}"]

    code_page_something = "fmt.Println?"
    code_generate_error = 'panic("boom")'
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "1+2+3", "result": "6"},
        {"code": 'len("gomx")', "result": "4"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]
    code_display_data = [
        {"code": 'viz.Show(viz.HTML("<b>hi</b>"))', "mime": "text/html"},
        {"code": PNG_CELL, "mime": "image/png"},
    ]
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6?7"
    code_inspect_sample = "fmt.Println"
    code_clear_output = "viz.Clear()"


if __name__ == "__main__":
    unittest.main()
