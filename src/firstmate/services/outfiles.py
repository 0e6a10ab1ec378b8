"""Copies of reports written into a folder the user named (`--out`): the folder checked before any
work, and a file that cannot be written named in a clear error."""

from __future__ import annotations

import tempfile
from pathlib import Path

from firstmate.errors import InvalidInput


def ready_folder(folder: Path, option: str = "--out") -> Path:
    """`folder`, made if needed and shown to take a file; InvalidInput says why it cannot. Called
    before the work, so that a folder which cannot be used changes nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except (FileExistsError, NotADirectoryError):
        raise InvalidInput(f"{option} {folder} is a file, or lies under one", hint="name a folder") from None
    except OSError as exc:
        hint = "name a folder you can write to"
        raise InvalidInput(f"{option} {folder} cannot be written to: {exc.strerror or exc}", hint=hint) from None
    return folder


def write_files(folder: Path | None, files: dict[str, bytes]) -> list[Path]:
    """Write each of `files` (name → content) into `folder`; none when there is no folder."""
    if folder is None:
        return []
    ready_folder(folder)
    written = []
    for name, content in files.items():
        path = folder / name
        try:
            path.write_bytes(content)
        except OSError as exc:  # e.g. a folder of that name is in the way
            raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", hint="move it out of the way") from None
        written.append(path)
    return written
