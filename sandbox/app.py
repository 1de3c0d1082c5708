"""`actionbot sandbox [--port PORT] [--data DIR]`: the real bot in HTTP mode (on a loopback port
of its own) with the local Slack stand-in, whose page, Web API and response URLs share PORT."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import signal
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from bot.cli import UsageError, open_database
from bot.run import RunningBot, start_bot
from bot.services import roles as role_service
from bot.services.ingest import ingest_input
from bot.settings import Settings
from sandbox.people import ACTIONS_CHANNEL, PEOPLE
from sandbox.seed import demo_actions, new_pending_action
from sandbox.slack import SlackStandIn

log = logging.getLogger("actionbot.sandbox")
SEEDED = "seeded"


@dataclass
class Sandbox:
    slack: SlackStandIn
    bot: RunningBot
    data: Path

    @property
    def url(self) -> str:
        return self.slack.url + "/"

    def close(self) -> None:
        self.slack.close()
        self.bot.close()


def sandbox_settings(data: Path, slack: SlackStandIn, ingest_token: str) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": "xoxb-sandbox-not-a-real-token",
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "ACTIONBOT_DATABASE_URL": f"sqlite:///{data / 'actionbot.sqlite3'}",
        "ACTIONBOT_CHANNEL": ACTIONS_CHANNEL,
        "ACTIONBOT_INGEST_TOKEN": ingest_token,
        "ACTIONBOT_ROLE_SOURCE": "local",
        "ACTIONBOT_ROLE_CACHE_SECONDS": 0,
    }
    return Settings(_env_file=None, **values)


def seed(settings: Settings, data: Path) -> None:
    """Demo people's roles and demo actions, once per data folder (a restart keeps them)."""
    db = open_database(settings)
    try:
        if (data / SEEDED).exists():
            return
        for person in PEOPLE:
            if person.roles:
                role_service.grant(db, person.email, person.roles, actor="sandbox")
        ingest_input(db, json.dumps(demo_actions()), actor="sandbox")
        (data / SEEDED).write_text("demo data and roles were added once\n")
    finally:
        db.dispose()


def start_sandbox(data: Path, *, host: str = "127.0.0.1", port: int = 3000) -> Sandbox:
    data.mkdir(parents=True, exist_ok=True)
    slack = SlackStandIn(signing_secret=secrets.token_hex(16), state_file=data / "slack.json")
    try:
        slack.listen(host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    ingest_token = secrets.token_urlsafe(16)
    settings = sandbox_settings(data, slack, ingest_token)
    slack.serve_in_background()  # the bot's auth.test at start-up is answered by it
    try:
        seed(settings, data)
        bot = start_bot(settings, mode="http", host="127.0.0.1", port=0, scheduler=True)
    except BaseException:
        slack.close()
        raise
    bot.server.start()
    slack.bot_events_url = bot.server.url + "/slack/events"

    def add_pending_action() -> Any:
        request = urllib.request.Request(  # noqa: S310 (the bot's own loopback URL)
            bot.server.url + "/api/v1/actions",
            data=new_pending_action(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {ingest_token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return {"status": error.code, "body": error.read().decode(errors="replace")}

    slack.ingest = add_pending_action
    return Sandbox(slack, bot, data)


@contextmanager
def data_folder(given: str | None) -> Iterator[Path]:
    if given:
        yield Path(given).expanduser().resolve()
        return
    folder = Path(tempfile.mkdtemp(prefix="actionbot-sandbox-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(port: int, data: str | None) -> int:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with data_folder(data) as folder:
        sandbox = start_sandbox(folder, port=port)

        def stop(signum: int, _frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        print(
            f"actionbot sandbox: open {sandbox.url}  (data in {folder}; Ctrl-C stops)", flush=True
        )
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.close()
    return 0
