"""The grammar of /actions: every text yields a request or a usage message, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.columns import Column
from bot.domain.command_grammar import (
    REQUEST_TYPES,
    ChooseColumns,
    ExportActions,
    Help,
    ListActions,
    NotYetAvailable,
    ShowAction,
    ShowColumns,
    Sub,
    Usage,
    WhoAmI,
    command_text,
    parse_command,
)
from bot.domain.paging import PageRequest, decode_page, encode_page
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from bot.domain.windows import Window

WORDS = st.sampled_from(
    [
        "help", "pending", "history", "show", "export", "columns", "whoami", "undo", "digest",
        "reset", "day", "week", "month", "6months", "24h", "7d", "30d", "180d", "source:",
        "type:", "status:", "device:", "source:explorer-action", 'source:"Explorer action"',
        "type:isolate-device,block-url", "status:completed", "device:WS-1", '"', "“", "”", ",",
        ":", "A-1", "id", "target", "&lt;", "&amp;", "<http://x.example|x.example>", "<", ">",
        "|", "\n", "\t", " ", "pending:", "sorce:x", "status:pending", "",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_request_or_a_usage_message(text: str) -> None:
    result = parse_command(text)
    assert isinstance(result, (*REQUEST_TYPES, Usage))
    if isinstance(result, Usage):
        assert result.problem
        assert "\n" not in result.problem
        assert len(result.problem) < 400


@settings(max_examples=1500, deadline=None)
@given(st.lists(WORDS, max_size=8).map(" ".join))
def test_command_like_text_is_a_request_or_a_usage_message(text: str) -> None:
    assert isinstance(parse_command(text), (*REQUEST_TYPES, Usage))


SELECTIONS = st.builds(
    Selection,
    pending=st.booleans(),
    window=st.sampled_from(list(Window)),
    sources=st.frozensets(st.sampled_from(list(ActionSource))),
    types=st.frozensets(st.sampled_from(list(ActionType))),
    statuses=st.frozensets(st.sampled_from([s for s in Status if s is not Status.PENDING])),
    devices=st.frozensets(
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"“”,<>&|'),
            min_size=1,
            max_size=20,
        )
        .map(lambda d: d.strip().casefold())
        .filter(lambda d: bool(d) and d.casefold() == d),
        max_size=3,
    ),
)


@settings(max_examples=500, deadline=None)
@given(SELECTIONS)
def test_the_command_text_of_a_selection_selects_it_again(selection: Selection) -> None:
    if selection.pending:
        selection = Selection(
            pending=True, sources=selection.sources, types=selection.types,
            devices=selection.devices,
        )  # fmt: skip
    parsed = parse_command(command_text(selection, Sub.EXPORT))
    assert parsed == ExportActions(selection)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("  HELP me  ", Help()),
        ("whoami", WhoAmI()),
        ("show A-1042", ShowAction("A-1042")),
        ('show "upstream id with spaces"', ShowAction("upstream id with spaces")),
        ("columns", ShowColumns()),
        ("columns reset", ChooseColumns(None)),
        ("columns id, status target", ChooseColumns((Column.ID, Column.STATUS, Column.TARGET))),
        ("columns Decided-By id id", ChooseColumns((Column.DECIDED_BY, Column.ID))),
        ("undo A-1", NotYetAvailable(Sub.UNDO)),
        ("digest subscribe daily", NotYetAvailable(Sub.DIGEST)),
        ("pending", ListActions(Selection(pending=True))),
        ("history", ListActions(Selection(window=Window.WEEK))),
    ],
)
def test_requests(text: str, expected: object) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("word", "window"),
    [
        ("day", Window.DAY), ("24h", Window.DAY), ("week", Window.WEEK), ("7d", Window.WEEK),
        ("month", Window.MONTH), ("30d", Window.MONTH), ("6months", Window.SIX_MONTHS),
        ("180d", Window.SIX_MONTHS), ("6MONTHS", Window.SIX_MONTHS),
    ],
)  # fmt: skip
def test_windows_and_their_aliases(word: str, window: Window) -> None:
    assert parse_command(f"history {word}") == ListActions(Selection(window=window))
    assert parse_command(f"export {word}") == ExportActions(Selection(window=window))


def test_filters_take_keys_display_names_comma_lists_and_repeats() -> None:
    parsed = parse_command(
        'history 6months source:"Automated device action",explorer-action '
        "SOURCE:manual-email-action type:“Isolate device” status:Completed,failed "
        'device:WS-1 device:"My Laptop",ws-2'
    )
    assert parsed == ListActions(
        Selection(
            window=Window.SIX_MONTHS,
            sources=frozenset(
                {
                    ActionSource.AUTOMATED_DEVICE_ACTION,
                    ActionSource.EXPLORER_ACTION,
                    ActionSource.MANUAL_EMAIL_ACTION,
                }
            ),
            types=frozenset({ActionType.ISOLATE_DEVICE}),
            statuses=frozenset({Status.COMPLETED, Status.FAILED}),
            devices=frozenset({"ws-1", "my laptop", "ws-2"}),
        )
    )


def test_slack_formatting_of_the_text_is_undone() -> None:
    parsed = parse_command("history device:<http://ws-1.corp.example|ws-1.corp.example>")
    assert parsed == ListActions(Selection(devices=frozenset({"ws-1.corp.example"})))
    parsed = parse_command('history device:"R&amp;D &lt;lab&gt;"')
    assert parsed == ListActions(Selection(devices=frozenset({"r&d <lab>"})))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("histroy", "unknown subcommand 'histroy' (did you mean history?)"),
        ("frobnicate", "unknown subcommand 'frobnicate'"),
        ("history fortnight", "unknown window 'fortnight'"),
        ("history week month", "give at most one window"),
        ("pending week", "takes no window"),
        ("history sorce:explorer-action", "unknown filter 'sorce:' (did you mean source:?)"),
        (
            "history source:explorer",
            "unknown action source 'explorer' (did you mean explorer-action",
        ),
        ("history type:isolate", "unknown action type 'isolate' (did you mean isolate-device"),
        ("history status:complete", "unknown status 'complete' (did you mean completed"),
        ("history source:", "source: needs a value"),
        ('history source:"Automated device action', "unbalanced quotes"),
        ("history source", "write filters as source:VALUE"),
        ("history status:pending", "for pending ones use /actions pending"),
        ("history pending", "use /actions pending"),
        ("pending status:completed", "status: applies to history and export"),
        ("export week pending", "either pending or a window"),
        ("show", "show takes one ID"),
        ("show A-1 A-2", "show takes one ID"),
        ("columns idd", "unknown column 'idd' (did you mean id"),
        ("columns reset id", "'reset' stands alone"),
        ("whoami please", "whoami takes nothing"),
        ("history " + "x" * 3000, "too long"),
    ],
)
def test_malformed_commands_get_a_usage_message(text: str, says: str) -> None:
    result = parse_command(text)
    assert isinstance(result, Usage), result
    assert says in result.problem
    assert result.usage.startswith("/actions")


def test_usage_names_the_subcommand_meant() -> None:
    result = parse_command("history fortnight")
    assert isinstance(result, Usage)
    assert result.usage.startswith("/actions history [day|week|month|6months]")


def test_a_page_token_round_trips_and_garbage_is_refused() -> None:
    selection = Selection(
        window=Window.MONTH,
        sources=frozenset({ActionSource.EXPLORER_ACTION}),
        statuses=frozenset({Status.FAILED}),
        devices=frozenset({"ws-1"}),
    )
    request = PageRequest(selection, datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=UTC), 40)
    token = encode_page(request)
    assert token is not None
    assert len(token) <= 2000
    assert decode_page(token) == request
    for garbage in (
        "",
        "{}",
        "[1]",
        "null",
        '{"p":0,"w":"year"}',
        token.replace('"o":40', '"o":-1'),
    ):
        assert decode_page(garbage) is None


def test_a_token_too_big_for_a_button_is_not_made() -> None:
    devices = frozenset(f"device-{i:03d}-" + "x" * 40 for i in range(50))
    request = PageRequest(Selection(devices=devices), datetime.now(UTC), 20)
    assert encode_page(request) is None
