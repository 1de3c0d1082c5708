"""Periodic work, each module with an `add_jobs(scheduler, context)` listed in bot.scheduling."""
