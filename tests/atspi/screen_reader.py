"""What a screen reader hears from the real window, through the real AT-SPI bus.

Run by `.ci/screen-reader` inside its own D-Bus session, with Debian's Python (which has
pyatspi): starts Xvfb, a window manager, the accessibility bus and the app on a fresh
library, then presses Ctrl+2, selects two words with Shift+Ctrl+Right and presses H, as a
person would, and checks what AT-SPI reports: the focused text, and the announcement.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyatspi  # type: ignore[import-not-found]
from gi.repository import GLib  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TIMEOUT_S = 60
# What a person does, one step a second: to the text, down to the first paragraph, two
# words selected, H; back to the top and ] to the highlight; then Ctrl+1 to the library.
STEPS = [
    ["ctrl+2"],
    ["ctrl+Home", "Down", "Down"],
    ["shift+ctrl+Right", "shift+ctrl+Right"],
    ["h"],
    ["ctrl+Home"],
    ["bracketright"],
    ["ctrl+1"],
]
HIGHLIGHTED = "Highlighted “The Seventh”. T adds a theme, N a note."
JUMPED = "Highlight 1 of 1, 2 words: “The Seventh”. Themes: none."


class Listener:
    """Collects what AT-SPI tells a screen reader about the app, and drives the keyboard."""

    def __init__(self, display: str) -> None:
        """Listen to focus changes and announcements of every application on the bus."""
        self.display = display
        self.focused: list[tuple[str, str, str]] = []  # role, name, text (for text nodes)
        self.announced: list[str] = []
        self.step = 0
        pyatspi.Registry.registerEventListener(self.on_focus, "object:state-changed:focused")
        pyatspi.Registry.registerEventListener(self.on_announcement, "object:announcement")

    def on_focus(self, event: object) -> None:
        """Note the node that got the focus, with its text when it has text."""
        if not getattr(event, "detail1", 0):
            return
        node = event.source  # type: ignore[attr-defined]
        text = ""
        try:
            iface = node.queryText()
            text = iface.getText(0, min(iface.characterCount, 200))
        except NotImplementedError:
            pass
        self.focused.append((node.getRoleName(), node.name, text))

    def on_announcement(self, event: object) -> None:
        """Note what the app asked to be said."""
        said = getattr(event, "any_data", None) or ""
        self.announced.append(str(said))

    def press_next(self) -> bool:
        """Press the next step's keys; stop the loop a little after the last."""
        if self.step < len(STEPS):
            for keys in STEPS[self.step]:
                subprocess.run(["xdotool", "key", "--clearmodifiers", keys], check=True, env=_env(self.display))
            self.step += 1
            return True
        GLib.timeout_add(1500, _stop)
        return False


def _stop() -> bool:
    pyatspi.Registry.stop()
    return False


def _env(display: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DISPLAY": display, **extra}


def _app_on_bus(name: str) -> bool:
    desktop = pyatspi.Registry.getDesktop(0)
    return any(app is not None and name in (app.name or "").lower() for app in desktop)


def main() -> int:
    """Run the check; print what was heard; return 0 when it is what a user needs to hear."""
    work = Path(tempfile.mkdtemp(prefix="marginalia-atspi-"))
    started: list[subprocess.Popen[bytes]] = []
    try:
        # -displayfd: Xvfb picks a free display and writes its number once it is ready.
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "1400x900x24", "-nolisten", "tcp"], stdout=subprocess.PIPE
        )
        started.append(xvfb)
        assert xvfb.stdout is not None
        display = ":" + xvfb.stdout.readline().decode().strip()
        started.append(subprocess.Popen(["openbox"], env=_env(display)))
        started.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=_env(display)))
        time.sleep(1.5)
        app_env = _env(
            display,
            QT_QPA_PLATFORM="xcb",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            MARGINALIA_CONFIG_DIR=str(work / "config"),
            XDG_DATA_HOME=str(work / "data"),
        )
        app = subprocess.Popen([str(APP_PYTHON), "-m", "app", "--library", str(work / "library.sqlite")], env=app_env)
        started.append(app)
        listener = Listener(display)
        deadline = time.monotonic() + TIMEOUT_S
        while not _app_on_bus("marginalia") and not _app_on_bus("python"):
            if time.monotonic() > deadline or app.poll() is not None:
                print("The app did not appear on the accessibility bus.", file=sys.stderr)
                return 1
            time.sleep(0.5)
        time.sleep(2)  # the window is shown and has the focus
        GLib.timeout_add(1000, listener.press_next)
        GLib.timeout_add(TIMEOUT_S * 1000, _stop)
        pyatspi.Registry.start()
        return _verdict(listener)
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def _verdict(listener: Listener) -> int:
    print("Focus went to:")
    for role, name, text in listener.focused:
        print(f"  {role}: {name!r}" + (f" — {text[:60]!r}…" if text else ""))
    print("Announced:")
    for said in listener.announced:
        print(f"  {said!r}")
    problems = []
    if not any(role == "text" and name == "Reader" and "Soviets" in text for role, name, text in listener.focused):
        problems.append("Ctrl+2 did not put the focus on the reader, heard with its text")
    if HIGHLIGHTED not in listener.announced:
        problems.append(f"H was not announced as {HIGHLIGHTED!r}")
    if JUMPED not in listener.announced:
        problems.append(f"] was not announced as {JUMPED!r}")
    role, name, _text = listener.focused[-1] if listener.focused else ("", "", "")
    if role != "list item" or not name.startswith("Resolution on the Soviets"):
        problems.append("Ctrl+1 did not put the focus on the library's current document")
    for problem in problems:
        print("FAILED: " + problem, file=sys.stderr)
    if not problems:
        print("A screen reader hears the text, the highlight made, the jump to it and the library's document.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
