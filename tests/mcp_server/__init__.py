"""A real MCP server for the tests, written with the same ``mcp`` package the client uses.

Run ``python -m tests.mcp_server`` (stdio) or ``python -m tests.mcp_server --http PORT``
(streamable HTTP on 127.0.0.1, at ``/mcp``). Its tools: ``add``, ``echo``, ``write_marker``
(writes a file, so a test can see whether a call ran), ``picture`` (an image part), and
``crash`` (the process exits mid-call). ``--crash-at-start`` exits before serving, after a
line on stderr; ``--marker-at-start FILE`` writes FILE when the process starts (so a test
can see whether it was started at all); ``--require FILE`` exits at start unless FILE
exists (so a restart can succeed where the first start failed).
"""
