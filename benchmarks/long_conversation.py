"""Long-conversation benchmark: does streaming get slower as the transcript grows?

The chat pane (OpenClaude's ``ChatView``, headless, 120×40) is filled with N earlier turns
(a prompt, a Markdown answer with a code block, two finished tool cards each), then a
6,000-character answer streams in at a steady pace (~500 tokens a second). Measured for
each N, in the same process: the CPU seconds of that stream, and how late the event loop
woke for each next chunk (95th percentile; a key typed then would wait as long). The
baseline is a bare Textual app holding each earlier answer in its own ``Markdown`` widget
and streaming into one more through ``Markdown.get_stream``, as Textual's docs show (what a
transcript of widgets costs).

Printed, as medians with the ratio to the same app with no history: if the pane's cost
grew with the transcript, the ratios would grow with N.

Run: ``python benchmarks/long_conversation.py [--turns 0,100,1000] [--bare-turns 0,10,20]
[--repeat N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown, Static

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openclaude_tui.ui.widgets.assistant_message import AnswerStream  # noqa: E402
from openclaude_tui.ui.widgets.chat import ChatView  # noqa: E402
from openclaude_tui.ui.widgets.chat_items import UserItem  # noqa: E402
from openclaude_tui.ui.widgets.tool_card import ToolCardItem  # noqa: E402

SIZE = (120, 40)
STREAM_CHARS = 6_000
CHUNK_CHARS = 12  # about three tokens
CHUNK_INTERVAL = 0.006  # ~500 tokens a second
EARLIER_ANSWER = """I read `src/auth.py` and the tests. The check used **`user.is_active`**,
but the model defines `active`, so every login failed:

```python
def can_login(user: User) -> bool:
    return user.active
```

- the tests in `tests/test_auth.py` cover both branches now
- nothing else reads the old attribute
"""
NEW_ANSWER_PARAGRAPH = (
    "The agent reads files, edits code, runs the tests and streams its answer while the "
    "terminal keeps up with every line it draws, with `inline code` and **bold words**.\n\n"
)


def new_answer() -> str:
    """The answer streamed in each run: paragraphs and a code block, STREAM_CHARS long."""
    parts: list[str] = []
    while sum(map(len, parts)) < STREAM_CHARS:
        parts.append(NEW_ANSWER_PARAGRAPH)
        if len(parts) % 8 == 0:
            parts.append("```python\nfor name in names:\n    print(name)\n```\n\n")
    return "".join(parts)[:STREAM_CHARS]


class PaneApp(App[None]):
    """OpenClaude's chat pane and an input, nothing else."""

    CSS = "ChatView { height: 1fr; } Input { dock: bottom; }"

    def compose(self) -> ComposeResult:
        yield ChatView()
        yield Input(placeholder="Ask anything")

    def fill(self, turns: int) -> None:
        """Add ``turns`` finished turns to the pane."""
        view = self.query_one(ChatView)
        for number in range(turns):
            view.add_item(UserItem(f"Question {number}: why does the login fail?"))
            answer = AnswerStream(view)
            answer.append(EARLIER_ANSWER)
            answer.finish()
            for tool, target in (("Read", "src/auth.py"), ("Bash", "python -m pytest -q")):
                card = ToolCardItem(f"{number}-{tool}", tool, target, clock=lambda: 0.0)
                card.finish("done", "2 passed in 0.03s\n" * 3, 0.4)
                view.add_item(card)
        view.flush()

    async def stream(self, text: str, frame: Callable[[], Awaitable[None]]) -> None:
        """Stream ``text`` into a new answer, one chunk per interval."""
        view = self.query_one(ChatView)
        view.live = True
        answer = AnswerStream(view)
        for start in range(0, len(text), CHUNK_CHARS):
            answer.append(text[start : start + CHUNK_CHARS])
            await frame()
        answer.finish()
        view.live = False
        view.flush()


