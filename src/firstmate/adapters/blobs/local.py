"""LocalBlobs: the Blobs port on a folder. Writes are atomic (temp file, fsync, rename)."""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from firstmate.errors import BlobError, BlobNotFound, InvalidInput, PayloadTooLarge, Unauthorized
from firstmate.ports import BlobInfo, PresignedUpload

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]*")
_META = ".meta"  # sidecar folder for content types; its name can never be a valid key segment
#: The content type a key's ending implies. A blob of that type needs no sidecar: one file written
#: (and fsynced), not two, for each of the reports' and archives' many files.
_IMPLIED = {
    ".json": "application/json", ".html": "text/html", ".txt": "text/plain", ".pdf": "application/pdf",
    ".csv": "text/csv", ".ics": "text/calendar", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}  # fmt: skip
_SIGNED = ("key", "Content-Type", "x-fm-max-bytes", "x-fm-expires", "success_action_redirect")
#: Types a browser declares for a file it cannot name (its bytes say what it is).
UNTYPED = frozenset({"", "application/octet-stream"})


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
    """Blobs stored as files under `root`; a content type other than the one the key's ending
    implies is kept in a sidecar folder.

    Browser uploads go to the web app's `/uploads` endpoint, which checks a signed form exactly as
    S3 checks a presigned POST policy (see `accept_upload`). `keys` gives the keys that sign forms,
    asked on every form signed or checked, so that a rotation applies at once: the first signs, every
    one verifies; with none, no form is taken.
    """

    def __init__(
        self,
        root: Path,
        *,
        keys: Callable[[], Sequence[bytes]] = tuple,
        upload_url: str = "/uploads",
    ) -> None:
        self._root = Path(root)
        try:
            self._root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder belongs, a read-only parent
            hint = "move what is in its place, or make FIRSTMATE_HOME writable"
            raise BlobError(f"cannot make the blob folder {self._root}: {exc.strerror or exc}", hint=hint) from None
        self._keys = keys
        self._upload_url = upload_url

    def presign_upload(
        self, key: str, *, content_type_prefix: str, max_bytes: int, expires_at: datetime, redirect_to: str
    ) -> PresignedUpload:
        check_key(key)
        fields = {
            "key": key,
            "Content-Type": content_type_prefix,
            "x-fm-max-bytes": str(max_bytes),
            "x-fm-expires": str(int(expires_at.timestamp())),
            "success_action_redirect": redirect_to,
        }
        keys = self._keys()
        fields["x-fm-signature"] = self._sign(fields, keys[0] if keys else b"")
        return PresignedUpload(url=self._upload_url, fields=fields, expires_at=expires_at)

    def download_url(self, key: str, *, expires_at: datetime) -> str | None:
        check_key(key)
        return None  # the web app serves local blobs itself

    def browser_origin(self) -> str | None:
        return None

    def accept_upload(self, fields: Mapping[str, str], data: bytes, now: datetime) -> str:
        """Store a browser upload if its signed form allows it; return where to redirect.

        Raises Unauthorized for a forged or expired form, PayloadTooLarge over the signed size,
        InvalidInput for a declared type outside the signed prefix. A file the browser declares no
        type for (`application/octet-stream`, or none: a HEIC photo on a system that does not know
        the format) is taken, as S3 takes it, and left to the check of its bytes.
        """
        wanted = {name: fields.get(name, "") for name in _SIGNED}
        if len(data) > self.upload_allows(fields, now):
            raise PayloadTooLarge(f"the file is over {int(wanted['x-fm-max-bytes']) / 1_000_000:g} MB")
        declared = fields.get("file-content-type", "")
        if declared in UNTYPED:
            declared = "application/octet-stream"
        elif not declared.startswith(wanted["Content-Type"]):
            raise InvalidInput(f"only {wanted['Content-Type'].rstrip('/')} files can be uploaded here")
        self.put(wanted["key"], data, declared)
        return wanted["success_action_redirect"]

    def upload_allows(self, fields: Mapping[str, str], now: datetime) -> int:
        """The most bytes a browser upload with these form fields may hold; Unauthorized for a forged
        or expired form. Asked before the file is read: a stranger's 100 MB was read into memory first."""
        wanted = {name: fields.get(name, "") for name in _SIGNED}
        offered = fields.get("x-fm-signature", "").encode()
        if not any(hmac.compare_digest(self._sign(wanted, key).encode(), offered) for key in self._keys()):
            raise Unauthorized("this upload form is not valid", hint="reload the page and try again")
        if int(wanted["x-fm-expires"]) < now.timestamp():
            raise Unauthorized("this upload form has expired", hint="reload the page and try again")
        return int(wanted["x-fm-max-bytes"])

    def _sign(self, fields: Mapping[str, str], key: bytes) -> str:
        message = "\n".join(f"{name}={fields[name]}" for name in _SIGNED).encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._root / _META / (check_key(key) + ".json")

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        path = self._path(key)
        try:
            # data first: a crash in between leaves the blob's earlier type, never a type without data
            written = _atomic_write(path, data)
            if content_type == _implied(key):  # an earlier blob's sidecar would say otherwise
                self._meta_path(key).unlink(missing_ok=True)
            else:
                _atomic_write(self._meta_path(key), json.dumps({"content_type": content_type}).encode())
        except (NotADirectoryError, IsADirectoryError, FileExistsError):
            raise InvalidInput(f"blob key {key!r} clashes with an existing blob or folder of the same name") from None
        except OSError as exc:  # a full disk, a read-only folder: nothing half-written stays (see _atomic_write)
            raise BlobError(
                f"cannot write {path}: {exc.strerror or exc}", hint="free disk space, or make FIRSTMATE_HOME writable"
            ) from exc
        return BlobInfo(key=key, size=len(data), content_type=content_type, modified=_modified(written))

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(f"no blob under {key!r}") from None

    def head(self, key: str, *, quick: bool = False) -> BlobInfo | None:
        return self._info(key, self._path(key))

    def _info(self, key: str, path: Path) -> BlobInfo | None:
        """The blob at `path`, or None when there is none (also when another process just deleted it:
        one stat, not a check and then a read)."""
        try:
            found = path.stat()
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):  # gone, or a link to nowhere
                return None
            raise
        if not stat.S_ISREG(found.st_mode):
            return None
        return BlobInfo(key=key, size=found.st_size, content_type=self._type(key), modified=_modified(found))

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
            self._meta_path(key).unlink(missing_ok=True)
        except OSError as exc:  # a read-only folder
            hint = "make FIRSTMATE_HOME writable"
            raise BlobError(f"cannot delete {path}: {exc.strerror or exc}", hint=hint) from exc

    def list(self, prefix: str = "") -> list[BlobInfo]:
        found: list[BlobInfo] = []
        folder = prefix.rpartition("/")[0]  # only the folder the prefix names is walked: one album's, not every file
        try:
            base = self._root / check_key(folder) if folder else self._root
        except InvalidInput:  # no key begins so: a walk of everything finds nothing either
            return []
        if not base.is_dir():
            return []
        for path in base.rglob("*"):
            rel = path.relative_to(self._root).as_posix()
            if rel.startswith(_META + "/") or not rel.startswith(prefix) or path.name.startswith("."):
                continue  # metadata, another prefix, or a temp file mid-write
            info = self._info(rel, path)
            if info is not None:
                found.append(info)
        return sorted(found, key=lambda info: info.key)

    def _type(self, key: str) -> str:
        try:
            meta = json.loads(self._meta_path(key).read_bytes())
            return str(meta["content_type"])
        except FileNotFoundError:
            return _implied(key)
        except (ValueError, KeyError):
            return "application/octet-stream"


def _atomic_write(path: Path, data: bytes) -> os.stat_result:
    """Write `data` to `path` whole or not at all; the file's stat as written (taken before the
    rename, so a delete by another process right after cannot make a finished write fail)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def _implied(key: str) -> str:
    """The content type `key`'s ending implies; octet-stream when it implies none."""
    return _IMPLIED.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


def _modified(found: os.stat_result) -> datetime:
    return datetime.fromtimestamp(found.st_mtime, UTC)
