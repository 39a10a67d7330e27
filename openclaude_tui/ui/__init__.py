"""The full-screen terminal app (Textual): chat pane, tool sidebar, prompt, permission modal."""
