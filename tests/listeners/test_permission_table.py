"""Every row of the Action center's permission table (CONTRACT.md §2), through real clicks:
a user holding each role set clicks Approve on a device action and on an email action."""

from __future__ import annotations

import pytest

from bot.domain.roles import EMAIL_COLLABORATION_NOTE, Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from tests.listeners.clicks import button_click
from tests.listeners.helpers import DEVICE, EMAIL, action, current, grant, posted_card, store, trail
from tests.support.running_bot import BotUnderTest
from tests.support.slack_api import SlackApiStandIn

R = Role
CLICKER = "U0CLICKER01"

# role set -> (may decide device actions, may decide email actions, words the refusal must say)
TABLE: list[tuple[list[Role], bool, bool, list[str]]] = [
    ([], False, False, ["Global Administrator"]),
    ([R.GLOBAL_ADMINISTRATOR], True, True, []),
    ([R.SECURITY_ADMINISTRATOR], True, False, ["you lack Search and Purge"]),
    ([R.SECURITY_ADMINISTRATOR, R.SEARCH_AND_PURGE], True, True, []),
    ([R.ACTIVE_REMEDIATION_ACTIONS], True, False, ["Global Administrator"]),
    ([R.SEARCH_AND_PURGE], False, False, []),
    ([R.SECURITY_READER], False, False, ["Global Administrator"]),
    (
        [R.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION],
        False,
        False,
        [EMAIL_COLLABORATION_NOTE],
    ),
    (
        [R.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION, R.SEARCH_AND_PURGE],
        False,
        False,
        [EMAIL_COLLABORATION_NOTE],
    ),
]


@pytest.mark.parametrize(
    ("roles", "device_ok", "email_ok", "words"),
    TABLE,
    ids=["+".join(r.value for r in row[0]) or "no-roles" for row in TABLE],
)
def test_permission_table_row(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    roles: list[Role],
    device_ok: bool,
    email_ok: bool,
    words: list[str],
) -> None:
    device, email = store(bot.db, action("dev-1", DEVICE), action("mail-1", EMAIL))
    posted_card(bot.db, device)
    posted_card(bot.db, email)
    slack_api.people[CLICKER] = "clicker@example.com"
    grant(bot.db, "clicker@example.com", roles)

    for ref in (device, email):
        bot.send_interaction(button_click(ActionId.APPROVE, ref, user=CLICKER))
    expected_updates = int(device_ok) + int(email_ok)
    slack_api.wait_for("chat.update", expected_updates)
    slack_api.wait_for("chat.postEphemeral", 2 - expected_updates)

    for ref, allowed in ((device, device_ok), (email, email_ok)):
        last = trail(bot.db, ref)[-1]
        assert last.roles == tuple(sorted(r.value for r in roles))
        if allowed:
            assert current(bot.db, ref).status is Status.APPROVED
            assert last.kind == "approved"
        else:
            assert current(bot.db, ref).status is Status.PENDING
            assert last.kind == "refused"
    for reply in slack_api.calls_to("chat.postEphemeral"):
        text = reply.params["text"]
        assert reply.params["user"] == CLICKER
        # each refusal names what would allow this act on this kind of action
        if "device actions" in text:
            assert "or Active remediation actions to approve device actions" in text
        else:
            assert "Security Administrator and Search and Purge" in text
            if Role.SEARCH_AND_PURGE in roles:
                assert "you lack Security Administrator" in text
        for word in words:
            assert word in text
