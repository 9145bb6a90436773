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


class FileProblem(EkcError):
    """A file or folder could not be read or written (permissions, a full disk, a name
    that is not a folder): "cannot read|write PATH: reason", exit 1."""

    exit_code = 1


# what only a write can meet; anything else met without a known verb is worded as a read
_WRITE_ERRNOS = {"ENOSPC", "EROFS", "EDQUOT", "EFBIG", "EEXIST", "ENOTEMPTY", "EXDEV"}


def file_problem(exc: OSError, verb: str | None = None, path: object = None) -> FileProblem:
    """The words for an `OSError`: what could not be done to which path, and why."""
    import errno as errnos

    if verb is None:
        verb = "write" if errnos.errorcode.get(exc.errno or 0, "") in _WRITE_ERRNOS else "read"
    name = exc.filename if exc.filename is not None else path
    if isinstance(name, bytes):
        name = name.decode("utf-8", "surrogateescape")
    where = f" {str(name).encode('utf-8', 'backslashreplace').decode('utf-8')}" if name is not None else ""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return FileProblem(f"cannot {verb}{where}: {reason}")


class writing_to:
    """`with writing_to(path):` turns an OSError into "cannot write PATH: reason"."""

    def __init__(self, path: object):
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        if isinstance(exc, OSError):
            raise file_problem(exc, "write", self.path) from exc
        return None
