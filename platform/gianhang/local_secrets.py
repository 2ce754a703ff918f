"""Secrets of a local installation (embedded servers), made once per data folder.

A machine that runs the product on its embedded servers has no operator to choose a
``SECRET_KEY`` or a phone-hash salt, yet needs both to stay the same from one command to
the next (sessions, signed links, distinct-recipient counts). They are generated the first
time and kept in the data folder, readable by its owner only, so two data folders never
share them. Production never reads this file: its secrets come from the environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

FILE_NAME = "local-secrets.json"
NAMES = ("SECRET_KEY", "GIANHANG_PHONE_HASH_SALT", "GIANHANG_SKETCH_KEY")


def local_secrets(data_dir: Path) -> dict[str, str]:
    """The data folder's secrets, made on first use; safe when two processes start at once."""
    path = data_dir / FILE_NAME
    stored = _read(path)
    if stored is not None and all(name in stored for name in NAMES):
        return stored
    values = {name: secrets.token_urlsafe(50) for name in NAMES}
    if stored:
        values.update(stored)  # a folder made before a new secret existed keeps the old ones
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{FILE_NAME}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    try:
        if stored is None:
            # link() fails when another process got there first: then its values win.
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    result = _read(path)
    assert result is not None
    return result


def _read(path: Path) -> dict[str, str] | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
