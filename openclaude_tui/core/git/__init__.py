"""Everything the program asks git by itself, in one place.

``safety``: every git command runs with the repository's own programs switched off;
``state``: the repository's root, branch, status and recent commits. Commands the agent
runs through Bash are the shell tool's, not these.
"""
