"""The agent: the loop (model → tool calls → gate → results → model), the dispatcher that runs
each message's calls, compaction and the context window.
"""
