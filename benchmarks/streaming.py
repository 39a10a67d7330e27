"""Streaming benchmark: OpenClaude's app against a bare Textual app, same machine, same run.

Both apps run in a real pseudo-terminal (120×40) against the scripted server, which streams
a 30,000-character Markdown answer, once as fast as it can ("at once") and once at about
500 tokens a second ("paced"), three words per chunk as the server does by default
(``--token-chunks``: one token, four characters, per chunk, as llama.cpp or vLLM send).
A relay between app and server notes when the server's last byte went through; the
terminal's output is read to see when the answer's last words are drawn and when typed
keys are echoed. Printed, as medians with the ratio ours / bare:

- render complete: last byte from the server → the answer's end on screen (at once);
- lag: the same while paced (how far the screen is behind the stream);
- CPU seconds the app used from its request to the answer's end on screen;
- key echo: a key typed every quarter second while paced → the key on screen;
- startup: process start → the prompt on screen;
- peak RSS of the app.

Run: ``python benchmarks/streaming.py [--repeat N] [--startup-runs N] [--token-chunks]
[--modes once,paced]``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import random
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scripted_server import ScriptedServer, Turn  # noqa: E402
from tests.scripted_server.protocol import stream_chunks  # noqa: E402

COLUMNS, ROWS = 120, 40
ANSWER_SIZE = 30_000
SENTINEL = "ZEBRA7Q4Z"
PROMPT_MARK = "anything"  # in both apps' prompt placeholder
TYPED = "§"
TOKENS_PER_SECOND = 500
CHARS_PER_TOKEN = 4
WAIT_LIMIT = 180.0


def answer_text(size: int = ANSWER_SIZE, seed: int = 7) -> str:
    """A Markdown answer of about ``size`` characters ending with the sentinel."""
    rng = random.Random(seed)
    sentence = (
        "the agent reads files edits code runs tests and streams tokens from an open model "
        "server while the terminal keeps up with every line it draws"
    )
    words = sentence.split(" ")
    parts: list[str] = []
    length = 0
    section = 0
    while length < size:
        kind = section % 6
        if kind == 0:
            part = f"## Part {section}\n\n"
        elif kind in (1, 3):
            text = " ".join(rng.choice(words) for _ in range(70))
            part = f"{text}, with `inline code` and **bold words**.\n\n"
        elif kind == 2:
            items = (" ".join(rng.choice(words) for _ in range(9)) for _ in range(5))
            part = "".join(f"- {item}\n" for item in items) + "\n"
        elif kind == 4:
            body = "".join(f"def step_{n}(x):\n    return x * {n}  # scale\n" for n in range(8))
            part = f"```python\n{body}```\n\n"
        else:
            part = "| name | value |\n|---|---|\n| alpha | 1 |\n| beta | 2 |\n\n"
        parts.append(part)
        length += len(part)
        section += 1
    parts.append(f"The end: {SENTINEL}.\n")
    return "".join(parts)


class Relay:
    """A TCP relay in front of the server that notes when its last byte went out."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.last_byte = 0.0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, downstream: bool) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                if downstream:
                    self.last_byte = time.monotonic()
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()


@dataclass
class Terminal:
    """A command in a pseudo-terminal whose output is read and timed."""

    command: list[str]
    cwd: Path
    env: dict[str, str]
    output: bytearray = field(default_factory=bytearray)
    marks: list[tuple[float, int]] = field(default_factory=list)

    def start(self) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.master = master
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdin=slave, stdout=slave, stderr=slave,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.output += data
                self.marks.append((time.monotonic(), len(self.output)))

    def position(self) -> int:
        with self._lock:
            return len(self.output)

    def wait_for(self, text: str, start: int = 0, limit: float = WAIT_LIMIT) -> float:
        """When ``text`` first appeared in the output after byte ``start``."""
        needle = text.encode()
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self._lock:
                found = self.output.find(needle, start)
                if found >= 0:
                    end = found + len(needle)
                    return next(moment for moment, size in self.marks if size >= end)
            time.sleep(0.002)
        raise TimeoutError(f"{text!r} never appeared on screen")

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.send("\x11")  # Ctrl+Q
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@dataclass
class App:
    """How to start one of the two apps."""

    name: str
    command: Callable[[str, str | None], list[str]]


def ours(base_url: str, prompt: str | None) -> list[str]:
    command = [sys.executable, "-m", "openclaude_tui", "--base-url", base_url]
    return [*command, "--model", "scripted-model", *([prompt] if prompt else [])]


def bare(base_url: str, prompt: str | None) -> list[str]:
    command = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py"), "--base-url", base_url]
    return [*command, "--model", "scripted-model", *(["--prompt", prompt] if prompt else [])]


APPS = (App("openclaude", ours), App("bare textual", bare))


