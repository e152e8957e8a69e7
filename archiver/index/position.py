"""Where an index stands in the catalog's change log: the last number it applied, in a file beside it.

Written only after the index has committed what that number covers, so a crash between the two leaves the
position behind and the next catch-up applies those households again (updating a household twice is
harmless; missing one is not). The catalog keeps each index's reported position by `name` (this host and
folder), so the log is pruned only below what every index has (archiver/catalog/indexlog.py).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

FILE = "LOG_POSITION"


def read(folder: Path) -> int:
    """0 when the index has none: one built before the log existed, which then applies the whole log."""
    try:
        return int((folder / FILE).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def write(folder: Path, position: int) -> None:
    tmp = folder / "LOG_POSITION.tmp"
    tmp.write_text(f"{position}\n")
    os.replace(tmp, folder / FILE)


def name(folder: Path) -> str:
    """This index's name in the catalog: the host and the folder, unique across the web servers."""
    return f"{socket.gethostname()}:{folder.resolve()}"
