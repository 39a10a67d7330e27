"""The baseline of the streaming benchmark: a bare Textual app that streams the model's
answer into one ``Markdown`` widget through ``Markdown.get_stream``, as Textual's docs show.

Run by ``benchmarks/streaming.py``; by hand::

    python benchmarks/bare_app.py --base-url http://127.0.0.1:8000/v1 --model m --prompt hi
"""

from __future__ import annotations

import argparse

from textual import work
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown


class BareApp(App[None]):
    """One Markdown widget fed by a stream, and an input to type into."""

    CSS = "VerticalScroll { height: 1fr; } Input { dock: bottom; }"

    def __init__(self, base_url: str, model: str, prompt: str | None) -> None:
        super().__init__()
        self.base_url = base_url
        self.model = model
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown()
        yield Input(placeholder="Ask anything")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.prompt:
            self.stream_answer(self.prompt)

    @work(exclusive=True)
    async def stream_answer(self, prompt: str) -> None:
        """Stream the answer into the Markdown widget."""
        import openai

        client = openai.AsyncOpenAI(base_url=self.base_url, api_key="bench", max_retries=0)
        self.query_one(VerticalScroll).anchor()
        stream = Markdown.get_stream(self.query_one(Markdown))
        try:
            chunks = await client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": prompt}], stream=True
            )
            async for chunk in chunks:
                for choice in chunk.choices:
                    if choice.delta.content:
                        await stream.write(choice.delta.content)
        finally:
            await stream.stop()
            await client.close()


def main() -> None:
    """Parse the arguments and run the app."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--prompt")
    args = parser.parse_args()
    BareApp(args.base_url, args.model, args.prompt).run()


if __name__ == "__main__":
    main()
