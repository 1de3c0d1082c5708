"""Status moves (CONTRACT.md section 1), against the contract's chain written out here."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.catalog import ActionType, UnknownName
from bot.domain.statuses import Status, can_move, can_reach, parse_status

CONTRACT_STATUSES = {
    "pending",
    "approved",
    "rejected",
    "in-progress",
    "completed",
    "failed",
    "cancelled",
    "expired",
    "undone",
}

# One step: the contract's chain, plus what README's "Status moves" adds for the executor.
ALLOWED_STEPS = {
    ("pending", "approved"),
    ("pending", "rejected"),
    ("pending", "expired"),
    ("approved", "in-progress"),
    ("in-progress", "completed"),
    ("in-progress", "failed"),
    ("completed", "undone"),
    # README: the executor may report these straight from approved, and cancel in progress.
    ("approved", "completed"),
    ("approved", "failed"),
    ("approved", "cancelled"),
    ("in-progress", "cancelled"),
}
UNDOABLE = {
    ActionType.ISOLATE_DEVICE,
    ActionType.RESTRICT_CODE_EXECUTION,
    ActionType.STOP_AND_QUARANTINE,
}


def test_exactly_the_contracts_statuses() -> None:
    assert {s.value for s in Status} == CONTRACT_STATUSES


@pytest.mark.parametrize("action_type", list(ActionType))
def test_every_single_step_for_every_type(action_type: ActionType) -> None:
    for current, new in itertools.product(Status, Status):
        expected = (current.value, new.value) in ALLOWED_STEPS
        if new is Status.UNDONE:
            expected = expected and action_type in UNDOABLE
        assert can_move(current, new, action_type) is expected, (current, new)


def test_undo_only_for_the_types_with_an_undo_key() -> None:
    undoable = {t for t in ActionType if can_move(Status.COMPLETED, Status.UNDONE, t)}
    assert undoable == UNDOABLE
    assert undoable == {t for t in ActionType if t.undo_type is not None}


@pytest.mark.parametrize("action_type", [ActionType.ISOLATE_DEVICE, ActionType.BLOCK_URL])
def test_nothing_ever_returns_to_pending(action_type: ActionType) -> None:
    for status in Status:
        assert not can_move(status, Status.PENDING, action_type)
        assert not can_reach(status, Status.PENDING, action_type)


def test_reach_follows_several_steps_forward_only() -> None:
    isolate = ActionType.ISOLATE_DEVICE
    assert can_reach(Status.PENDING, Status.COMPLETED, isolate)
    assert can_reach(Status.PENDING, Status.UNDONE, isolate)
    assert can_reach(Status.APPROVED, Status.FAILED, isolate)
    assert not can_reach(Status.PENDING, Status.UNDONE, ActionType.RUN_ANTIVIRUS_SCAN)
    assert not can_reach(Status.COMPLETED, Status.APPROVED, isolate)
    assert not can_reach(Status.REJECTED, Status.APPROVED, isolate)
    assert not can_reach(Status.EXPIRED, Status.COMPLETED, isolate)
    assert not can_reach(Status.APPROVED, Status.APPROVED, isolate)


def test_final_statuses() -> None:
    final = {s.value for s in Status if s.is_final}
    assert final == {"rejected", "failed", "cancelled", "expired", "undone"}


def test_parse_status_is_case_insensitive_and_suggests() -> None:
    assert parse_status(" In-Progress ") is Status.IN_PROGRESS
    with pytest.raises(UnknownName) as caught:
        parse_status("aproved")
    assert "approved" in caught.value.suggestions
