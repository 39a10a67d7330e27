"""Extensions: what users and projects add to the agent (hooks, git attribution)."""
