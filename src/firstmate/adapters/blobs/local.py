"""LocalBlobs: the Blobs port on a folder. Writes are atomic (temp file, fsync, rename)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from firstmate.errors import BlobNotFound, InvalidInput
from firstmate.ports import BlobInfo

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]*")
_META = ".meta"  # sidecar folder for content types; its name can never be a valid key segment


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative blob key, else raise InvalidInput saying why."""
    if not key or len(key) > 1024:
        raise InvalidInput("a blob key must be 1 to 1024 characters")
    if key.startswith("/") or "\\" in key:
        raise InvalidInput(f"blob key {key!r} must be a relative path with / separators")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidInput(f"blob key {key!r} has an empty, '.' or '..' segment")
        if not _SEGMENT.fullmatch(segment):
            raise InvalidInput(
                f"blob key {key!r}: segment {segment!r} may hold only letters, digits and ._@+=- "
                "and must start with a letter or digit"
            )
    return key


class LocalBlobs:
    """Blobs stored as files under `root`, content types in a sidecar folder."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)
        self._root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._root / _META / (check_key(key) + ".json")

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        path = self._path(key)
        try:
            # data first: a crash in between leaves a blob typed octet-stream, never a type without data
            _atomic_write(path, data)
            _atomic_write(self._meta_path(key), json.dumps({"content_type": content_type}).encode())
        except (NotADirectoryError, IsADirectoryError, FileExistsError):
            raise InvalidInput(f"blob key {key!r} clashes with an existing blob or folder of the same name") from None
        return BlobInfo(key=key, size=len(data), content_type=content_type, modified=_mtime(path))

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(f"no blob under {key!r}") from None

    def head(self, key: str) -> BlobInfo | None:
        path = self._path(key)
        if not path.is_file():
            return None
        return BlobInfo(key=key, size=path.stat().st_size, content_type=self._type(key), modified=_mtime(path))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> list[BlobInfo]:
        found: list[BlobInfo] = []
        for path in self._root.rglob("*"):
            rel = path.relative_to(self._root).as_posix()
            if rel.startswith(_META + "/") or not path.is_file() or not rel.startswith(prefix):
                continue
            if path.name.startswith("."):  # a temp file mid-write
                continue
            found.append(
                BlobInfo(key=rel, size=path.stat().st_size, content_type=self._type(rel), modified=_mtime(path))
            )
        return sorted(found, key=lambda info: info.key)

    def _type(self, key: str) -> str:
        try:
            meta = json.loads(self._meta_path(key).read_bytes())
            return str(meta["content_type"])
        except (FileNotFoundError, ValueError, KeyError):
            return "application/octet-stream"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
