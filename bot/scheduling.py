"""Periodic work (posting cards, reminders, expiry, digests, sync) on one APScheduler.

Each feature adds a function to SCHEDULED that adds its jobs. `actionbot run --no-scheduler`
starts none of them, for extra replicas beside one that does.
"""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.jobs import clicks, posting

AddJobs = Callable[[BackgroundScheduler, BotContext], None]
SCHEDULED: list[AddJobs] = []
SCHEDULED.append(posting.add_jobs)
SCHEDULED.append(clicks.add_jobs)


def start_scheduler(context: BotContext) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1}
    )
    for add_jobs in SCHEDULED:
        add_jobs(scheduler, context)
    scheduler.start()
    return scheduler
