"""The UI-free agent core: provider, loop, tools, permissions.

Nothing under this package imports Textual or Rich; the app and print mode both
drive it through events and an injected approver.
"""
