"""Widgets of the app: chat pane and its entries, tool sidebar, prompt, status bar."""
