"""The shell-command classifier: a real parse of a command line, each program's options, what
it reads and writes.
"""
