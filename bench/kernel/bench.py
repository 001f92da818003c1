"""Kernel benchmark: gomx against Debian's ipykernel, in one run, through
jupyter_client.

    make bench-kernel          (builds bin/gomx, then runs this script)
    /usr/bin/python3 bench/kernel/bench.py --gomx bin/gomx [--instant bin/instant] [--hb-seconds 30]

Measures, for each kernel:
  start     process launch -> first kernel_info_reply (median of 5)
  listen    process launch -> the shell port accepts tcp connections
            (median of 5): the kernel's own part of the start. A client
            that connects before the kernel listens is refused, and
            libzmq retries only after its reconnect interval (100 ms plus
            up to 100 ms of jitter), so start is listen rounded up to
            that retry unless the kernel listens before the client's
            first attempt, a few ms after the launch.
  rtt       trivial execute: request sent -> reply and idle received
            (median and p95 of 200)
  lines     10,000 printed lines: request -> idle, and the number of
            stream messages (median of 5)
  hb        heartbeat round trips every 10 ms while a compiled computation
            runs for --hb-seconds (p50, p99, max)
and prints gomx/ipykernel ratios. With --instant, it also measures the round
trip of bench/kernel/instant, a fake kernel that answers at once over the
gomx transport: the client's and the transport's share of every kernel's
round trip. Its round trips and a second set of gomx's (--floor-n each,
1,000 by default) alternate in blocks of 50, so that their ratio is not the
load's drift between two measurements.
Output is a table and a JSON line.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import zmq
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager

KERNELS = {
    "gomx": {
        "trivial": "x := 1",
        "lines": "for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}",
        # One compiled call that takes a while, repeated until the time is up.
        "compute": ("a := mat.NewDense(300, 300, nil)\nfor i := 0; i < 300; i++ {\n\ta.Set(i, i, 1.0001)\n}\n"
                    "var c mat.Dense\nstart := time.Now()\n"
                    "for time.Since(start) < %d*time.Second {\n\tc.Mul(a, a)\n}"),
    },
    "python3": {
        "trivial": "x = 1",
        "lines": "for i in range(10000):\n    print(i)",
        "compute": ("import numpy, time\na = numpy.eye(300) * 1.0001\nstart = time.time()\n"
                    "while time.time() - start < %d:\n    c = a @ a"),
    },
}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Launch:
    """A kernel process started on a fresh connection file."""

    def __init__(self, name, argv=None):
        """Start the kernel of kernelspec name, or the command argv."""
        env = dict(os.environ)
        if argv is None:
            spec = KernelSpecManager().get_kernel_spec(name)
            argv, env = spec.argv, dict(env, **spec.env)
        self.dir = tempfile.mkdtemp(prefix="gomx-bench-")
        self.cf, self.info = write_connection_file(os.path.join(self.dir, "conn.json"), ip="127.0.0.1", key=os.urandom(16).hex().encode())
        argv = [a.replace("{connection_file}", self.cf) for a in argv]
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Kernel(Launch):
    def __init__(self, name, argv=None):
        super().__init__(name, argv)
        self.kc = BlockingKernelClient()
        self.kc.load_connection_file(self.cf)
        self.kc.start_channels()
        self.start = self._first_kernel_info()

    def _first_kernel_info(self):
        while True:
            msg_id = self.kc.kernel_info()
            try:
                while True:
                    r = self.kc.get_shell_msg(timeout=0.02)
                    if r["parent_header"].get("msg_id") == msg_id:
                        return time.perf_counter() - self.t0
            except Exception:
                if time.perf_counter() - self.t0 > 60:
                    raise RuntimeError("no kernel_info_reply within 60 s")

    def ready(self):
        """Wait for the kernel, then connect the bench's own synchronous
        shell and iopub sockets (jupyter_client's are asyncio sockets) and
        stop jupyter_client's channels: their threads would otherwise
        receive and decode every iopub message too, competing with the
        measuring thread for the interpreter. Messages are still signed
        and decoded by jupyter_client's Session."""
        self.kc.wait_for_ready(timeout=60)
        self.drain()
        self.kc.stop_channels()
        ctx = zmq.Context.instance()
        self.shell = ctx.socket(zmq.DEALER)
        self.shell.connect("tcp://127.0.0.1:%d" % self.info["shell_port"])
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect("tcp://127.0.0.1:%d" % self.info["iopub_port"])
        end = time.time() + 60
        while not self.iopub.poll(200):
            if time.time() > end:
                raise RuntimeError("iopub never delivered")
            self.kc.session.send(self.shell, "kernel_info_request", {})
        time.sleep(0.5)
        for sock in (self.shell, self.iopub):
            while sock.poll(0):
                sock.recv_multipart()

    def drain(self):
        for get in (self.kc.get_iopub_msg, self.kc.get_shell_msg):
            try:
                while True:
                    get(timeout=0.2)
            except Exception:
                pass

    def execute(self, code, timeout=600):
        """Run code; return (seconds to reply and idle, stream messages).
        Waits on both sockets with one zmq poller, so the client adds no
        polling delay."""
        shell, iopub = self.shell, self.iopub
        poller = zmq.Poller()
        poller.register(shell, zmq.POLLIN)
        poller.register(iopub, zmq.POLLIN)
        session = self.kc.session
        t = time.perf_counter()
        msg_id = session.send(shell, "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})["header"]["msg_id"]
        streams = 0
        idle = reply = False
        while not (idle and reply):
            ready = dict(poller.poll(timeout * 1000))
            if not ready:
                raise RuntimeError("no answer within %d s" % timeout)
            if shell in ready:
                _, r = session.recv(shell, mode=zmq.NOBLOCK)
                if r and r["parent_header"].get("msg_id") == msg_id:
                    reply = True
                    if r["content"]["status"] != "ok":
                        raise RuntimeError("cell failed: %s" % r["content"])
            if iopub in ready:
                _, m = session.recv(iopub, mode=zmq.NOBLOCK)
                if not m or m["parent_header"].get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "stream":
                    streams += 1
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    idle = True
        return time.perf_counter() - t, streams

    def heartbeat(self, code, seconds):
        """Heartbeat round trips (seconds) every 10 ms while code runs."""
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.REQ)
        sock.connect("tcp://127.0.0.1:%d" % self.info["hb_port"])
        rtts, stop = [], threading.Event()

        def ping():
            while not stop.is_set():
                t = time.perf_counter()
                sock.send(b"ping")
                if sock.poll(10000):
                    sock.recv()
                    rtts.append(time.perf_counter() - t)
                else:
                    rtts.append(10.0)
                    return
                time.sleep(0.01)

        th = threading.Thread(target=ping)
        th.start()
        try:
            self.execute(code, timeout=seconds * 10 + 60)
        finally:
            stop.set()
            th.join()
            sock.close(0)
        return rtts

    def close(self):
        for sock in ("shell", "iopub"):
            if hasattr(self, sock):
                getattr(self, sock).close(0)
        self.kc.stop_channels()
        self.stop()


def listen_time(name):
    """Seconds from launching the kernel until its shell port accepts a
    tcp connection."""
    k = Launch(name)
    try:
        while True:
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", k.info["shell_port"]))
                return time.perf_counter() - k.t0
            except OSError:
                if time.perf_counter() - k.t0 > 60:
                    raise RuntimeError("the shell port never listened")
            finally:
                s.close()
    finally:
        k.stop()


def bench(name, hb_seconds, rtt_n):
    code = KERNELS[name]
    res = {}
    res["listen_ms"] = statistics.median(listen_time(name) for _ in range(5)) * 1e3
    starts = []
    for _ in range(5):
        k = Kernel(name)
        starts.append(k.start)
        k.close()
    res["start_ms"] = statistics.median(starts) * 1e3
    k = Kernel(name)
    try:
        k.ready()
        for _ in range(10):
            k.execute(code["trivial"])
        rtts = [k.execute(code["trivial"])[0] for _ in range(rtt_n)]
        res["rtt_median_ms"] = statistics.median(rtts) * 1e3
        res["rtt_p95_ms"] = pct(rtts, 95) * 1e3
        runs = [k.execute(code["lines"]) for _ in range(5)]
        res["lines_ms"] = statistics.median(r[0] for r in runs) * 1e3
        res["lines_msgs"] = max(r[1] for r in runs)
        hb = k.heartbeat(code["compute"] % hb_seconds, hb_seconds)
        res["hb_n"] = len(hb)
        res["hb_p50_ms"] = pct(hb, 50) * 1e3
        res["hb_p99_ms"] = pct(hb, 99) * 1e3
        res["hb_max_ms"] = max(hb) * 1e3
    finally:
        k.close()
    return res


def floor(instant, rtt_n, block=50, rewarm=5):
    """Round trip medians (s) of gomx and of the instant fake kernel
    (bench/kernel/instant), measured interleaved: both kernels run, and
    blocks of block executes alternate between them, so that a
    change of the machine's load during the run reaches both alike. Each
    block starts after rewarm executes that are not counted: like the
    table's round trips, these are of a kernel that is kept busy (the
    first executes after the other kernel's block also pay for waking its
    idle threads)."""
    kernels = [Kernel("gomx"), Kernel("instant", argv=[instant, "{connection_file}"])]
    try:
        rtts = [[], []]
        for k in kernels:
            k.ready()
            for _ in range(10):
                k.execute(KERNELS["gomx"]["trivial"])
        for _ in range(max(1, rtt_n // block)):
            for k, r in zip(kernels, rtts):
                for _ in range(rewarm):
                    k.execute(KERNELS["gomx"]["trivial"])
                r.extend(k.execute(KERNELS["gomx"]["trivial"])[0] for _ in range(block))
        return statistics.median(rtts[0]), statistics.median(rtts[1])
    finally:
        for k in kernels:
            k.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomx", required=True, help="the gomx binary")
    ap.add_argument("--hb-seconds", type=int, default=30)
    ap.add_argument("--rtt-n", type=int, default=200)
    ap.add_argument("--instant", help="the instant fake kernel (bench/kernel/instant), to measure the client's and transport's share of a round trip")
    ap.add_argument("--floor-n", type=int, default=1000,
                    help="round trips of each kernel in the interleaved comparison with --instant (a few seconds; its median varies less than the table's)")
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="gomx-bench-data-")
    os.environ["JUPYTER_DATA_DIR"] = data
    subprocess.run([os.path.abspath(args.gomx), "install"], check=True, stdout=subprocess.DEVNULL)
    try:
        results = {name: bench(name, args.hb_seconds, args.rtt_n) for name in ("gomx", "python3")}
        if args.instant:
            g_rtt, i_rtt = floor(os.path.abspath(args.instant), args.floor_n)
            results["instant"] = {"rtt_median_ms": i_rtt * 1e3, "gomx_rtt_median_ms": g_rtt * 1e3, "ratio": g_rtt / i_rtt}
    finally:
        shutil.rmtree(data, ignore_errors=True)
    g, p = results["gomx"], results["python3"]
    rows = [
        ("start -> kernel_info_reply (ms, median of 5)", "start_ms"),
        ("start -> shell port listening (ms, median of 5)", "listen_ms"),
        ("execute round trip median (ms, n=%d)" % args.rtt_n, "rtt_median_ms"),
        ("execute round trip p95 (ms)", "rtt_p95_ms"),
        ("10,000 printed lines (ms, median of 5)", "lines_ms"),
        ("10,000 printed lines: stream messages", "lines_msgs"),
        ("heartbeat p50 during %d s compute (ms)" % args.hb_seconds, "hb_p50_ms"),
        ("heartbeat p99 during %d s compute (ms)" % args.hb_seconds, "hb_p99_ms"),
        ("heartbeat max (ms)", "hb_max_ms"),
    ]
    print("%-48s %10s %10s %8s" % ("", "gomx", "ipykernel", "ratio"))
    for label, key in rows:
        ratio = g[key] / p[key] if p[key] else float("nan")
        print("%-48s %10.2f %10.2f %8.3f" % (label, g[key], p[key], ratio))
    if args.instant:
        f = results["instant"]
        print("execute round trip median, gomx and the instant fake kernel interleaved (ms, n=%d each): %.2f vs %.2f, %.2fx "
              "— the instant kernel's is the client's and the transport's share" % (args.floor_n, f["gomx_rtt_median_ms"], f["rtt_median_ms"], f["ratio"]))
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
