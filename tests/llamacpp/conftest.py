"""Fixtures: the prepared llama.cpp server, started once per chat format.

If the server could not be built, the tests skip with the prepare script's reason; any
other failure (no model, a server that does not start) fails them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llamacpp.server import BuildFailed, LlamaServer, Prepared, ServerFailed, prepare

# None: the chat template in the model file.
CHAT_FORMATS = (None, "chatml-function-calling")


@pytest.fixture(scope="session")
def prepared_llamacpp() -> Prepared:
    """The cached server and model, built on first use."""
    try:
        return prepare()
    except BuildFailed as error:
        pytest.skip(str(error))
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session", params=CHAT_FORMATS, ids=lambda f: f or "default")
def llama_server(
    request: pytest.FixtureRequest,
    prepared_llamacpp: Prepared,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LlamaServer]:
    """The server with the model's own chat template, then with function calling."""
    chat_format: str | None = request.param
    log = tmp_path_factory.mktemp("llamacpp") / "server.log"
    try:
        server = LlamaServer.start(prepared_llamacpp, chat_format, log)
    except ServerFailed as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
