"""Clicks left unanswered by a process that died (services.clicks): looked for at start-up and
every RESUME_SECONDS, and each clicker answered as if the bot had never stopped."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.listeners.approvals import answer
from bot.services.approvals import Decided
from bot.services.clicks import Resumed, TooLate, click_answered, click_lease, resume_clicks
from bot.views import replies

log = logging.getLogger(__name__)

RESUME_SECONDS = 10


def add_jobs(scheduler: BackgroundScheduler, context: BotContext) -> None:
    scheduler.add_job(
        ResumeClicks(context),
        "interval",
        seconds=RESUME_SECONDS,
        next_run_time=datetime.now(UTC),
        id="resume-clicks",
        name="resume clicks",
    )


class ResumeClicks:
    def __init__(self, context: BotContext) -> None:
        self.context = context
        self.poster = context.card_poster()
        self.lease = click_lease(context.settings.slack_timeout)

    def __call__(self) -> None:
        context = self.context
        for settled in resume_clicks(context.db, context.resolver, self.lease):
            self.tell(settled)
            click_answered(context.db, settled.click_id)

    def tell(self, settled: Resumed | TooLate) -> None:
        click, client = settled.click, self.context.client
        if isinstance(settled, TooLate):
            text = replies.click_not_applied(click.ref.value, click.decision, settled.received_at)
        elif isinstance(settled.outcome, Decided):
            if settled.outcome.card is not None:
                self.poster.deliver(settled.outcome.card)
            text = replies.click_applied_late(click.ref.value, click.decision, settled.received_at)
        else:
            answer(
                client, self.poster, settled.outcome, channel=click.channel_id, user=click.user_id
            )
            return
        log.info("answered a click of %s left over from before a restart", click.user_id)
        if click.channel_id:
            client.chat_postEphemeral(channel=click.channel_id, user=click.user_id, text=text)
        else:
            client.chat_postMessage(channel=click.user_id, text=text)
