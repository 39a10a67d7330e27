"""A request to the model beside the conversation: a system prompt, one message, no tools.

The compactor's summary and WebFetch's question about a page both go this way, through
the session's own provider (its client, its timeouts, its retries), not a second client.
"""

from __future__ import annotations

from openclaude_tui.core.llm.provider import Provider


async def ask_aside(provider: Provider, system: str, prompt: str) -> str:
    """The model's answer to ``prompt`` under ``system``, outside the conversation.

    Nothing of it is shown while it streams.

    Raises:
        ProviderError: the server failed (the message says how).
    """
    response = await provider.complete(
        [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        None,
        lambda event: None,
    )
    return response.text
