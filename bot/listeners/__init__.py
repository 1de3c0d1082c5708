"""Bolt listeners, grouped by kind. Each module has `register(app, context)`."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.context import BotContext
from bot.listeners import approvals, errors

Register = Callable[[App, BotContext], None]
LISTENER_MODULES: list[Register] = []
"""Every listener module's register function, in the order they are registered."""
LISTENER_MODULES.append(errors.register)
LISTENER_MODULES.append(approvals.register)


def register_all(app: App, context: BotContext) -> None:
    for register in LISTENER_MODULES:
        register(app, context)


from bot.listeners import commands as _commands  # noqa: E402 (modules register in this order)

LISTENER_MODULES.append(_commands.register)
