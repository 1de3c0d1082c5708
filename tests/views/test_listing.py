"""Listings as text: the table, CSV and JSON the command line prints."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from bot.domain.catalog import ActionSource, ActionType, UnknownName
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status
from bot.views.columns import Column, parse_columns
from bot.views.listing import write_csv, write_json, write_table

WHEN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def record(pk: int = 7, **fields: object) -> ActionRecord:
    values: dict[str, object] = {
        "pk": pk,
        "upstream_id": f"up-{pk}",
        "type": ActionType.SOFT_DELETE_EMAIL,
        "source": ActionSource.EXPLORER_ACTION,
        "status": Status.REJECTED,
        "created_at": WHEN,
        "updated_at": WHEN,
        "target": {"recipient": "a@example.com", "subject": "Invoice", "network_message_id": "n"},
        "decided_by": "U1",
        "decided_by_email": "lead@example.com",
        "decided_at": WHEN,
        "comment": "benign",
    }
    values.update(fields)
    return ActionRecord(**values)  # type: ignore[arg-type]


def test_json_has_the_contract_fields_with_keys_and_utc_times() -> None:
    out = io.StringIO()
    assert write_json([record()], out) == 1
    [row] = json.loads(out.getvalue())
    assert row["id"] == "up-7"
    assert row["short_id"] == "A-7"
    assert (row["type"], row["source"], row["status"]) == (
        "soft-delete-email",
        "explorer-action",
        "rejected",
    )
    assert row["created_at"] == row["updated_at"] == row["decided_at"] == "2026-11-27T08:00:00Z"
    assert (row["decided_by"], row["comment"]) == ("lead@example.com", "benign")
    assert row["target"]["subject"] == "Invoice"


def test_empty_json_is_an_empty_array() -> None:
    out = io.StringIO()
    write_json([], out)
    assert json.loads(out.getvalue()) == []


@pytest.mark.parametrize("evil", ["=cmd()", "+1", "-2+3", "@SUM(A1)", "\t=x"])
def test_csv_defuses_formulas(evil: str) -> None:
    out = io.StringIO()
    write_csv([record(comment=evil)], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][rows[0].index("comment")] == "'" + evil


def test_csv_keeps_commas_quotes_and_newlines_in_one_cell() -> None:
    out = io.StringIO()
    write_csv([record(comment='he said "no", twice\nthen left')], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert rows[1][rows[0].index("comment")] == 'he said "no", twice\nthen left'


def test_table_aligns_and_cuts_long_cells() -> None:
    out = io.StringIO()
    long_subject = "x" * 100
    target = {"recipient": "a@example.com", "subject": long_subject, "network_message_id": "n"}
    write_table([record(1), record(22, target=target)], out, columns=[Column.ID, Column.TARGET])
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["ID", "TARGET"]
    assert lines[1].index("a@example.com") == lines[2].index("a@example.com")
    assert "…" in lines[2]
    assert long_subject not in lines[2]


def test_columns_by_name_in_order_without_repeats() -> None:
    assert parse_columns(["Status", "id", "status"]) == [Column.STATUS, Column.ID]
    with pytest.raises(UnknownName) as caught:
        parse_columns(["statsu"])
    assert "status" in caught.value.suggestions
