"""The Action center's vocabulary, checked against CONTRACT.md section 1 written out literally."""

from __future__ import annotations

import pytest

from bot.domain.catalog import (
    ActionSource,
    ActionType,
    Category,
    UnknownName,
    parse_action_source,
    parse_action_type,
)

# key: (display name, category, undo key), copied from the contract's table.
CONTRACT_TYPES = {
    "collect-investigation-package": ("Collect investigation package", "device", None),
    "isolate-device": ("Isolate device", "device", "release-from-isolation"),
    "release-from-isolation": ("Release from isolation", "device", None),
    "offboard-machine": ("Offboard machine", "device", None),
    "release-code-execution": ("Release code execution", "device", None),
    "release-from-quarantine": ("Release from quarantine", "device", None),
    "request-sample": ("Request sample", "device", None),
    "restrict-code-execution": ("Restrict code execution", "device", "release-code-execution"),
    "run-antivirus-scan": ("Run antivirus scan", "device", None),
    "stop-and-quarantine": ("Stop and quarantine", "device", "release-from-quarantine"),
    "soft-delete-email": ("Soft delete email", "email", None),
    "hard-delete-email": ("Hard delete email", "email", None),
    "move-to-junk": ("Move to junk folder", "email", None),
    "block-url": ("Block URL", "email", None),
    "turn-off-external-mail-forwarding": ("Turn off external mail forwarding", "email", None),
}

CONTRACT_SOURCES = {
    "manual-device-action": "Manual device action",
    "manual-email-action": "Manual email action",
    "automated-device-action": "Automated device action",
    "automated-email-action": "Automated email action",
    "advanced-hunting-action": "Advanced hunting action",
    "explorer-action": "Explorer action",
    "manual-live-response-action": "Manual live response action",
    "live-response-action": "Live response action",
}


def test_exactly_the_contracts_fifteen_types() -> None:
    assert {t.value for t in ActionType} == set(CONTRACT_TYPES)


@pytest.mark.parametrize("key", sorted(CONTRACT_TYPES))
def test_type_display_name_category_and_undo(key: str) -> None:
    name, category, undo = CONTRACT_TYPES[key]
    action_type = ActionType(key)
    assert action_type.display_name == name
    assert action_type.category is Category(category)
    assert (action_type.undo_type.value if action_type.undo_type else None) == undo


def test_undo_types_are_device_types_that_cannot_themselves_be_undone() -> None:
    for action_type in ActionType:
        undo = action_type.undo_type
        if undo is not None:
            assert undo.category is action_type.category
            assert undo.undo_type is None


def test_irreversible_types_are_the_three_that_ask_for_confirmation() -> None:
    assert {t.value for t in ActionType if t.irreversible} == {
        "offboard-machine",
        "stop-and-quarantine",
        "hard-delete-email",
    }


def test_exactly_the_action_centers_eight_sources() -> None:
    assert {s.value: s.display_name for s in ActionSource} == CONTRACT_SOURCES


@pytest.mark.parametrize("key", sorted(CONTRACT_TYPES))
def test_type_found_by_key_and_display_name_in_any_case(key: str) -> None:
    name = CONTRACT_TYPES[key][0]
    for text in (key, key.upper(), name, name.lower(), name.upper(), f"  {name} "):
        assert parse_action_type(text) is ActionType(key), text


@pytest.mark.parametrize("key", sorted(CONTRACT_SOURCES))
def test_source_found_by_key_and_display_name_in_any_case(key: str) -> None:
    name = CONTRACT_SOURCES[key]
    for text in (key, key.title(), name, name.swapcase()):
        assert parse_action_source(text) is ActionSource(key), text


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("isolate-devce", "isolate-device"),
        ("isolate device!", "isolate-device"),
        ("block-urls", "block-url"),
        ("move-to-junk-folder", "move-to-junk"),
    ],
)
def test_near_miss_type_suggests_the_key(text: str, suggested: str) -> None:
    with pytest.raises(UnknownName) as caught:
        parse_action_type(text)
    assert suggested in caught.value.suggestions
    assert suggested in str(caught.value)
    assert text in str(caught.value)


def test_near_miss_of_a_display_name_suggests_its_key() -> None:
    with pytest.raises(UnknownName) as caught:
        parse_action_source("Automated devise action")
    assert "automated-device-action" in caught.value.suggestions


def test_nonsense_names_nothing_and_suggests_nothing() -> None:
    with pytest.raises(UnknownName) as caught:
        parse_action_type("zzzz")
    assert caught.value.suggestions == []
    assert "did you mean" not in str(caught.value)


def test_partial_names_are_not_accepted() -> None:
    for text in ("isolate", "device", "", "Manual"):
        with pytest.raises(UnknownName):
            parse_action_type(text)
        with pytest.raises(UnknownName):
            parse_action_source(text)
