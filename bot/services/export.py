"""Export: the rows of a selection as CSV, in the user's columns, delivered to them in a direct
message.

The rows stream from one read transaction into a temporary file (a million rows never sit in
memory), the transaction ends, and only then is Slack called to deliver the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.domain.columns import Column, stored_columns
from bot.domain.records import ActionRecord
from bot.domain.selection import Selection
from bot.integrations.slack_files import Delivered, DirectMessageFiles, UploadFailed
from storage.db import Database
from storage.repositories import ActionRepository, PreferenceRepository

WriteRows = Callable[[Iterable[ActionRecord], TextIO, Sequence[Column]], int]
"""Writes the rows in these columns (bot.views.listing.write_csv); returns how many it wrote."""


@dataclass(frozen=True)
class ExportFile:
    path: Path
    rows: int
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Exported:
    rows: int
    delivered: Delivered


@dataclass(frozen=True)
class ExportFailed:
    reason: str


def write_export(
    db: Database,
    user_id: str,
    selection: Selection,
    *,
    as_of: datetime,
    write: WriteRows,
    directory: Path | None,
) -> ExportFile:
    """Write the CSV to a new temporary file (the caller deletes it)."""
    handle, name = tempfile.mkstemp(prefix="actionbot-export-", suffix=".csv", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out, db.read() as session:
            columns = stored_columns(PreferenceRepository(session).columns_of(user_id))
            rows = ActionRepository(session).stream(selection, as_of)
            count = write(rows, out, columns)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ExportFile(path, count, columns)


def export_to_dm(
    db: Database,
    files: DirectMessageFiles,
    user_id: str,
    selection: Selection,
    *,
    as_of: datetime,
    write: WriteRows,
    filename: str,
    title: str,
    comment: Callable[[int], str],
    directory: Path | None = None,
) -> Exported | ExportFailed:
    """Write the export, then (its transaction over) deliver it; `comment(rows)` introduces it."""
    export = write_export(db, user_id, selection, as_of=as_of, write=write, directory=directory)
    try:
        delivered = files.send(
            user_id,
            export.path,
            filename=filename,
            title=title,
            comment=comment(export.rows),
        )
    except UploadFailed as exc:
        return ExportFailed(str(exc))
    finally:
        export.path.unlink(missing_ok=True)
    return Exported(export.rows, delivered)
