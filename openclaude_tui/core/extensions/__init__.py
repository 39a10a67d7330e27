"""Extensions of the agent beyond its built-in tools: MCP servers."""
