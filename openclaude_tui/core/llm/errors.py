"""Errors of requests to the model server, each one sentence for the user.

``translate_error`` turns what the SDK raises into a ``ProviderError`` marked retryable or
not (with the server's ``Retry-After``, read defensively).
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from openclaude_tui.core.llm.deadlines import retry_after_seconds
from openclaude_tui.core.secret_env import mask_known

RETRYABLE_STATUS = frozenset({408, 409, 429})


# What went wrong, for code that acts on it (the app shows how to reach a server).
ErrorKind = Literal[
    "unreachable", "timeout", "auth", "not_found", "server", "rejected", "malformed", "other"
]


class ProviderError(Exception):
    """A request failed for good; ``str(error)`` is one sentence for the user."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        kind: ErrorKind = "other",
    ):
        # A server may repeat the key in its error: the user's screen never shows it.
        super().__init__(mask_known(message))
        self.retryable = retryable
        self.status = status
        self.kind: ErrorKind = kind
        self.retry_after: float | None = None


def translate_error(error: Exception, base_url: str, model: str) -> ProviderError:
    """Turn an SDK exception into one sentence, marked retryable or not."""
    import openai

    url = base_url
    if isinstance(error, openai.APITimeoutError):
        return ProviderError(f"the request to {url} timed out", retryable=True, kind="timeout")
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        reason = error_reason(cause)
        return ProviderError(f"cannot reach {url} ({reason})", retryable=True, kind="unreachable")
    if isinstance(error, openai.APIStatusError):
        return _status_error(error, base_url, model)
    if isinstance(error, ValueError | RecursionError):  # not JSON, or nested too deep
        host = urlsplit(url).netloc or url
        return ProviderError(f"{host} sent a malformed answer", retryable=True, kind="malformed")
    return ProviderError(f"the request to {url} failed: {error_reason(error)}")


def stream_error(host: str, error: Any) -> ProviderError:
    """An error the server reported inside a stream it had started."""
    message = error.get("message") if isinstance(error, dict) else error
    return ProviderError(f"{host} stopped the answer with an error: {message}")


def _status_error(error: Any, base_url: str, model: str) -> ProviderError:
    status: int = error.status_code
    detail = _server_message(error)
    url = base_url
    if status in RETRYABLE_STATUS or status >= 500:
        result = ProviderError(
            f"server returned {status}{': ' + detail if detail else ''}",
            retryable=True,
            status=status,
            kind="server",
        )
        result.retry_after = retry_after_seconds(error.response.headers.get("retry-after"))
        return result
    kind: ErrorKind = "rejected"
    if status in (401, 403):
        kind = "auth"
    elif status == 404:
        kind = "not_found"
    if status == 401:
        message = (
            f"{url} refused the API key (401{': ' + detail if detail else ''}); "
            "set it with --api-key or OPENAI_API_KEY"
        )
    elif status == 403:
        message = f"{url} denied access (403{': ' + detail if detail else ''})"
    elif status == 404 and ("model" in detail.lower() or not detail):
        message = f'model "{model}" not found at {url}'
    elif status == 404:
        message = f"{url} answered 404 ({detail}); check --base-url (it usually ends in /v1)"
    else:
        message = f"{url} rejected the request ({status}): {detail or 'no reason given'}"
    return ProviderError(message, status=status, kind=kind)


def _server_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
        if body.get("detail"):
            return str(body["detail"])
    message = getattr(error, "message", "") or ""
    return str(message)


def error_reason(error: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), shortened."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]
