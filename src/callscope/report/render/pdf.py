"""PDF: the report's print-mode HTML (SVG charts, no animation, A4 page rules) printed by headless
Chromium, which lays out Chinese text with the system's CJK fonts (Debian: fonts-noto-cjk) and
embeds them.

Chromium is found as $CALLSCOPE_CHROMIUM, else `chromium`, `chromium-browser`, `google-chrome` on
the PATH. Without it a PDF cannot be written: `ChromiumMissing` says which package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from callscope.report.model import Report
from callscope.report.render.html import write_html

__all__ = ["write_pdf", "find_chromium", "ChromiumMissing", "CHROMIUM_FLAGS"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# A headless browser that talks to nobody: no updates, sync or background requests.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


class ChromiumMissing(ValueError):
    pass


def find_chromium() -> str | None:
    explicit = os.environ.get("CALLSCOPE_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    return next((path for name in _NAMES if (path := shutil.which(name))), None)


def write_pdf(report: Report, path: str | Path, *, timeout: float = 120.0) -> Path:
    chromium = find_chromium()
    if chromium is None:
        where = f"$CALLSCOPE_CHROMIUM={os.environ['CALLSCOPE_CHROMIUM']!r} does not exist" if os.environ.get("CALLSCOPE_CHROMIUM") else "no chromium on the PATH"
        raise ChromiumMissing(f"writing a PDF needs headless Chromium ({where}); install the Debian package: apt-get install chromium fonts-noto-cjk, or set CALLSCOPE_CHROMIUM to a Chrome/Chromium binary")
    given = Path(path)
    path = given.resolve()
    with tempfile.TemporaryDirectory(prefix="callscope-pdf-") as tmp:
        page = write_html(report, Path(tmp) / "report.html", print_mode=True)
        command = [
            chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
            "--virtual-time-budget=5000", f"--print-to-pdf={path}", page.as_uri(),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not path.exists() or path.stat().st_size == 0:
        raise RuntimeError(f"Chromium could not print {path.name} (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return given
