"""Failures a user can cause that end a command, as values with an exit code.

Domain code raises these only when the run cannot go on; the CLI boundary turns them into
one line on stderr and the exit code of CLI.md, never a traceback.
"""


class EkcError(Exception):
    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageProblem(EkcError):
    """The command was used wrongly, or there is no data repository: exit 2."""

    exit_code = 2


class Refused(EkcError):
    """The data or a rule forbids what was asked: exit 1."""

    exit_code = 1
