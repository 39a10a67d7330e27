"""Talking to an OpenAI-compatible server: streaming, tool-call assembly, retries, errors.

The ``openai`` package is imported lazily (it costs over half a second), so creating a
``Provider`` is cheap and the first request pays for the import.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from openclaude_tui.core.events import Event, Notice, Retrying
from openclaude_tui.core.llm.answer import AnswerReading, AnswerText, completion_as_chunk
from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.deadlines import (
    BodyTooLarge,
    RequestClock,
    parse_json,
    read_capped,
    timed_bytes,
)
from openclaude_tui.core.llm.errors import (
    ProviderError,
    error_reason,
    stream_error,
    translate_error,
)
from openclaude_tui.core.llm.sse import READ_INTERVAL, drain, event_data, gathered
from openclaude_tui.core.llm.text_protocol import as_text_protocol

_log = logging.getLogger(__name__)

# How servers say they will not take the ``tools`` field. Ollama and vLLM answer 400;
# llama.cpp's server without --jinja answers 500, OpenRouter 404 ("No endpoints found that
# support tool use"): the status alone says nothing, the words do.
_TOOLS_REJECTED = re.compile(
    r"does not support tools|tool.?choice|enable-auto-tool-choice|tools? (?:is|are) not supported"
    r"|not support(?:ed)? (?:function|tool)|support tool use|tools param requires"
)
# llama.cpp servers before streamed tool calls: tools work, but only without streaming.
_TOOLS_NOT_STREAMED = re.compile(r"cannot use tools with stream")
MAX_ATTEMPTS = 4
# A Retry-After longer than this is not waited out: the user hears when to try again.
MAX_RETRY_DELAY = 60.0
# The most a whole (non-streamed) answer or the model list may hold, and one stream event.
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_EVENT_BYTES = 8 * 1024 * 1024
# The model list is small: it gets this long at most (or the request timeout, if shorter).
LIST_TIMEOUT = 30.0


@dataclass
class ProviderSettings:
    """How to reach the server and what to ask it for."""

    base_url: str
    api_key: str
    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    first_token_timeout: float = 120.0
    # Once the answer has begun: the longest silence, and the longest whole request.
    stall_timeout: float = 90.0
    request_timeout: float = 600.0
    retry_base_delay: float = 1.0
    max_attempts: int = MAX_ATTEMPTS
    # Fields added to every chat request (a profile's ``extra_body``); ours win on a clash.
    extra_body: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelResponse:
    """One complete answer of the model."""

    text: str
    tool_calls: list[ToolCall]
    finish_reason: str
    reasoning: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Provider:
    """Streams chat completions from one OpenAI-compatible endpoint."""

    def __init__(
        self,
        settings: ProviderSettings,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """A provider for ``settings``; ``sleep`` waits out the pause before a retry (a test
        passes one that records the pauses asked for instead of waiting)."""
        self.settings = settings
        self._sleep = sleep
        self._client: Any = None
        # What the server turned out to accept; learned once per session.
        self.sends_usage_option = True
        self.streams_with_tools = True
        self.native_tools = True
        # DeepSeek's thinking mode wants the reasoning of tool-call turns sent back.
        self.sends_reasoning = False

    @property
    def host(self) -> str:
        """The endpoint's host:port, for the status bar and messages."""
        return urlsplit(self.settings.base_url).netloc or self.settings.base_url

    def _sdk(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.AsyncOpenAI(
                base_url=self.settings.base_url,
                api_key=self.settings.api_key or "none",
                max_retries=0,
                # The read timeout applies between bytes; the first-token, stall and
                # request deadlines are enforced around the whole request (see RequestClock),
                # so this one only backs them up.
                timeout=openai.Timeout(
                    connect=10.0,
                    read=max(self.settings.first_token_timeout, self.settings.stall_timeout) + 10.0,
                    write=30.0,
                    pool=10.0,
                ),
            )
        return self._client

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def list_models(self) -> list[str]:
        """Model ids the server offers (``/v1/models``)."""
        limit = min(self.settings.request_timeout, LIST_TIMEOUT)
        models = self._sdk().models
        try:
            async with asyncio.timeout(limit):
                page = await models.list()
        except TimeoutError:
            raise ProviderError(
                f"the server at {self.host} did not send its model list within {limit:g} s"
            ) from None
        except Exception as error:
            raise translate_error(error, self.settings.base_url, self.settings.model) from error
        return [str(model.id) for model in page.data]

    async def complete(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        emit: Callable[[Event], None],
    ) -> ModelResponse:
        """One model answer, streamed through ``emit``, retried on transient failures.

        Raises:
            ProviderError: the request failed for good (one clear sentence).
        """
        attempts = self.settings.max_attempts
        attempt = 1
        while True:
            try:
                return await self._attempt(self._prepare(messages, tools), self._tools(tools), emit)
            except ProviderError as error:
                if self._adapt(error, tools, emit):
                    continue
                if not error.retryable or attempt == attempts:
                    raise
                if error.retry_after is not None and error.retry_after > MAX_RETRY_DELAY:
                    raise ProviderError(
                        f"{error}; the server asks to wait {_duration(error.retry_after)} "
                        "before trying again",
                        status=error.status,
                    ) from None
                delay = self._delay(attempt, error.retry_after)
                _log.info(
                    "attempt %d of %d failed (%s); retrying in %.1f s",
                    attempt,
                    attempts,
                    error,
                    delay,
                )
                emit(Retrying(attempt + 1, attempts, delay, str(error)))
                await self._sleep(delay)
                attempt += 1

    def _tools(self, tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        return tools if self.native_tools else None

    def _prepare(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        """The messages as this server takes them."""
        if not self.sends_reasoning:
            messages = [
                {k: v for k, v in m.items() if k != "reasoning_content"}
                if "reasoning_content" in m
                else m
                for m in messages
            ]
        if tools and not self.native_tools:
            messages = as_text_protocol(messages, tools)
        return messages

    def _adapt(
        self,
        error: ProviderError,
        tools: list[dict[str, Any]] | None,
        emit: Callable[[Event], None],
    ) -> bool:
        """Learn from a refusal what the server needs; True when the request should be resent."""
        if error.status is None or error.status < 400:
            return False
        message = str(error).lower()
        if tools and self.streams_with_tools and _TOOLS_NOT_STREAMED.search(message):
            self.streams_with_tools = False
            _log.info("%s: tools are not streamed; asking for whole answers (%s)", self.host, error)
            return True
        if tools and self.native_tools and _TOOLS_REJECTED.search(message):
            self.native_tools = False
            _log.info("%s: no native tool calls; using the text protocol (%s)", self.host, error)
            jinja = "jinja" in message
            hint = " (llama.cpp's server takes them when started with --jinja)" if jinja else ""
            emit(
                Notice(
                    f"{self.host} does not take native tool calls for this model{hint}; tools "
                    "are now described in the prompt and read from the model's text",
                    "warning",
                )
            )
            return True
        if error.status == 400 and "reasoning_content" in message and not self.sends_reasoning:
            self.sends_reasoning = True
            _log.info("%s: wants the reasoning of tool-call turns sent back", self.host)
            return True
        return False

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_DELAY)
        base = self.settings.retry_base_delay * (2 ** (attempt - 1))
        return min(base * (0.5 + random.random() / 2), MAX_RETRY_DELAY)

    async def _attempt(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        emit: Callable[[Event], None],
    ) -> ModelResponse:
        if tools and not self.streams_with_tools:
            return await self._complete_once(messages, tools, emit)
        request = self._request(messages, tools, stream=True)
        try:
            return await self._stream(request, emit)
        except _EmptyStream as empty:
            if not tools:
                what = (
                    f"broke off the answer ({empty.reason})"
                    if empty.reason
                    else "sent an empty answer"
                )
                raise ProviderError(f"{self.host} {what}", retryable=True) from None
            # llama.cpp servers answer a streamed request with tools with an empty body, then
            # close the connection, cleanly or not (depending on timing): the plain request
            # needs a new one.
            self.streams_with_tools = False
            await self.close()
            return await self._complete_once(messages, tools, emit)
        except ProviderError as error:
            if error.status == 400 and self.sends_usage_option and "stream_options" in str(error):
                self.sends_usage_option = False
                _log.info("%s: refuses stream_options; usage is estimated", self.host)
                return await self._stream(self._request(messages, tools, stream=True), emit)
            raise

    def _request(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None, *, stream: bool
    ) -> dict[str, Any]:
        request: dict[str, Any] = {"model": self.settings.model, "messages": messages}
        if tools:
            request["tools"] = tools
            # OpenAI's default, said explicitly: llama-cpp-python's function-calling chat
            # formats leave the tools out of the prompt when no tool_choice is given.
            request["tool_choice"] = "auto"
        if self.settings.temperature is not None:
            request["temperature"] = self.settings.temperature
        if self.settings.max_tokens is not None:
            request["max_tokens"] = self.settings.max_tokens
        if stream:
            request["stream"] = True
            if self.sends_usage_option:
                request["stream_options"] = {"include_usage": True}
        extra = {k: v for k, v in self.settings.extra_body.items() if k not in request}
        if extra:
            request["extra_body"] = extra
        return request

    async def _stream(
        self, request: dict[str, Any], emit: Callable[[Event], None]
    ) -> ModelResponse:
        reading = await self._read(request, emit, streamed=True)
        if reading.chunks == 0:
            raise _EmptyStream()
        if not reading.done and reading.finish_reason is None:
            raise ProviderError(
                f"{self.host} closed the stream before the answer was finished", retryable=True
            )
        return self._response(reading)

    async def _read(
        self, request: dict[str, Any], emit: Callable[[Event], None], *, streamed: bool
    ) -> AnswerReading:
        """Send ``request`` and read the answer, a stream of events or one whole completion
        (a server may answer a stream request with plain JSON), within the deadlines."""
        completions = self._sdk().chat.completions  # the first one imports the SDK: not timed
        clock = self._clock()
        reading = AnswerReading(AnswerText(emit))
        try:
            async with (
                clock.timeout(),
                completions.with_streaming_response.create(**request) as response,
            ):
                if streamed and not _is_plain_json(response.headers.get("content-type", "")):
                    await self._read_events(response, reading, clock)
                else:
                    await self._read_whole(response, reading)
        except TimeoutError:
            raise ProviderError(clock.message(self.host)) from None
        except (ProviderError, _EmptyStream):
            raise
        except Exception as error:
            raise translate_error(error, self.settings.base_url, self.settings.model) from error
        return reading

    def _response(self, reading: AnswerReading) -> ModelResponse:
        """The model's answer from what a finished stream or completion said."""
        text, reasoning = reading.answer.finish()
        calls = reading.assembler.calls()
        # A server that ended properly without saying why.
        finish_reason = reading.finish_reason or ("tool_calls" if calls else "stop")
        return ModelResponse(
            text=text,
            tool_calls=calls,
            finish_reason=finish_reason,
            reasoning=reasoning,
            prompt_tokens=reading.prompt_tokens,
            completion_tokens=reading.completion_tokens,
        )

    def _clock(self) -> RequestClock:
        settings = self.settings
        return RequestClock(
            settings.first_token_timeout, settings.stall_timeout, settings.request_timeout
        )

    async def _read_events(
        self, response: Any, reading: AnswerReading, clock: RequestClock
    ) -> None:
        """Read a streamed answer's events into ``reading``."""
        received = timed_bytes(gathered(response.iter_bytes(), READ_INTERVAL), clock)
        events = event_data(received, MAX_EVENT_BYTES)
        try:
            async for data in events:
                if data.startswith("[DONE]"):
                    reading.done = True
                    await drain(events)
                    return
                try:
                    chunk = parse_json(data)
                except ValueError:
                    raise ProviderError(
                        f"{self.host} sent a malformed answer (an event that is not JSON: "
                        f"{_excerpt(data)})",
                        retryable=True,
                    ) from None
                if isinstance(chunk, dict) and chunk.get("error"):
                    raise stream_error(self.host, chunk["error"])
                if isinstance(chunk, dict) and reading.add(chunk) == 1:
                    # Past the first token, silence is what is limited (the stall timeout).
                    clock.answer_began()
        except ProviderError:
            raise
        except BodyTooLarge as error:
            raise ProviderError(
                f"{self.host} sent one stream event of {error} without a line end; "
                "the answer was stopped"
            ) from None
        except Exception as error:  # the body broke off after the server said 200
            if reading.chunks == 0:
                raise _EmptyStream(error_reason(error)) from error
            raise ProviderError(
                f"{self.host} broke off the answer ({error_reason(error)})", retryable=True
            ) from error

    async def _read_whole(self, response: Any, reading: AnswerReading) -> None:
        """Read a whole completion sent by a server that ignored ``stream``."""
        try:
            body = await read_capped(response.iter_bytes(), MAX_BODY_BYTES)
        except BodyTooLarge as error:
            raise ProviderError(f"{self.host} sent an answer of {error}; it was stopped") from None
        if not body.strip():
            return  # an empty answer: the caller decides what that means
        try:
            completion = parse_json(body)
        except ValueError:
            raise ProviderError(f"{self.host} sent a malformed answer", retryable=True) from None
        if not isinstance(completion, dict):
            raise ProviderError(f"{self.host} sent a malformed answer", retryable=True)
        if completion.get("error"):
            raise stream_error(self.host, completion["error"])
        if not completion.get("choices"):
            raise ProviderError(f"{self.host} sent an answer with no choices", retryable=True)
        reading.add(completion_as_chunk(completion))
        reading.done = True

    async def _complete_once(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        emit: Callable[[Event], None],
    ) -> ModelResponse:
        request = self._request(messages, tools, stream=False)
        # Nothing shows before a whole answer is in: the first-token deadline covers it all.
        reading = await self._read(request, emit, streamed=False)
        if not reading.done:
            raise ProviderError(f"{self.host} sent an empty answer", retryable=True)
        return self._response(reading)

    async def explain_missing_model(self, error: ProviderError) -> ProviderError:
        """Add the models the server offers to a 'model not found' error."""
        if error.status != 404 or "not found" not in str(error):
            return error
        try:
            models = await self.list_models()
        except ProviderError:
            return error
        offered = ", ".join(models) if models else "no models"
        return ProviderError(f"{error}; the server offers: {offered}", status=404, kind="not_found")


def _is_plain_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json"


class _EmptyStream(Exception):
    """The server answered 200 to a streamed request but sent no chunk at all (``reason``:
    why the body ended, when it broke off rather than ended cleanly)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


def _excerpt(data: str) -> str:
    text = data.strip().replace("\n", " ")
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"
