"""Read a data folder (CSV and YAML files) into raw rows with their positions; the domain checks them.

CSV: a header row, then one row per record (a quoted cell may span lines); lines starting with `#`
between rows are comments and blank lines are skipped; an empty cell means "not given" (the field's
default applies). YAML: `business.yaml` is one mapping; `infrastructure.yaml` is a list of services
(or a mapping with a `services:` list).
"""

from __future__ import annotations

import csv
import errno
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from firstmate.adapters.sources.csv_errors import csv_problem
from firstmate.domain.datafiles import BY_FILE, RawRow
from firstmate.domain.intake import RowError
from firstmate.rendering import render

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_data_folder(folder: Path) -> dict[str, list[RawRow]] | list[RowError]:
    """Every data file in `folder`, as raw rows; or the problems that stop it being read."""
    read = read_folder(folder)
    return read.problems or read.rows


@dataclass
class FolderRead:
    """What a data folder holds: the rows of each file that could be read, and every problem met while reading
    (a misnamed or unreadable file, a row with a cell too many), all of them, not the first alone."""

    rows: dict[str, list[RawRow]] = field(default_factory=dict)
    problems: list[RowError] = field(default_factory=list)


def read_folder(folder: Path) -> FolderRead:
    """Every file of `folder` read, as far as each can be: a file that cannot be read is a problem, and the
    other files are still read, for their own rows' problems to be said in the same run."""
    try:
        if not folder.is_dir():
            return FolderRead(problems=[RowError(str(folder), f"is not a folder; {_STARTER}")])
        paths = sorted(folder.iterdir())
    except OSError as exc:
        return FolderRead(problems=[RowError(str(folder), _unreadable(exc))])
    read = FolderRead()
    for path in paths:
        if path.name.startswith(".") or path.name.lower() == "readme.md":
            continue
        try:  # a folder readable but not searchable (mode 0644) lists its files and lets none be looked at
            size = path.stat().st_size if path.is_file() else None
        except OSError as exc:
            read.problems.append(RowError(path.name, _unreadable(exc)))
            continue
        if size is None:
            continue
        if path.name not in BY_FILE:
            known = ", ".join(sorted(BY_FILE))
            read.problems.append(RowError(path.name, f"is not a data file firstmate reads; the files are: {known}"))
            continue
        if size > MAX_FILE_BYTES:
            read.problems.append(RowError(path.name, f"is over {MAX_FILE_BYTES // 1024 // 1024} MB; split the data"))
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            said = "is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet)"
            read.problems.append(RowError(path.name, said))
            continue
        except OSError as exc:  # another user's file: theirs to fix, not a bug to report
            read.problems.append(RowError(path.name, _unreadable(exc)))
            continue
        if path.suffix == ".csv":
            rows, problems = read_csv(path.name, text)
            read.problems += problems
        else:
            yaml_rows = read_yaml(path.name, text)
            if isinstance(yaml_rows, RowError):
                read.problems.append(yaml_rows)
                continue
            rows = yaml_rows
        if rows is not None:
            read.rows[path.name] = rows
    if not read.rows and not read.problems:
        read.problems.append(RowError(str(folder), f"holds no data files; {_STARTER}"))
    return read


_STARTER = "run 'firstmate data template DIR' for a starter set"


def _unreadable(exc: OSError) -> str:
    return f"cannot be read: {exc.strerror or exc}; make it readable by the user firstmate runs as"


def read_csv(name: str, text: str) -> tuple[list[RawRow] | None, list[RowError]]:
    """The rows of a CSV file that could be read (None when none can be: no header, or one that is wrong), and
    every problem met. A quoted cell may span lines (a description typed with line breaks in a spreadsheet);
    a quote inside a cell not quoted is text (12" prop). A row with a cell too many is a problem of its own,
    and the rows after it are still read."""
    lines = _Lines(text)
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in csv.reader(lines, strict=True):
            records.append((lines.start, cells))
            lines.between = True
    except csv.Error as exc:
        return None, [RowError(f"{name} line {lines.start}", csv_problem(exc, lines.last))]
    if not records:
        return None, [RowError(name, "has no header row")]
    (header_line, cells), *body = records
    header = [h.strip() for h in cells]
    if len(set(header)) != len(header) or not all(header):
        return None, [RowError(f"{name} line {header_line}", "the header has an empty or repeated column name")]
    wrong = _header_problem(name, header)
    if wrong:  # said once for the file, not once for each row
        return None, [RowError(f"{name} line {header_line}", wrong)]
    rows, problems = [], []
    for index, (line, cells) in enumerate(body, start=1):
        if len(cells) > len(header):
            where = f"{name} row {index} (line {line})"
            problems.append(RowError(where, f"has {len(cells)} cells for {len(header)} columns"))
            continue
        values = {key: cell.strip() for key, cell in zip(header, cells, strict=False) if cell.strip()}
        rows.append(RawRow(name, index, line, values))
    return rows, problems


