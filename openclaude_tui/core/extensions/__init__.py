"""Extensions: what users and projects add to the agent (commands, skills, MCP servers, hooks)."""
