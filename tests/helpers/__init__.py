"""Pieces several test modules share: scripted turns, repos, drivers for the app and the CLI.

Test modules import from here (never from one another); tests/test_test_layout.py keeps it so.
"""
