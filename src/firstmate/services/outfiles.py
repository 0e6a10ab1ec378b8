"""Copies of reports written into a folder the user named (`--out`): the folder checked before any
work, and a file that cannot be written named in a clear error."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from firstmate.errors import InvalidInput

log = structlog.get_logger(__name__)


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


@contextmanager
def written_once_done(folder: Path | None, files: dict[str, bytes]) -> Iterator[list[Path]]:
    """`files` (name → content) written into `folder` once the block has run without error; the paths they land at
    (none when there is no folder; one that cannot be put in place then is left out, and logged). Written beside
    their names first: a folder that cannot take them stops the work
    before the block, and the block failing (a report not stored) leaves the folder as it was, no copy of what
    was not kept read as the one that was."""
    if folder is None:
        yield []
        return
    ready_folder(folder)
    parts: dict[Path, Path] = {}
    try:
        for name, content in files.items():
            path = folder / name
            if path.is_dir():  # found now, not once the block's work is kept
                raise InvalidInput(f"cannot write {path}: a folder of that name is in the way", hint="move it")
            try:
                # this build's own: one shared with a build taken over beside it was removed, and the copy never landed
                part = folder / f".{name}.{secrets.token_hex(6)}.part"
                with part.open("xb") as file:
                    parts[part] = path
                    file.write(content)
            except OSError as exc:
                hint = "move it out of the way"
                raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", hint=hint) from None
        landed = list(parts.values())
        yield landed
        for part, path in parts.items():
            try:
                os.replace(part, path)
            except OSError as exc:  # the work is kept (a report stored, to be sent): this copy alone is missing
                log.warning("outfiles.not_written", path=str(path), error=exc.strerror or str(exc))
                landed.remove(path)
    finally:
        for part in parts:  # the block failed: its files are not left behind, whole or in part
            part.unlink(missing_ok=True)