def environment(home: Path) -> dict[str, str]:
    unwanted = ("COLUMNS", "LINES", "MODEL", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(OPENCLAUDE_HOME=str(home), TERM="xterm-256color", COLORTERM="truecolor")
    env["PYTHONPATH"] = str(ROOT)
    # Bytecode is kept, as an installed package has it (compiled by the warm-up run), but
    # outside the source tree.
    env["PYTHONPYCACHEPREFIX"] = str(home.parent / "pycache")
    return env


def measure_startup(app: App, relay: Relay, workdir: Path) -> float:
    terminal = Terminal(app.command(relay.base_url, None), workdir, environment(workdir / "home"))
    terminal.start()
    try:
        return terminal.wait_for(PROMPT_MARK) - terminal.started
    finally:
        terminal.stop()


def stream_turn(answer: str, paced: bool, token_chunks: bool) -> Turn:
    """The scripted answer, with a delay between chunks that makes ~500 tokens a second."""
    chunk_size = CHARS_PER_TOKEN if token_chunks else None
    sample = Turn(text=answer, chunk_size=chunk_size)
    chunks = len(stream_chunks(sample, completion_id="", model="", turn_number=1, usage=None))
    delay = answer_seconds(answer) / chunks if paced else 0.0
    return Turn(text=answer, chunk_size=chunk_size, token_delay=delay)


def measure_stream(
    app: App, server: ScriptedServer, relay: Relay, workdir: Path, paced: bool, token_chunks: bool
) -> dict[str, float | list[float]]:
    answer = answer_text()
    requested: list[float] = []
    turn = stream_turn(answer, paced, token_chunks)

    def serve(_request: object) -> Turn:
        requested.append(time.monotonic())
        return turn

    server.script(serve)
    terminal = Terminal(
        app.command(relay.base_url, "Write the long answer."),
        workdir,
        environment(workdir / "home"),
    )
    terminal.start()
    echoes: list[float] = []
    try:
        while not requested:
            time.sleep(0.001)
        cpu_at_request = terminal.cpu_seconds()
        if paced:
            echoes = type_while_streaming(terminal, requested[0], answer_seconds(answer))
        shown = terminal.wait_for(SENTINEL)
        cpu = terminal.cpu_seconds() - cpu_at_request
        rss = terminal.peak_rss_mb()
        last_byte = relay.last_byte
    finally:
        terminal.stop()
    return {"behind": shown - last_byte, "cpu": cpu, "echo": echoes, "rss": rss}


def answer_seconds(answer: str) -> float:
    return len(answer) / CHARS_PER_TOKEN / TOKENS_PER_SECOND


def type_while_streaming(terminal: Terminal, start: float, seconds: float) -> list[float]:
    """Type a key every quarter second while the answer streams; each key's echo time."""
    latencies: list[float] = []
    typed = 0
    moment = start + 1.0
    while moment < start + seconds - 1.0:
        time.sleep(max(0.0, moment - time.monotonic()))
        position = terminal.position()
        typed += 1
        sent = time.monotonic()
        terminal.send(TYPED)
        latencies.append(terminal.wait_for(TYPED * typed, position, limit=30) - sent)
        moment += 0.25
    return latencies


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(rows: list[tuple[str, str, float, float]]) -> None:
    print(f"\n{'':34}{'openclaude':>12}{'bare textual':>14}{'ratio':>8}")
    for label, unit, mine, theirs in rows:
        ratio = mine / theirs if theirs else float("nan")
        print(f"{label:34}{mine:>10.3f}{unit:>2}{theirs:>12.3f}{unit:>2}{ratio:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="stream runs per app and mode")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument(
        "--token-chunks", action="store_true", help="one token per chunk instead of three words"
    )
    parser.add_argument(
        "--modes", default="once,paced", help="stream modes to run (default: once,paced)"
    )
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {app.name: {} for app in APPS}

    def add(app: App, key: str, value: float | list[float]) -> None:
        values = value if isinstance(value, list) else [value]
        results[app.name].setdefault(key, []).extend(values)

    with tempfile.TemporaryDirectory() as tmp, ScriptedServer() as server:
        workdir = Path(tmp)
        relay = Relay(server.port)
        for app in APPS:
            measure_startup(app, relay, workdir)  # warm-up: compiles the bytecode
        for run in range(args.startup_runs):
            for app in APPS:
                add(app, "startup", measure_startup(app, relay, workdir))
            print(f"startup run {run + 1}/{args.startup_runs} done", file=sys.stderr)
        for mode in args.modes.split(","):
            paced = mode == "paced"
            for run in range(args.repeat):
                for app in APPS:
                    outcome = measure_stream(app, server, relay, workdir, paced, args.token_chunks)
                    add(app, f"{mode} behind", outcome["behind"])  # type: ignore[arg-type]
                    add(app, f"{mode} cpu", outcome["cpu"])  # type: ignore[arg-type]
                    add(app, "rss", outcome["rss"])  # type: ignore[arg-type]
                    if paced:
                        add(app, "echo", outcome["echo"])  # type: ignore[arg-type]
                print(f"{mode} run {run + 1}/{args.repeat} done", file=sys.stderr)
        relay.close()

    mine, theirs = results["openclaude"], results["bare textual"]
    chunking = "one token" if args.token_chunks else "three words"
    print(
        f"\n{len(answer_text()):,}-character answer, {chunking} per chunk; "
        f"paced at {TOKENS_PER_SECOND} tokens/s "
        f"(~{answer_seconds(answer_text()):.0f} s); medians of {args.repeat} stream runs, "
        f"{args.startup_runs} startups; {COLUMNS}x{ROWS} terminal"
    )
    report(
        [
            (label, unit, median(mine.get(key, [])), median(theirs.get(key, [])))
            for label, unit, key in (
                ("render complete after last byte", " s", "once behind"),
                ("CPU, answer sent at once", " s", "once cpu"),
                ("behind the stream at its end", " s", "paced behind"),
                ("CPU, paced stream", " s", "paced cpu"),
                ("key echo while streaming", " s", "echo"),
                ("startup to the prompt", " s", "startup"),
                ("peak RSS", "MB", "rss"),
            )
        ]
    )
    echo = mine.get("echo", [])
    if echo:
        print(f"\nopenclaude key echo: max {max(echo):.3f} s over {len(echo)} keys")


if __name__ == "__main__":
    main()
