"""The model server: streaming chat completions, their errors and deadlines, tool calls written
as text, finding local servers.
"""
