"""Input that crashed the program: from servers (bodies, headers, numbers) and from a model.

Each case is sent over a real socket (the scripted server or a route server) or as a real
tool call through the agent, and must end as a clear message or a tool error.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.agent.context_window import probe_served_window, resolve_context_window
from openclaude_tui.core.assembly import build_agent, make_provider
from openclaude_tui.core.llm.deadlines import retry_after_seconds
from openclaude_tui.core.llm.discovery import identify_server
from openclaude_tui.core.llm.http_json import get_json
from openclaude_tui.core.llm.provider import Provider, ProviderError, ProviderSettings
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from tests.route_server import Endless, RouteServer, llama_server_routes, ollama_routes
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn
from tests.security.harness import Attempt, Sandbox, make_config, run_attempt

DEEP = "[" * 10_000 + "]" * 10_000
# Only a hang reaches this: every deadline in these tests is a second or two.
HANG = 60.0
NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        ("1.5", 1.5),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("-5", 0.0),
        ("soon, maybe", None),
        ("", None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Mon, 12 Jan 1970 13:46:50 GMT", 10.0),
        ("Mon, 99 Foo 1970 99:99:99 GMT", None),
    ],
)
def test_retry_after_is_read_defensively(header: str, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=lambda: NOW) == seconds


async def test_a_probe_of_an_endless_body_gives_up_at_its_deadline() -> None:
    routes = {("GET", "/v1/models"): (200, Endless())}
    with RouteServer(routes) as server:
        answer = await asyncio.wait_for(
            get_json(f"{server.url}/v1/models", timeout=0.5), timeout=HANG
        )
        found = await asyncio.wait_for(identify_server(server.url, timeout=0.5), timeout=HANG)
    assert answer is None
    assert found is None


async def test_an_endless_api_show_leaves_the_window_to_the_fallbacks() -> None:
    routes = {**ollama_routes(), ("POST", "/api/show"): (200, Endless())}
    with RouteServer(routes) as server:
        window = await asyncio.wait_for(
            resolve_context_window(f"{server.url}/v1", "mystery", None, timeout=0.5),
            timeout=HANG,
        )
    assert (window.tokens, window.source) == (32_768, "default")


async def test_a_probe_can_be_cancelled_while_the_body_trickles() -> None:
    routes = {("GET", "/props"): (200, Endless())}
    with RouteServer(routes) as server:
        probe = asyncio.ensure_future(get_json(f"{server.url}/props", timeout=30))
        while not server.requests:
            await asyncio.sleep(0.01)
        probe.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(probe, timeout=HANG)


@pytest.mark.parametrize("n_ctx", [float("inf"), float("nan"), 1e300, -4096])
async def test_a_nonsense_n_ctx_is_not_taken(n_ctx: float) -> None:
    with RouteServer(llama_server_routes(n_ctx=n_ctx)) as server:  # type: ignore[arg-type]
        served = await probe_served_window(f"{server.url}/v1", "smollm2", timeout=2)
    assert served is None


async def test_json_nested_ten_thousand_deep_from_a_probe_is_no_answer() -> None:
    routes = {("GET", "/props"): (200, DEEP), ("GET", "/v1/models"): (200, DEEP)}
    with RouteServer(routes) as server:
        assert await get_json(f"{server.url}/props") is None
        assert await identify_server(server.url) is None


def _provider(server: ScriptedServer | RouteServer, **overrides: Any) -> Provider:
    base = server.base_url if isinstance(server, ScriptedServer) else f"{server.url}/v1"
    values: dict[str, Any] = {"base_url": base, "api_key": "k", "model": "scripted-model"}
    values.update(retry_base_delay=0.01, **overrides)
    return Provider(ProviderSettings(**values))


async def _error_of(provider: Provider) -> str:
    try:
        with pytest.raises(ProviderError) as caught:
            await asyncio.wait_for(
                provider.complete([{"role": "user", "content": "hi"}], None, lambda _: None),
                timeout=HANG,
            )
    finally:
        await provider.close()
    return str(caught.value)


async def _list_error(answer: object, **settings: Any) -> str:
    """What reading the model list says when the server sends ``answer``."""
    with RouteServer({("GET", "/v1/models"): (200, answer)}) as server:
        provider = _provider(server, **settings)
        try:
            with pytest.raises(ProviderError) as caught:
                await asyncio.wait_for(provider.list_models(), timeout=HANG)
        finally:
            await provider.close()
    return str(caught.value)


async def test_an_endless_model_list_ends_at_the_request_timeout() -> None:
    message = await _list_error(Endless(), request_timeout=1.0)
    assert "did not send its model list within 1 s" in message


async def test_a_model_list_nested_ten_thousand_deep_is_a_malformed_answer() -> None:
    assert "sent a malformed answer" in await _list_error(DEEP)


async def test_a_stream_event_nested_ten_thousand_deep_is_a_malformed_answer() -> None:
    with ScriptedServer([Turn(text="hi", raw_event=DEEP)] * 4) as server:
        message = await _error_of(_provider(server))
    assert "sent a malformed answer" in message


async def test_a_stall_after_the_first_token_ends_at_the_stall_timeout() -> None:
    with ScriptedServer([Turn(text="one two three", stall_after=2)]) as server:
        message = await _error_of(_provider(server, stall_timeout=0.5))
    assert "stopped sending for 0.5 s in the middle of the answer" in message
    assert "--stall-timeout" in message


async def test_a_slow_but_steady_stream_outlives_the_stall_timeout() -> None:
    """The stall clock restarts with every byte: only silence is limited, not slowness."""
    turn = Turn(text="one two three four five six seven eight", chunk_size=4, token_delay=0.3)
    with ScriptedServer([turn]) as server:
        provider = _provider(server, stall_timeout=1.0)
        try:
            response = await asyncio.wait_for(
                provider.complete([{"role": "user", "content": "hi"}], None, lambda _: None),
                timeout=HANG,
            )
        finally:
            await provider.close()
    assert response.text == "one two three four five six seven eight"


async def test_a_never_ending_stream_ends_at_the_request_timeout() -> None:
    with ScriptedServer([Turn(text="go", endless=True)]) as server:
        message = await _error_of(_provider(server, request_timeout=1.0, stall_timeout=0.5))
    assert "still sending after 1 s" in message and "--request-timeout" in message


async def test_a_huge_retry_after_is_not_waited_out() -> None:
    turn = Turn(status=429, headers={"Retry-After": "86400"})
    with ScriptedServer([turn, Turn(text="late")]) as server:
        message = await _error_of(_provider(server))
        assert len(server.chat_requests) == 1
    assert "the server asks to wait 24 h before trying again" in message


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


async def _result(sandbox: Sandbox, tool: Any, args: dict[str, Any]) -> str:
    with ScriptedServer() as server:
        outcome = await run_attempt(server, sandbox, Attempt("x", tool, args, mode="default"))
    return outcome.result


@pytest.mark.parametrize("name", [["Read"], 7, None, {"name": "Read"}])
async def test_a_tool_name_that_is_not_a_string_is_a_tool_error(
    sandbox: Sandbox, name: Any
) -> None:
    result = await _result(sandbox, name, {"file_path": "README.md"})
    assert result.startswith("Error: There is no tool named")
    assert "# demo" not in result


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"file_path": "src/a\x00pp.py"}, "NUL character"),
        ({"file_path": "src/\udcffapp.py"}, "lone surrogate"),
        ({"file_path": "README.md", "offset": "1e999"}, "'offset' must be a finite number"),
        ({"file_path": "README.md", "limit": "nan"}, "'limit' must be a finite number"),
    ],
)
async def test_read_arguments_no_file_can_take_are_tool_errors(
    sandbox: Sandbox, args: dict[str, Any], expected: str
) -> None:
    assert expected in await _result(sandbox, "Read", args)


async def test_arguments_nested_ten_thousand_deep_are_a_tool_error(sandbox: Sandbox) -> None:
    raw = '{"file_path": "README.md", "extra": ' + DEEP + "}"
    with ScriptedServer() as server:
        server.script(Turn(tool_calls=[ToolCallSpec("Read", raw_arguments=raw)]), Turn(text="ok"))
        config = make_config(sandbox, server, Attempt("deep", "Read", {}))
        agent = build_agent(config, make_provider(config), _nobody_is_asked)
        try:
            finished = await asyncio.wait_for(agent.run_turn("go"), timeout=HANG)
        finally:
            await agent.close()
        results = server.chat_requests[-1].tool_results()
    assert finished.reason == "end_turn"
    assert len(results) == 1 and "nested too deeply to read" in results[0]


async def _nobody_is_asked(request: PermissionRequest) -> Decision:
    raise AssertionError(f"a broken call was put to the user: {request}")


LONG_NAME = "a" * 5000
NOT_CHECKED = "this call could not be checked, so it was not run (OSError: [Errno 36]"


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("Read", {"file_path": LONG_NAME}, "File name too long"),
        # Edit and Write fail while their change is prepared for the user: the call is not
        # run, and the model hears why.
        ("Edit", {"file_path": LONG_NAME, "old_string": "a", "new_string": "b"}, NOT_CHECKED),
        ("Write", {"file_path": LONG_NAME, "content": "x"}, NOT_CHECKED),
    ],
)
async def test_a_file_name_too_long_for_the_file_system_is_a_tool_error(
    sandbox: Sandbox, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await _result(sandbox, tool, args)