class BareApp(App[None]):
    """Each earlier turn as a Static and a Markdown widget; the new answer streams into one."""

    CSS = "VerticalScroll { height: 1fr; } Input { dock: bottom; }"

    def compose(self) -> ComposeResult:
        yield VerticalScroll()
        yield Input(placeholder="Ask anything")

    async def fill(self, turns: int) -> None:
        """Mount ``turns`` earlier turns."""
        widgets: list[Static | Markdown] = []
        for number in range(turns):
            widgets.append(Static(f"Question {number}: why does the login fail?"))
            widgets.append(Markdown(EARLIER_ANSWER))
            widgets.append(Static("✓ Read src/auth.py\n✓ Bash python -m pytest -q"))
        if widgets:
            await self.query_one(VerticalScroll).mount_all(widgets)

    async def stream(self, text: str, frame: Callable[[], Awaitable[None]]) -> None:
        """Stream ``text`` into a new Markdown widget through ``Markdown.get_stream``."""
        scroll = self.query_one(VerticalScroll)
        markdown = Markdown()
        await scroll.mount(markdown)
        scroll.anchor()
        stream = Markdown.get_stream(markdown)
        try:
            for start in range(0, len(text), CHUNK_CHARS):
                await stream.write(text[start : start + CHUNK_CHARS])
                await frame()
        finally:
            await stream.stop()


async def measure(app_class: type[PaneApp] | type[BareApp], turns: int) -> tuple[float, float]:
    """CPU seconds of one paced stream after ``turns`` earlier turns, and the 95th
    percentile of how late the event loop woke for the next chunk."""
    app = app_class()
    text = new_answer()
    async with app.run_test(size=SIZE) as pilot:
        filled = app.fill(turns)
        if filled is not None:
            await filled
        await pilot.pause(0.5)
        late: list[float] = []

        async def frame() -> None:
            # How late the loop wakes after the interval: what a key typed then would wait.
            started = time.perf_counter()
            await asyncio.sleep(CHUNK_INTERVAL)
            late.append(time.perf_counter() - started - CHUNK_INTERVAL)

        cpu = time.process_time()
        await app.stream(text, frame)
        await pilot.pause(0.3)
        cpu = time.process_time() - cpu
    return cpu, statistics.quantiles(late, n=20)[-1]


def _ratios(figures: dict[int, float]) -> dict[int, float]:
    base = figures[min(figures)]
    return {turns: value / base if base else float("nan") for turns, value in figures.items()}


def report(name: str, cpu: dict[int, float], waits: dict[int, float]) -> None:
    """Print one app's figures, with ratios to its run without history."""
    cpu_ratio = _ratios(cpu)
    print(f"\n{name}")
    print(f"{'earlier turns':>14} {'CPU, stream':>12} {'ratio':>6} {'loop late p95':>14}")
    for turns in sorted(cpu):
        print(
            f"{turns:>14,} {cpu[turns]:>10.3f} s {cpu_ratio[turns]:>6.2f} "
            f"{waits[turns] * 1000:>11.2f} ms"
        )


def _counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    """Run both apps at each history length and print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=_counts, default=[0, 100, 1000])
    parser.add_argument("--bare-turns", type=_counts, default=[0, 10, 20])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    results: dict[str, tuple[dict[int, float], dict[int, float]]] = {}
    plan = [
        ("openclaude chat pane", PaneApp, args.turns),
        ("bare textual", BareApp, args.bare_turns),
    ]
    for name, app_class, counts in plan:
        cpu: dict[int, float] = {}
        waits: dict[int, float] = {}
        for turns in counts:
            runs = [asyncio.run(measure(app_class, turns)) for _ in range(args.repeat)]
            cpu[turns] = statistics.median(run[0] for run in runs)
            waits[turns] = statistics.median(run[1] for run in runs)
            print(f"{name}: {turns} earlier turns done", file=sys.stderr)
        results[name] = (cpu, waits)

    print(
        f"\n{STREAM_CHARS:,}-character answer in {CHUNK_CHARS}-character chunks every "
        f"{CHUNK_INTERVAL * 1000:.0f} ms, after N earlier turns; medians of {args.repeat} runs; "
        f"{SIZE[0]}x{SIZE[1]} headless"
    )
    for name, (cpu, waits) in results.items():
        report(name, cpu, waits)


if __name__ == "__main__":
    main()
