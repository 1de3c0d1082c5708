"""The sandbox's Block Kit rendering, on the bot's real messages (its card, its reject modal, its
help reply) and on what the bot does not send yet (shown as JSON, never dropped)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status
from bot.ids import BlockId
from bot.views.cards import render_action_card
from bot.views.command_replies import render_help
from bot.views.replies import reject_modal
from sandbox import blockkit

ARRIVED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PENDING = ActionRecord(
    pk=1042,
    upstream_id="up-1",
    type=ActionType.ISOLATE_DEVICE,
    source=ActionSource.AUTOMATED_DEVICE_ACTION,
    status=Status.PENDING,
    created_at=ARRIVED,
    updated_at=ARRIVED,
    target={"device_name": "WS-0142"},
    investigation_id="INV-7",
)


class _Page(HTMLParser):
    """What a reader sees of the HTML: its text, its buttons and its links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.buttons: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self._in_button = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "button":
            self.buttons.append(dict(attrs) | {"label": ""})
            self._in_button = True
        if tag == "a":
            self.links.append(dict(attrs))
        if tag in ("br", "div", "hr"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._in_button = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_button:
            self.buttons[-1]["label"] = (self.buttons[-1]["label"] or "") + data

    @property
    def seen(self) -> str:
        return re.sub(r"[ \t]+", " ", "".join(self.text))


def card_html(action: ActionRecord) -> _Page:
    card = render_action_card(action, carried_out_automatically=False)
    return _Page(blockkit.message({"text": card.text, "blocks": card.blocks_json()}))


def test_a_pending_card_shows_its_fields_date_and_styled_buttons() -> None:
    page = card_html(PENDING)
    for shown in ("Isolate device", "is waiting for approval", "WS-0142", "INV-7", "A-1042"):
        assert shown in page.seen
    assert "Automated device action" in page.seen
    assert "Nov 27, 2026 08:00 UTC" in page.seen  # the <!date^...> token, not its raw form
    assert "<!date" not in page.seen
    assert "*" not in page.seen  # mrkdwn bold is rendered, not shown
    labels = [(b["label"], b["class"]) for b in page.buttons]
    assert labels == [("Approve", "button primary"), ("Reject", "button danger")]
    assert all(b["data-value"] == "A-1042" for b in page.buttons)
    assert "data-confirm" not in page.buttons[0]


def test_an_irreversible_approval_carries_its_confirm_dialog() -> None:
    action = replace(PENDING, type=ActionType.OFFBOARD_MACHINE)
    approve = card_html(action).buttons[0]
    confirm = json.loads(unescape(str(approve["data-confirm"])))
    assert confirm["title"]["text"] == "Approve this action?"
    assert "cannot be undone" in confirm["text"]["text"]
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Approve", "Cancel")


def test_a_decided_card_has_no_buttons() -> None:
    decided = replace(PENDING, status=Status.REJECTED, comment="not this one", decided_by="U0X")
    page = card_html(decided)
    assert page.buttons == []
    assert "was rejected" in page.seen


def test_the_reject_modal_shows_its_title_question_and_reason_box() -> None:
    view = reject_modal(PENDING, "C0ACTIONS01").to_dict()
    html = blockkit.modal(view)
    page = _Page(html)
    assert "Reject action" in page.seen
    assert "Reject Isolate device on WS-0142 (A-1042)?" in page.seen
    assert "Reason" in page.seen
    assert [b["label"] for b in page.buttons] == ["Cancel", "Reject"]
    # A multiline box whose name carries the block and action ids the submission is keyed by.
    assert f'<textarea name="{BlockId.REJECT_REASON}/{BlockId.REJECT_REASON_INPUT}"' in html


def test_the_help_reply_renders_without_raw_json() -> None:
    reply = render_help().payload()
    html = blockkit.message(reply)
    assert 'class="unknown"' not in html
    assert "/actions" in _Page(html).seen


def test_links_mentions_and_escapes() -> None:
    html = blockkit.mrkdwn(
        "see <https://security.microsoft.com/action-center|the Action center> for "
        "<@U0GLOBAL001> &lt;script&gt; `code` _it_ ~gone~"
    )
    page = _Page(html)
    assert page.links[0]["href"] == "https://security.microsoft.com/action-center"
    assert "the Action center" in page.seen
    assert "@Grace Admin" in page.seen
    assert "<script>" in page.seen  # shown as text
    assert "<script>" not in html
    assert "<code>code</code>" in html
    assert "<i>it</i>" in html
    assert "<s>gone</s>" in html


def test_a_javascript_link_is_not_followed() -> None:
    page = _Page(blockkit.mrkdwn("<javascript:alert(1)|click>"))
    assert page.links[0]["href"] == "#"


def test_unknown_blocks_and_elements_are_shown_as_json() -> None:
    html = blockkit.message(
        {
            "blocks": [
                {"type": "rich_text", "elements": []},
                {"type": "actions", "elements": [{"type": "static_select", "action_id": "pick"}]},
            ]
        }
    )
    page = _Page(html)
    assert '"type": "rich_text"' in page.seen
    assert '"type": "static_select"' in page.seen


def test_a_message_without_blocks_shows_its_text() -> None:
    page = _Page(blockkit.message({"text": ":no_entry: You need *Global Administrator*."}))
    assert "You need Global Administrator." in page.seen
    assert ":no_entry:" not in page.seen


def test_a_header_and_a_section_accessory_button() -> None:
    html = blockkit.message(
        {
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest"}},
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "*3* pending"},
                    "accessory": {
                        "type": "button",
                        "action_id": "actionbot.listing.next",
                        "text": {"type": "plain_text", "text": "Next"},
                        "value": "page-2",
                    },
                },
                {"type": "divider"},
            ]
        }
    )
    page = _Page(html)
    assert 'class="block header">Weekly digest' in html
    assert "3 pending" in page.seen
    assert [(b["label"], b["data-action-id"]) for b in page.buttons] == [
        ("Next", "actionbot.listing.next")
    ]
    assert '<hr class="block divider">' in html
