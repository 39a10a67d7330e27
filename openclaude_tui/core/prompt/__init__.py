"""The system prompt: how to work, the environment, git, the project's memory files."""
