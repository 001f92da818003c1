"""The gomx kernel driven by the real jupyter_client: interrupts, stdin,
wrong signatures, restart, several clients, killed clients, signals and
kill -9. The kernelspec "gomx" must be installed where Jupyter finds it.

    /usr/bin/python3 -m unittest -v test_clients
"""

import json
import os
import queue
import signal
import subprocess
import sys
import time
import unittest

from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

# Generous limits: they catch hangs, not slowness (figures are in bench/).
TIMEOUT = 60

# The stress and fault loops run a few rounds in make test and many in make
# conformance, which sets GOMX_CONFORMANCE=1 (see internal/longtest).
LONG = os.environ.get("GOMX_CONFORMANCE") == "1"


def rounds(short, long):
    """The number of rounds of a loop: short in make test, long in make
    conformance."""
    return long if LONG else short


def children(pid):
    """The pids of the direct children of pid (Linux /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def wait_until(cond, timeout=TIMEOUT):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


class Kernel:
    """A kernel started through jupyter_client, with helpers."""

    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name="gomx", startup_timeout=TIMEOUT)

    def run(self, code, allow_stdin=False, timeout=TIMEOUT, kc=None):
        """Execute code; return (reply content, stdout text, iopub messages)."""
        kc = kc or self.kc
        out, msgs = [], []

        def hook(m):
            msgs.append(m)
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout":
                out.append(m["content"]["text"])

        r = kc.execute_interactive(code, output_hook=hook, allow_stdin=allow_stdin, timeout=timeout)
        return r["content"], "".join(out), msgs

    def start(self, code):
        """Execute code that prints "started" first; return its msg_id once
        that output has arrived, so the cell is surely running."""
        msg_id = self.kc.execute('fmt.Println("started")\n' + code)
        end = time.time() + TIMEOUT
        while time.time() < end:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
                    and "started" in m["content"]["text"]):
                return msg_id
        raise AssertionError("the cell did not start")

    def reply(self, msg_id):
        """The shell reply to msg_id, skipping replies to earlier requests
        (a test that timed out or interrupted may leave one behind)."""
        end = time.time() + TIMEOUT
        while time.time() < end:
            r = self.kc.get_shell_msg(timeout=TIMEOUT)
            if r["parent_header"].get("msg_id") == msg_id:
                return r
        raise AssertionError("no reply to " + msg_id)

    def worker(self):
        kids = children(self.km.provisioner.process.pid)
        return kids[0] if kids else None

    def close(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)


class ClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = Kernel()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def test_interrupt_loop_keeps_state(self):
        k = self.k
        k.run("keep := 41")
        msg_id = k.start("for {}")
        k.km.interrupt_kernel()
        reply = k.reply(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        c, out, _ = k.run("fmt.Println(keep + 1)")
        self.assertEqual(c["status"], "ok")
        self.assertEqual(out, "42\n")

    def test_interrupt_sleep_keeps_state(self):
        k = self.k
        k.run("slept := 7")
        msg_id = k.start("time.Sleep(time.Hour)")
        t = time.time()
        k.km.interrupt_kernel()
        reply = k.reply(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertLess(time.time() - t, TIMEOUT)
        c, out, _ = k.run("fmt.Println(slept)")
        self.assertEqual(out, "7\n", c)

    def test_follow_up_cells_after_errors_all_run(self):
        """A cell sent as soon as an error reply arrives runs: only requests
        queued before the error are aborted. After failing cells, and after
        interrupted ones."""
        k = self.k
        k.run("followed := 0")
        errors, interrupts = rounds(20, 1000), rounds(5, 200)
        for i in range(errors):
            c, _, _ = k.run('panic("boom")')
            self.assertEqual(c["status"], "error")
            c, _, _ = k.run("followed++")
            self.assertEqual(c["status"], "ok", f"round {i}: {c}")
        for i in range(interrupts):
            msg_id = k.start("for {}")
            k.km.interrupt_kernel()
            self.assertEqual(k.reply(msg_id)["content"]["status"], "error")
            c, _, _ = k.run("followed++")
            self.assertEqual(c["status"], "ok", f"interrupt round {i}: {c}")
        c, out, _ = k.run("fmt.Println(followed)")
        self.assertEqual(out, f"{errors + interrupts}\n")

    def test_sigint_interrupts(self):
        k = self.k
        msg_id = k.start("for {}")
        os.kill(k.km.provisioner.process.pid, signal.SIGINT)
        reply = k.reply(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertTrue(k.km.is_alive())
        c, out, _ = k.run('fmt.Println("alive")')
        self.assertEqual(out, "alive\n")

    def test_stdin_round_trip(self):
        k = self.k
        code = 'var name string\nfmt.Println("hello")\nfmt.Print("Your name: ")\nfmt.Scanln(&name)\nfmt.Println("got", name)'
        prompts = []

        def stdin_hook(m):
            prompts.append(m)
            k.kc.input("gopher")

        out = []
        r = k.kc.execute_interactive(
            code, allow_stdin=True, timeout=TIMEOUT, stdin_hook=stdin_hook,
            output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        self.assertEqual(r["content"]["status"], "ok", r["content"])
        self.assertEqual(len(prompts), 1)
        self.assertEqual(prompts[0]["msg_type"], "input_request")
        # the unterminated line printed before Scanln is the prompt
        self.assertEqual(prompts[0]["content"]["prompt"], "Your name: ")
        self.assertEqual("".join(out), "hello\ngot gopher\n")

    def test_stdin_not_allowed_fails_clearly(self):
        c, _, _ = self.k.run("var s string\nfmt.Scanln(&s)")
        self.assertEqual(c["status"], "error")
        self.assertIn("stdin is not allowed", c["evalue"])
        with self.assertRaises(queue.Empty):
            self.k.kc.get_stdin_msg(timeout=0.2)

    def test_wrong_signature_never_executes(self):
        k = self.k
        k.run("evil := 0")
        bad = Session(key=b"not-the-key", username="mallory")
        sock = k.kc.shell_channel.socket
        for _ in range(rounds(100, 1000)):
            bad.send(sock, bad.msg("execute_request", {"code": "evil++", "silent": False, "store_history": True,
                                                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}))
        # No reply and no busy for any of them: the next reply is ours.
        c, out, _ = k.run("fmt.Println(evil)")
        self.assertEqual(out, "0\n")
        with self.assertRaises(queue.Empty):
            k.kc.get_shell_msg(timeout=0.5)

    def test_bad_frames_and_100mb_message(self):
        k = self.k
        sock = k.kc.shell_channel.socket
        sock.send_multipart([b"garbage", b"more"])
        sock.send_multipart([b"<IDS|MSG>", b"", b"{", b"}", b"x", b"y"])
        sock.send_multipart([b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"{}"])
        msg = k.kc.session.msg("kernel_info_request", {}, metadata={"pad": "x" * (100 << 20)})
        k.kc.session.send(sock, msg)
        r = k.reply(msg["header"]["msg_id"])
        self.assertEqual(r["msg_type"], "kernel_info_reply")
        c, out, _ = k.run('fmt.Println("fine")')
        self.assertEqual(out, "fine\n")

    def test_user_expressions_and_display_updates(self):
        k = self.k
        msg_id = k.kc.execute("ue := 21", user_expressions={"double": "ue * 2", "bad": "nosuchname"})
        ue = k.reply(msg_id)["content"]["user_expressions"]
        self.assertEqual(ue["double"]["status"], "ok")
        self.assertEqual(ue["double"]["data"]["text/plain"], "42")
        self.assertEqual(ue["bad"]["status"], "error")
        c, _, msgs = k.run("d := viz.NewDisplay()\nd.Show(1)\nd.Update(2)")
        self.assertEqual(c["status"], "ok", c)
        shown = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        self.assertEqual([m["msg_type"] for m in shown], ["display_data", "update_display_data"])
        ids = {m["content"]["transient"]["display_id"] for m in shown}
        self.assertEqual(len(ids), 1)
        self.assertEqual(shown[1]["content"]["data"]["text/plain"], "2")

    def test_two_clients_see_iopub(self):
        k = self.k
        kc2 = k.km.client()
        kc2.start_channels()
        try:
            kc2.wait_for_ready(timeout=TIMEOUT)
            msg_id = k.kc.execute('fmt.Println("to everyone")')
            k.reply(msg_id)
            seen = []
            end = time.time() + TIMEOUT
            while time.time() < end:
                m = kc2.get_iopub_msg(timeout=TIMEOUT)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                seen.append(m["msg_type"])
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    break
            self.assertIn("stream", seen)
            self.assertIn("execute_input", seen)
        finally:
            kc2.stop_channels()

    def test_rapid_requests(self):
        # Execute requests sent back to back without waiting are all
        # answered, in order, with consecutive execution counts.
        k = self.k
        k.run("rapid := 0")
        n = rounds(50, 1000)
        ids = [k.kc.execute("rapid++\nrapid") for _ in range(n)]
        replies = [k.reply(i) for i in ids]
        self.assertEqual([r["content"]["status"] for r in replies], ["ok"] * n)
        counts = [r["content"]["execution_count"] for r in replies]
        self.assertEqual(counts, list(range(counts[0], counts[0] + n)))
        c, out, _ = k.run("fmt.Println(rapid)")
        self.assertEqual(out, f"{n}\n", c)

    def test_client_killed_mid_stream(self):
        for _ in range(rounds(1, 10)):
            self.client_killed_mid_stream()

    def client_killed_mid_stream(self):
        k = self.k
        script = (
            "import sys, json\n"
            "from jupyter_client.blocking import BlockingKernelClient\n"
            "kc = BlockingKernelClient(); kc.load_connection_info(json.load(open(sys.argv[1])))\n"
            "kc.start_channels(); kc.wait_for_ready(timeout=60)\n"
            "kc.execute('for i := 0; i < 3000000; i++ { fmt.Println(i) }')\n"
            "kc.get_iopub_msg(timeout=60); kc.get_iopub_msg(timeout=60); kc.get_iopub_msg(timeout=60)\n"
            "print('streaming', flush=True)\n"
            "import time; time.sleep(60)\n")
        p = subprocess.Popen([sys.executable, "-c", script, k.km.connection_file], stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), "streaming")
            p.kill()
            p.wait(TIMEOUT)
            reply = k.kc.kernel_info(reply=True, timeout=TIMEOUT)
            self.assertEqual(reply["content"]["status"], "ok")
            # The killed client's cell still occupies the shell; stop it.
            k.km.interrupt_kernel()
            c, out, _ = k.run('fmt.Println("still here")')
            self.assertEqual(out, "still here\n")
        finally:
            p.kill()


class LifecycleTests(unittest.TestCase):
    def test_other_signature_schemes(self):
        # jupyter_client signs with the scheme its connection file names
        from jupyter_client.manager import KernelManager
        for scheme in ("hmac-sha512", "hmac-md5"):
            km = KernelManager(kernel_name="gomx")
            km.session.signature_scheme = scheme
            km.start_kernel()
            kc = km.client()
            try:
                kc.start_channels()
                kc.wait_for_ready(timeout=TIMEOUT)
                out = []
                r = kc.execute_interactive(
                    'fmt.Println("signed")', timeout=TIMEOUT,
                    output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
                self.assertEqual(r["content"]["status"], "ok", scheme)
                self.assertEqual("".join(out), "signed\n", scheme)
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)

    def test_restart_new_session_no_old_worker(self):
        k = Kernel()
        try:
            for _ in range(rounds(1, 20)):
                k.run("x := 1")
                s1 = k.kc.kernel_info(reply=True, timeout=TIMEOUT)["header"]["session"]
                w1 = k.worker()
                self.assertIsNotNone(w1)
                k.km.restart_kernel(now=False)
                k.kc.wait_for_ready(timeout=TIMEOUT)
                s2 = k.kc.kernel_info(reply=True, timeout=TIMEOUT)["header"]["session"]
                self.assertNotEqual(s1, s2)
                self.assertTrue(wait_until(lambda: not alive(w1)), "old worker survived the restart")
                c, _, _ = k.run("fmt.Println(x)")
                self.assertEqual(c["status"], "error")
        finally:
            k.close()

    def test_kill_9_leaves_no_worker(self):
        for _ in range(rounds(1, 20)):
            k = Kernel()
            try:
                k.run("fmt.Println(1)")
                w = k.worker()
                self.assertIsNotNone(w)
                os.kill(k.km.provisioner.process.pid, signal.SIGKILL)
                self.assertTrue(wait_until(lambda: not alive(w)), "worker survived kill -9 of the kernel")
            finally:
                k.kc.stop_channels()
                k.km.cleanup_resources()

    def test_sigterm_clean_exit(self):
        k = Kernel()
        try:
            k.run("fmt.Println(1)")
            w = k.worker()
            proc = k.km.provisioner.process
            os.kill(proc.pid, signal.SIGTERM)
            self.assertEqual(proc.wait(TIMEOUT), 0)
            self.assertTrue(wait_until(lambda: not alive(w)), "worker survived SIGTERM of the kernel")
        finally:
            k.kc.stop_channels()
            k.km.cleanup_resources()

    def test_shutdown_request(self):
        k = Kernel()
        proc = k.km.provisioner.process
        w = k.worker()
        k.kc.stop_channels()
        k.km.shutdown_kernel(now=False)
        self.assertEqual(proc.wait(TIMEOUT), 0)
        self.assertTrue(wait_until(lambda: not alive(w)))


if __name__ == "__main__":
    unittest.main()
