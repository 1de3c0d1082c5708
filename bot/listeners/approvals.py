"""Approve and Reject on an action's card, and the reject modal's submission.

Each listener acks first, parses the payload, calls one service and answers: the card is updated
in place after a decision; everything else is an ephemeral reply to the clicker alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import BotContext
from bot.domain.statuses import Status
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.payloads import ButtonClick, RejectSubmission
from bot.services.approvals import (
    AlreadyDecided,
    CheckOutcome,
    ClickOutcome,
    Decided,
    MayDecide,
    NotFound,
    Refused,
    Unresolved,
    check_click,
    decide_as,
    resolve_clicker,
)
from bot.services.clicks import Click, click_answered, click_lease, click_received
from bot.services.posting import CardPoster
from bot.views import replies


def register(app: App, context: BotContext) -> None:
    poster = context.card_poster()
    lookups, after_ack = context.lookup_work, context.click_work
    click_lease_ = click_lease(context.settings.slack_timeout)
    db, resolver = context.db, context.resolver

    def decide_after_lookup(
        body: dict[str, Any],
        client: WebClient,
        click: ButtonClick | RejectSubmission,
        decision: Status,
        comment: str | None = None,
    ) -> None:
        """Who clicked is looked up on the wide pool (it waits on Slack and the role source);
        the decision and the card on the narrow one, so that slow lookups hold up nobody else."""

        acked = Click(
            click.user_id, click.team_id, click.action_ref, decision, comment, click.channel_id
        )

        def look_up() -> None:
            # Recorded first, so that a bot that dies before answering answers later. Not on
            # Bolt's thread: a write per click there, beside the acks, doubled their latency.
            click_id = click_received(db, acked, click_lease_)
            actor = resolve_clicker(db, resolver, decision=decision, **click.who)

            def decide() -> None:
                try:
                    outcome = decide_as(
                        db, actor, ref=click.action_ref, decision=decision, comment=comment
                    )
                    after_ack.give_way()
                    answer(client, poster, outcome, channel=click.channel_id, user=click.user_id)
                finally:  # answered, or told that something failed (the pool's error report)
                    click_answered(db, click_id)

            after_ack.run(body, decide)

        lookups.run(body, look_up)

    @app.action(ActionId.APPROVE)
    def handle_approve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        decide_after_lookup(body, client, ButtonClick.parse(body), Status.APPROVED)

    @app.action(ActionId.REJECT)
    def handle_reject(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.parse(body)
        # Not deferred: Slack's trigger_id for views.open is only valid for 3 seconds.
        outcome = check_click(db, resolver, decision=Status.REJECTED, **click.who)
        if isinstance(outcome, MayDecide) and click.trigger_id:
            modal = replies.reject_modal(outcome.action, click.channel_id)
            client.views_open(trigger_id=click.trigger_id, view=modal)
        else:
            answer(client, poster, outcome, channel=click.channel_id, user=click.user_id)

    @app.view(CallbackId.REJECT_REASON)
    def handle_reject_reason(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submission = RejectSubmission.parse(body)
        if not submission.reason:
            ack(response_action="errors", errors={BlockId.REJECT_REASON: replies.reason_missing()})
            return
        ack()
        decide_after_lookup(body, client, submission, Status.REJECTED, submission.reason)


def answer(
    client: WebClient,
    poster: CardPoster,
    outcome: ClickOutcome | CheckOutcome,
    *,
    channel: str | None,
    user: str,
) -> None:
    """After a decision the card changes for everyone; anything else is said to the clicker."""
    if isinstance(outcome, Decided):
        if outcome.card is not None:  # else the card is not posted yet, or another poster has it
            poster.deliver(outcome.card)
        return
    text = _reply(outcome)
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    else:  # a modal opened from elsewhere: say it in the app's DM with the user
        client.chat_postMessage(channel=user, text=text)


def _reply(outcome: ClickOutcome | CheckOutcome) -> str:
    if isinstance(outcome, Refused):
        return replies.refused(outcome.verdict)
    if isinstance(outcome, AlreadyDecided):
        return replies.already_decided(outcome.action)
    if isinstance(outcome, NotFound):
        return replies.not_found(outcome.ref)
    if isinstance(outcome, Unresolved):
        return replies.not_allowed(outcome.reason)
    # MayDecide without a trigger_id to open the modal with: cannot ask for the reason.
    return replies.SOMETHING_FAILED
