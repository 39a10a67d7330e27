"""Language servers: a small LSP client over stdio, and the session's servers by language."""
