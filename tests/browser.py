"""A real headless Chromium for tests, driven over the DevTools protocol on a pipe.

`--remote-debugging-pipe` makes Chromium read protocol messages on fd 3 and write them on
fd 4, NUL-terminated JSON: no port, no websocket library, and nothing downloaded. The
browser is Debian's `chromium` (CI installs it with .ci/install-browser).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

# The flags a root user in a container needs, and those that keep Chromium itself quiet
# on the network, so that any request we see came from the page.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1000,1400",
)
# A guard against a hung browser, not a performance bound.
GUARD_SECONDS = 60


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Chromium:
    """One browser, one page. Events are collected in `events` as they arrive."""

    def __init__(self, binary: str, profile: Path):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_fds():
            # In the child: the pipe ends become fds 3 and 4, inheritable (Python's pipes are
            # close-on-exec, and dup2 onto the same number would keep that flag). Fresh
            # copies first, so that wiring one end cannot overwrite the other.
            reads, writes = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(reads, 3)
            os.dup2(writes, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            close_fds=False,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = self._attach_to_page()

    # --- protocol -------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("no answer from chromium")
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise BrowserError("chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = "page") -> dict:
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = self.session if session == "page" else session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + GUARD_SECONDS
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + GUARD_SECONDS
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def _attach_to_page(self) -> str:
        targets = self.send("Target.getTargets", session=None)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        return self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=None)["sessionId"]

    # --- what tests use ---------------------------------------------------------------------

    def open(self, url: str) -> None:
        """Load `url` with the network and the console watched from before the first byte."""
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested_urls(self) -> list[str]:
        """Every request the page started, the document itself included."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def screenshot(self) -> bytes:
        import base64

        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"])

    def set_width(self, width: int, height: int = 900) -> None:
        """Lay the page out as in a window `width` CSS pixels wide."""
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def emulate_media(self, media: str) -> None:
        """"print" applies the page's @media print rules on screen, to measure them."""
        self.send("Emulation.setEmulatedMedia", {"media": media})

    def print_pdf(self) -> bytes:
        """The page printed as the browser's "Save as PDF" would, on A4, backgrounds included."""
        import base64

        result = self.send("Page.printToPDF", {
            "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True,
        })
        return base64.b64decode(result["data"])

    def close(self) -> None:
        try:
            self.send("Browser.close", session=None)
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF that Chromium wrote: its page objects (`/Type /Page`,
    not `/Pages`), which Chromium's writer leaves uncompressed."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
