"""A scripted OpenAI-compatible chat server for tests and benchmarks.

The server is real: it listens on a loopback socket, speaks HTTP/1.1 and streams
Server-Sent Events the way OpenAI's chat completions endpoint does, so the openai SDK and
any client under test talk to it unmodified. Its answers are a script of ``Turn`` objects
(or callables that build one from the request), consumed one per accepted chat request.
Requests are checked as strictly as OpenAI checks them, and every request is recorded.

Use it as a context manager::

    with ScriptedServer([Turn(text="Hello")]) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="x")

through the ``scripted_server`` pytest fixture, or as a process::

    python -m tests.scripted_server --script turns.json [--port N]

which prints ``LISTENING http://127.0.0.1:PORT/v1`` and serves until it is killed.
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any

from tests.scripted_server.handler import ScriptedHTTPServer
from tests.scripted_server.protocol import (
    DEFAULT_MODEL,
    EXHAUSTED_TEXT,
    ApiError,
    RecordedRequest,
    ToolCallSpec,
    Turn,
    TurnLike,
    TurnSource,
    as_turn_sources,
    estimate_completion_tokens,
    estimate_prompt_tokens,
    turn_from_dict,
)

__all__ = [
    "DEFAULT_MODEL",
    "EXHAUSTED_TEXT",
    "RecordedRequest",
    "ScriptedServer",
    "ToolCallSpec",
    "Turn",
    "TurnLike",
    "TurnSource",
    "estimate_completion_tokens",
    "estimate_prompt_tokens",
    "turn_from_dict",
]


class ScriptedServer:
    """An OpenAI-compatible server on 127.0.0.1 that answers from a script.

    Each accepted POST to ``/v1/chat/completions`` consumes the next turn. A request the
    strict checks reject (bad key, unknown model, invalid messages) consumes nothing. When
    the script runs out the server answers ``EXHAUSTED_TEXT`` and sets ``exhausted``.

    Args:
        turns: The script: ``Turn`` objects, callables ``(RecordedRequest) -> Turn``,
            plain strings (text turns) or dicts of ``Turn`` fields.
        models: Model names served; a request for another model gets a 404.
        api_key: When given, requests must carry ``Authorization: Bearer <api_key>``.
        host: Address to listen on.
        port: Port to listen on; 0 picks a free one.
        extra_routes: Fixed JSON answers for other URLs, by ``(method, path)``: the
            ``/api/show`` of an Ollama, say, beside the scripted chat.
    """

    def __init__(
        self,
        turns: Iterable[TurnLike | Sequence[TurnLike]] = (),
        *,
        models: Sequence[str] = (DEFAULT_MODEL,),
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_routes: dict[tuple[str, str], tuple[int, Any]] | None = None,
    ) -> None:
        self.models: tuple[str, ...] = tuple(models)
        self.extra_routes = dict(extra_routes or {})
        self.api_key = api_key
        self._address = (host, port)
        self._lock = threading.Lock()
        self._turns: deque[TurnSource] = deque(as_turn_sources(turns))
        self._requests: list[RecordedRequest] = []
        self._answered = 0
        self._exhausted = False
        self._stopping = threading.Event()
        self._httpd: ScriptedHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = port

    def start(self) -> ScriptedServer:
        """Bind the socket and serve in a daemon thread.

        Returns:
            The server itself, for chaining.

        Raises:
            RuntimeError: If the server was already started.
        """
        if self._thread is not None:
            raise RuntimeError("a ScriptedServer can be started only once")
        self._httpd = ScriptedHTTPServer(self._address, self)
        self._port = self._httpd.server_port
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},  # how long stop() may wait for the accept loop
            name=f"scripted-server:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections and wait for the handlers; idempotent."""
        with self._lock:
            httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # ends delays and streams that are waiting between chunks
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:8080``."""
        return f"http://{self._address[0]}:{self._port}"

    @property
    def base_url(self) -> str:
        """OpenAI base URL, e.g. ``http://127.0.0.1:8080/v1``."""
        return f"{self.url}/v1"

    def script(self, *turns: TurnLike | Sequence[TurnLike]) -> None:
        """Replace the turns still to come and clear ``exhausted``.

        Args:
            *turns: Turns as accepted by the constructor; lists are flattened.
        """
        sources = as_turn_sources(turns)
        with self._lock:
            self._turns = deque(sources)
            self._exhausted = False

    def add_turns(self, *turns: TurnLike | Sequence[TurnLike]) -> None:
        """Append turns to the script.

        Args:
            *turns: Turns as accepted by the constructor; lists are flattened.
        """
        sources = as_turn_sources(turns)
        with self._lock:
            self._turns.extend(sources)

    @property
    def remaining(self) -> int:
        """Turns not consumed yet."""
        with self._lock:
            return len(self._turns)

    @property
    def exhausted(self) -> bool:
        """Whether a chat request arrived after the script ran out."""
        with self._lock:
            return self._exhausted

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, rejected ones included, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The requests to ``/v1/chat/completions``, in arrival order."""
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def last_request(self) -> RecordedRequest | None:
        """The latest request to ``/v1/chat/completions``, or None."""
        chats = self.chat_requests
        return chats[-1] if chats else None

    def tool_results(self) -> list[str]:
        """Contents of the tool messages in the latest chat request, in order."""
        last = self.last_request
        return last.tool_results() if last is not None else []

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _check_key(self, authorization: str) -> None:
        if self.api_key is None or authorization == f"Bearer {self.api_key}":
            return
        if not authorization:
            message = "You didn't provide an API key. Use 'Authorization: Bearer YOUR_KEY'."
        else:
            shown = authorization.removeprefix("Bearer ")[-4:]
            message = f"Incorrect API key provided: ...{shown}."
        raise ApiError(401, message, code="invalid_api_key")

    def _take_turn(self, request: RecordedRequest) -> tuple[Turn, int]:
        with self._lock:
            self._answered += 1
            number = self._answered
            if self._turns:
                source = self._turns.popleft()
            else:
                self._exhausted = True
                source = Turn(text=EXHAUSTED_TEXT)
        if isinstance(source, Turn):
            return source, number
        try:
            built = as_turn_sources([source(request)])
        except Exception as error:
            # A broken callable is a bug in the test: show it and fail the request loudly.
            traceback.print_exc()
            raise ApiError(500, f"The scripted turn raised {error!r}.") from error
        if len(built) != 1 or not isinstance(built[0], Turn):
            raise ApiError(500, f"A scripted callable must return one Turn, not {built!r}.")
        return built[0], number

    def _give_back(self, turn: Turn) -> None:
        with self._lock:
            self._answered -= 1
            self._turns.appendleft(turn)

    def _pause(self, seconds: float) -> bool:
        """Wait, unless the server stops meanwhile; True when it is still serving."""
        if seconds > 0:
            return not self._stopping.wait(seconds)
        return not self._stopping.is_set()
