"""The card poster's schedule: a few times a second, so actions that arrive by any path (the CLI
in another shell, the ingest API, a sync, another replica) reach the channel within seconds."""

from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.services.posting import CardPoster, poster_for

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 0.25


def add_jobs(scheduler: BackgroundScheduler, context: BotContext) -> None:
    if context.settings.channel is None:
        log.warning(
            "ACTIONBOT_CHANNEL is not set: pending actions will not be posted to Slack "
            "(cards already posted are still kept up to date)"
        )
    # A job that runs four times a second would fill the log with APScheduler's per-run lines.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler.add_job(
        PostingTick(poster_for(context)),
        "interval",
        seconds=INTERVAL_SECONDS,
        id="post-cards",
        name="post cards",
        max_instances=2,
    )


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
                log.exception("posting cards failed; retrying every %gs", INTERVAL_SECONDS)
            self._last_failure = failure
        finally:
            self._busy.release()
