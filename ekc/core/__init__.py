"""The vocabulary every package shares and nothing else: errors a user can cause, findings
with their file, line and column, calendar arithmetic, and the one case-id pattern.

Nothing here reads a file or starts a process.
"""
