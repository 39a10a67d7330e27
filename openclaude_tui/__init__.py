"""OpenClaude TUI: a terminal coding agent for open models."""

__version__ = "0.1.0"
