"""The settings: one table of them, checked, applied layer by layer (files, environment,
flags).
"""
