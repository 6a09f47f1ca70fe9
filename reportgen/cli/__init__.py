"""The command line: Click commands that parse options, call the stages, map errors to exits.

Nothing here computes a figure.

May import: every stage. No stage imports it.
"""
