"""`actionbot run`: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise.

The HTTP server (both modes) serves the ingest API and health on HOST:PORT; in HTTP mode it also
serves Slack's requests on /slack/events. The schema is brought up to date before anything starts.
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from bot.choices import UnusableChoice, check_choices
from bot.cli import EXIT_OK, SubParsers, UsageError, command, extra_parser, open_database
from bot.integrations.executors import ExecutorUnavailable
from bot.runtime import Runtime, SlackUnavailable, build_runtime
from bot.scheduling import start_scheduler
from bot.settings import Settings
from bot.socket_mode import CountedSocketModeHandler
from bot.web.server import HttpServer, PortUnavailable

log = logging.getLogger("actionbot")


@extra_parser
def _arguments(sub: SubParsers) -> None:
    run = sub.add_parser("run", help="run the bot")
    run.add_argument(
        "--mode", choices=("socket", "http"), help="default: socket when SLACK_APP_TOKEN is set"
    )
    run.add_argument("--host", help="default: ACTIONBOT_HOST or 127.0.0.1")
    run.add_argument("--port", type=int, help="default: ACTIONBOT_PORT or 3000")
    run.add_argument("--no-scheduler", action="store_true", help="run no periodic work")


def required_settings(settings: Settings, mode: str) -> None:
    """Fail with one line naming the first variable this mode needs and lacks."""
    needs = [("SLACK_BOT_TOKEN", settings.slack_bot_token, "to call Slack's Web API")]
    if mode == "http":
        needs.append(
            (
                "SLACK_SIGNING_SECRET",
                settings.slack_signing_secret,
                "to verify Slack's requests in HTTP mode",
            )
        )
    else:
        needs.append(("SLACK_APP_TOKEN", settings.slack_app_token, "for Socket Mode"))
    for variable, value, why in needs:
        if value is None:
            raise UsageError(f"{variable} is not set: it is needed {why}")


@dataclass
class RunningBot:
    """Everything `actionbot run` started, so that it can all be stopped together."""

    runtime: Runtime
    server: HttpServer
    scheduler: BackgroundScheduler | None
    socket_mode: CountedSocketModeHandler | None

    def close(self) -> None:
        """Stop the periodic work first (a round in progress ends before its next card), then
        the connections; each step runs even if one before it failed."""
        self.runtime.context.stopping.set()
        try:
            if self.scheduler is not None:
                self.scheduler.shutdown(wait=False)
        finally:
            try:
                self.server.close()
            finally:
                try:
                    if self.socket_mode is not None:
                        self.socket_mode.close()
                finally:
                    self.runtime.context.db.dispose()


def start_bot(
    settings: Settings, *, mode: str, host: str, port: int, scheduler: bool
) -> RunningBot:
    """Start everything but the HTTP server's loop; raises UsageError with one clear line."""
    try:
        check_choices(settings)  # never served by local roles or no executor instead
    except UnusableChoice as exc:
        raise UsageError(str(exc)) from None
    required_settings(settings, mode)
    db = open_database(settings)
    try:
        runtime = build_runtime(settings, db, serve_slack_http=mode == "http")
        server = HttpServer(runtime.web, host, port)
    except (SlackUnavailable, PortUnavailable, ExecutorUnavailable) as exc:
        db.dispose()
        raise UsageError(str(exc)) from None
    jobs = start_scheduler(runtime.context) if scheduler else None
    socket_mode = None
    if mode == "socket":
        assert settings.slack_app_token is not None
        socket_mode = CountedSocketModeHandler(
            runtime.bolt,
            settings.slack_app_token.get_secret_value(),
            runtime.context.requests,
        )
        socket_mode.connect()
    return RunningBot(runtime, server, jobs, socket_mode)


@contextmanager
def _silent_start_up() -> Iterator[None]:
    """Start-up says nothing but its one line when it fails (CONTRACT.md section 3): the
    libraries' own log lines (migrations, Slack's retries) are dropped until the bot runs."""
    silence = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(silence)
    try:
        yield
    finally:
        root.removeHandler(silence)


@command("run")
def run(args: argparse.Namespace, settings: Settings) -> int:
    mode = args.mode or ("socket" if settings.slack_app_token else "http")
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    with _silent_start_up():
        bot = start_bot(settings, mode=mode, host=host, port=port, scheduler=not args.no_scheduler)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping (signal %d)", signum)
        bot.server.close()

    signal.signal(signal.SIGTERM, stop)
    # Everything built so far (modules, the ORM's mappers, Bolt's app) lives as long as the
    # process: frozen, it is left out of the collector's full passes, which otherwise stop every
    # thread for ~80 ms (the slowest acks of bench/clicks.py) and now take ~9 ms.
    gc.freeze()
    log.info("actionbot running in %s mode; HTTP on %s", mode, bot.server.url)
    try:
        bot.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    return EXIT_OK
