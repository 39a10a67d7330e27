"""How fast the diff view shows a diff: first paint and scrolling, for 100 to 10,000 lines.

Run it with ``python benchmarks/diff_first_paint.py [--runs N]``. For each size it builds a
git-style diff of that many lines (a Python file with a change every few lines, and a new
Python file of that many lines, one hunk), then in a headless app measures:

- first paint: from the diff's text to the last row of the first screen drawn (parsing,
  laying out rows, highlighting what shows);
- page: from a Page Down to the last row of the new screen drawn.

It prints medians over the runs (the first, cold run is reported apart: it includes
importing the lexer). The target is a first paint under 250 ms for 10,000 lines.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App
from textual.strip import Strip

from openclaude_tui.core.changes.diff import parse_diff
from openclaude_tui.ui.widgets.diff_view import DiffView

SIZES = (100, 1_000, 10_000)
SCREEN = (120, 40)
PAGES = 10


def edited_file_diff(lines: int) -> str:
    """A diff of about ``lines`` lines: hunks of 3 context, 1 removed, 1 added, 3 context."""
    out = ["diff --git a/pkg/module.py b/pkg/module.py\n", "--- a/pkg/module.py\n"]
    out.append("+++ b/pkg/module.py\n")
    old = 1
    while len(out) < lines:
        out.append(f"@@ -{old},7 +{old},7 @@ def function_{old}(value):\n")
        for i in range(3):
            out.append(f"     total_{old + i} = compute(value, {old + i})  # keep\n")
        out.append(f"-    result = transform(total_{old}, factor={old})\n")
        out.append(f"+    result = transform(total_{old}, factor={old} * 2, strict=True)\n")
        for i in range(4, 7):
            out.append(f'     print("step", {old + i}, result)\n')
        old += 20
    return "".join(out)


def new_file_diff(lines: int) -> str:
    """A new Python file of ``lines`` lines: one hunk."""
    body = "".join(
        f"+def function_{i}(value):\n" if i % 4 == 0 else f'+    return "value {i}" * value\n'
        for i in range(lines)
    )
    return (
        "diff --git a/pkg/fresh.py b/pkg/fresh.py\nnew file mode 100644\n"
        f"--- /dev/null\n+++ b/pkg/fresh.py\n@@ -0,0 +1,{lines} @@\n{body}"
    )


class TimedDiffView(DiffView):
    """A diff view that notes when the last row of the screen was drawn."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.painted = asyncio.Event()
        self.painted_at = 0.0

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if y == self.scrollable_content_region.height - 1 and not self.painted.is_set():
            self.painted_at = time.perf_counter()
            self.painted.set()
        return strip


async def measure(text: str, runs: int) -> tuple[float, list[float], list[float]]:
    """The cold first paint, then warm first paints and page times, in seconds."""
    firsts: list[float] = []
    pages: list[float] = []
    app = App[None]()
    async with app.run_test(size=SCREEN) as pilot:
        for _ in range(runs + 1):
            started = time.perf_counter()
            view = TimedDiffView(parse_diff(text))
            await app.screen.mount(view)
            await asyncio.wait_for(view.painted.wait(), 30)
            firsts.append(view.painted_at - started)
            for _ in range(PAGES):
                if view.is_vertical_scroll_end:
                    break
                view.painted.clear()
                started = time.perf_counter()
                view.scroll_page_down(animate=False)
                await asyncio.wait_for(view.painted.wait(), 30)
                pages.append(view.painted_at - started)
            await view.remove()
            await pilot.pause()
            # Each run starts without the last one's garbage, as a first paint in the app would.
            gc.collect()
    return firsts[0], firsts[1:], pages


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="warm runs per case (default 7)")
    runs = parser.parse_args().runs
    print(f"Diff view, headless {SCREEN[0]}x{SCREEN[1]}, medians of {runs} warm runs\n")
    print(f"{'case':<32}{'diff lines':>11}{'cold first':>13}{'first paint':>13}{'page':>12}")
    worst = 0.0
    cases = [("nothing (Textual's own frame)", 0, lambda size: "")]
    for size in SIZES:
        cases.append(("edited file, many hunks", size, edited_file_diff))
        cases.append(("new file, one hunk", size, new_file_diff))
    for name, size, make in cases:
        text = make(size)
        cold, firsts, pages = await measure(text, runs)
        first = statistics.median(firsts)
        if size == SIZES[-1]:
            worst = max(worst, first)
        page = milliseconds(statistics.median(pages)) if pages else "       -"
        lines = text.count("\n")
        row = f"{name:<32}{lines:>11,}{milliseconds(cold):>13}{milliseconds(first):>13}{page:>12}"
        print(row)
    verdict = "meets" if worst < 0.25 else "MISSES"
    first = milliseconds(worst).strip()
    print(f"\n10,000 lines: first paint {first} (median of the slower case), {verdict} 250 ms")


if __name__ == "__main__":
    asyncio.run(main())
