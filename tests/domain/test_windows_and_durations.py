"""History windows and their aliases; durations as operators write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.catalog import UnknownName
from bot.domain.durations import format_duration, parse_duration
from bot.domain.windows import DEFAULT_WINDOW, Window, parse_window

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("texts", "days"),
    [
        (("day", "24h", "DAY"), 1),
        (("week", "7d", "Week"), 7),
        (("month", "30d", " month "), 30),
        (("6months", "180d", "6Months"), 180),
    ],
)
def test_windows_and_aliases(texts: tuple[str, ...], days: int) -> None:
    for text in texts:
        window = parse_window(text)
        assert window.length == timedelta(days=days)
        assert window.start(NOW) == NOW - timedelta(days=days)


def test_history_defaults_to_a_week() -> None:
    assert DEFAULT_WINDOW is Window.WEEK


@pytest.mark.parametrize("text", ["year", "6 months", "2d", "", "48h"])
def test_unknown_window_lists_the_choices(text: str) -> None:
    with pytest.raises(UnknownName) as caught:
        parse_window(text)
    assert {"day", "week", "month", "6months"} <= set(caught.value.suggestions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("4h", timedelta(hours=4)),
        ("7d", timedelta(days=7)),
        ("90s", timedelta(seconds=90)),
        ("2w", timedelta(weeks=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 4H ", timedelta(hours=4)),
        ("1d 12h", timedelta(days=1, hours=12)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "4", "h", "4x", "-5m", "1.5h", "0m", "four hours", "4h-"])
def test_bad_durations_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["90s", "30m", "4h", "7d", "1h30m", "2w"])
def test_format_duration_reads_back(text: str) -> None:
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


def test_format_duration_uses_the_largest_whole_unit() -> None:
    assert format_duration(timedelta(hours=48)) == "2d"
    assert format_duration(timedelta(minutes=90)) == "90m"
    assert format_duration(timedelta(seconds=61)) == "61s"
