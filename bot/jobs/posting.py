"""The card poster's schedule: at once when actions arrive in this process (the ingest API rings
the context's doorbell), and every IDLE_SECONDS otherwise, so that actions that arrive by another
path (the CLI in another shell, another replica) reach the channel within seconds too."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.services.posting import CardPoster

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.5


def add_jobs(scheduler: BackgroundScheduler, context: BotContext) -> None:
    if context.settings.channel is None:
        log.warning(
            "ACTIONBOT_CHANNEL is not set: pending actions will not be posted to Slack "
            "(cards already posted are still kept up to date)"
        )
    # A job that runs four times a second would fill the log with APScheduler's per-run lines.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    job = scheduler.add_job(
        PostingTick(context.card_poster()),
        "interval",
        seconds=IDLE_SECONDS,
        id="post-cards",
        name="post cards",
        max_instances=2,
    )

    def post_now() -> None:
        if scheduler.running:
            job.modify(next_run_time=datetime.now(UTC))

    context.cards_owed.answer_with(post_now)


class PostingTick:
    """One run of the poster. A tick that finds the previous one still at work (Slack is slow)
    returns at once, so the scheduler never queues or warns about overlapping runs; a failure
    (the database is down, say) is logged once until it changes, not four times a second."""

    def __init__(self, poster: CardPoster) -> None:
        self.poster = poster
        self._busy = threading.Lock()
        self._last_failure: str | None = None

    def __call__(self) -> None:
        if not self._busy.acquire(blocking=False):
            return
        try:
            self.poster.run_once()
            self._last_failure = None
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"
            if failure != self._last_failure:
                log.exception("posting cards failed; retrying every %gs", IDLE_SECONDS)
            self._last_failure = failure
        finally:
            self._busy.release()
