"""viz through the real jupyter_client: what a notebook receives for plots,
matrices, user types with HTML(), progress bars, SVG and animations.

Run by `make viz-jupyter`, which installs the kernelspec of bin/gomx into a
temporary prefix and points JUPYTER_PATH at it:
    /usr/bin/python3 -m unittest -v jupyter_viz_test
"""

import base64
import struct
import unittest

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120  # seconds per cell: catches hangs only


def png_size(data):
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


class VizKernelTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="gomx", startup_timeout=TIMEOUT)
        cls.run_cell(
            'import (\n\t"time"\n\t"gonum.org/v1/gonum/mat"\n\t"gonum.org/v1/plot"\n'
            '\t"github.com/gomx-dev/gomx/viz"\n)'
        )

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    @classmethod
    def run_cell(cls, code):
        """Runs code and returns its iopub messages (status excluded)."""
        msgs = []

        def hook(msg):
            if msg["msg_type"] != "status":
                msgs.append(msg)

        reply = cls.kc.execute_interactive(code, output_hook=hook, timeout=TIMEOUT)
        errors = [m["content"] for m in msgs if m["msg_type"] == "error"]
        assert reply["content"]["status"] == "ok", (code, reply["content"], errors)
        return msgs

    def only(self, msgs, msg_type):
        got = [m for m in msgs if m["msg_type"] == msg_type]
        self.assertEqual(len(got), 1, [m["msg_type"] for m in msgs])
        return got[0]["content"]

    def test_plot_png_size(self):
        msgs = self.run_cell("viz.Line([]float64{1, 3, 2})")
        c = self.only(msgs, "execute_result")
        self.assertEqual(png_size(c["data"]["image/png"]), (1280, 800))
        self.assertEqual(c["metadata"]["image/png"], {"width": 640, "height": 400})
        self.assertIn("series: line 1 (3 points)", c["data"]["text/plain"])

    def test_dense_html_table(self):
        msgs = self.run_cell("mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})")
        c = self.only(msgs, "execute_result")
        self.assertIn("<table", c["data"]["text/html"])
        self.assertIn("<td>6</td>", c["data"]["text/html"])
        self.assertTrue(c["data"]["text/plain"].startswith("mat.Dense 2×3"))

    def test_user_type_html(self):
        self.run_cell('type Badge struct{ N int }\n\nfunc (b Badge) HTML() string { return "<i>badge</i>" }')
        msgs = self.run_cell("Badge{3}")
        c = self.only(msgs, "execute_result")
        self.assertEqual(c["data"]["text/html"], "<i>badge</i>")

    def test_progress_one_display_updated(self):
        msgs = self.run_cell(
            "bar := viz.Progress(30)\nfor i := 0; i < 30; i++ {\n"
            "\ttime.Sleep(20 * time.Millisecond)\n\tbar.Add(1)\n}\nbar.Done()"
        )
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1, [m["msg_type"] for m in msgs])
        did = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(did)
        self.assertGreaterEqual(len(updates), 2)
        # At most 10 updates per second, plus the final state.
        span = (updates[-1]["header"]["date"] - shown[0]["header"]["date"]).total_seconds()
        self.assertLessEqual(len(updates), 10 * span + 2, span)
        for u in updates:
            self.assertEqual(u["content"]["transient"]["display_id"], did)
        last = updates[-1]["content"]["data"]
        self.assertIn("30/30", last["text/plain"])
        self.assertIn('<progress value="30" max="30"', last["text/html"])

    def test_show_svg(self):
        msgs = self.run_cell('p := viz.Line([]float64{1, 2})\np.Title.Text = "svg"\nviz.Show(viz.SVG(p))')
        c = self.only(msgs, "display_data")
        self.assertIn("<svg", c["data"]["image/svg+xml"])
        self.assertIn(">svg</text>", c["data"]["image/svg+xml"])

    def test_animate_leaves_gif(self):
        msgs = self.run_cell(
            "var frames []*plot.Plot\nfor k := 0; k < 3; k++ {\n"
            "\tframes = append(frames, viz.Line([]float64{0, float64(k), 1}))\n}\n"
            "viz.Animate(frames, 20)"
        )
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updates), 3)
        final = updates[-1]["content"]["data"]
        self.assertTrue(base64.b64decode(final["image/gif"]).startswith(b"GIF89a"))


if __name__ == "__main__":
    unittest.main()