class _Lines:
    """A CSV file's lines as the csv module reads them, with blank and comment lines between
    records left out (inside a quoted cell they are its text), and the line each record starts on.
    The reader sets `between` once it has a record whole."""

    def __init__(self, text: str) -> None:
        self._lines = enumerate(text.splitlines(keepends=True), start=1)
        self.between = True
        self.start = 1
        self.last = ""  # the line given last: where a refusal stopped

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if self.between and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if self.between:
                self.start, self.between = number, False
            self.last = line
            return line
        raise StopIteration


def _header_problem(name: str, header: list[str]) -> str:
    """What is wrong with a CSV file's columns (unknown ones, required ones missing), or ""."""
    spec = BY_FILE.get(name)
    if spec is None:
        return ""
    fields = spec.model.model_fields
    unknown = [column for column in header if column not in fields]
    missing = [column for column, info in fields.items() if info.is_required() and column not in header]
    if not unknown and not missing:
        return ""
    said = [f"unknown columns: {', '.join(unknown)}"] if unknown else []
    said += [f"missing columns: {', '.join(missing)}"] if missing else []
    return f"the header has {'; '.join(said)}; the columns are: {', '.join(fields)}"


def read_yaml(name: str, text: str) -> list[RawRow] | RowError:
    """The YAML file as rows: one for a mapping file, one per item for a list file."""
    try:
        for found in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(found, yaml.AliasEvent):  # a few lines of aliases can stand for gigabytes
                line = f" line {found.start_mark.line + 1}" if found.start_mark else ""
                return RowError(f"{name}{line}", "uses aliases (*name): write each value out in full")
        loaded: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name} line {mark.line + 1}" if mark is not None else name
        return RowError(where, f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")
    except (ValueError, OverflowError):  # a date like 2026-02-30 fails while YAML builds it
        return RowError(f"{name} line {_line_of_bad_time(text)}", "has a value that is not a real date or time")
    if loaded is None:  # empty, or comments only: more likely a slip than "remove everything"
        if name == "business.yaml":
            return RowError(name, "is empty: delete the file to keep what is stored, or fill it in")
        return RowError(name, "is empty: write [] to remove every service, or delete the file to keep them")
    if name == "business.yaml":
        if not isinstance(loaded, dict):
            return RowError(name, "must be a mapping of settings (cash:, fixed_costs:, goals: …)")
        return [RawRow(name, 1, None, loaded)]
    items = loaded.get("services") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return RowError(name, "must be a list of services, each a mapping with id:, name:, kind: …")
    return [RawRow(name, index, None, item) for index, item in enumerate(items, start=1)]


def _line_of_bad_time(text: str) -> int:
    """The first line whose date or time YAML cannot build (the error does not say where)."""
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            yaml.safe_load(line.partition(":")[2] if ":" in line else line)
        except (ValueError, OverflowError):
            return number
        except yaml.YAMLError:
            continue  # a fragment of a longer value (an open bracket): not the date
    return 1


TEMPLATE_FILES = ("README.md", *sorted(BY_FILE))


def write_template(folder: Path, context: dict[str, Any], *, force: bool = False) -> list[Path]:
    """Write the annotated starter set into `folder` (created if needed). Refuses to overwrite a
    file unless `force`; returns the files written."""
    existing = [name for name in TEMPLATE_FILES if (folder / name).exists()]
    if existing and not force:
        raise FileExistsError(f"{folder} already holds {', '.join(existing)}")
    blocked = next((folder / name for name in existing if (folder / name).is_dir()), None)
    if blocked is not None:  # found before any file is written: --force wrote the ones before it, then stopped
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(blocked))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TEMPLATE_FILES:
        path = folder / name
        path.write_text(render(f"data/{name}", **context).rstrip("\n") + "\n", encoding="utf-8")
        written.append(path)
    return written
