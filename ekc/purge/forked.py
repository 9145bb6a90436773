"""Work for the second core: a function run in a forked child while the caller goes on.

The plan's reading of the history log (the names scan, the commits that bring purged data
in) and its search of every object are independent once the strings are known, and both
are pure Python: threads would take turns on the interpreter lock, a forked child does
not. The child gets everything by fork (the log, the compiled strings) and sends back only
its small answer.

Nothing here decides anything: where fork is missing (Windows) or the child fails in any
way, the function runs in the caller instead, and the answer is the same.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    def __init__(self, function: Callable[[], T]):
        self.function = function
        self._done, self._answer = False, None
        self.pid: int | None = None
        self.reader: int | None = None
        if not hasattr(os, "fork"):
            return
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: answer, then leave without running the parent's cleanup
            code = 1
            try:
                os.close(reader)
                data = pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def result(self) -> T:
        if not self._done:
            self._answer, self._done = self._wait(), True
        return self._answer

    def _wait(self) -> T:
        if self.pid is None:
            return self.function()
        with os.fdopen(self.reader, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return self.function()
        return pickle.loads(data)
