"""Changes to files: diffs, applying chosen hunks, the review's sources and operations, text
files kept byte for byte.
"""
