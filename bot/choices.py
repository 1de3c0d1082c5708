"""The integrations a running bot is configured to use, checked before it starts (CONTRACT.md
section 9): a value this build cannot serve, or one whose own settings are missing, stops
`actionbot run` with one line naming the variable. The bot never falls back to local roles or to
no executor on its own.

Unknown values (`ACTIONBOT_ROLE_SOURCE=ldap`) are already refused when the settings are read
(they are Literal fields); this module refuses the known ones that cannot be honoured.
"""

from __future__ import annotations

from bot.settings import Settings

MICROSOFT_SETTINGS = (
    ("ACTIONBOT_TENANT_ID", "tenant_id"),
    ("ACTIONBOT_CLIENT_ID", "client_id"),
    ("ACTIONBOT_CLIENT_SECRET", "client_secret"),
)
AVAILABLE_ROLE_SOURCES = frozenset({"local"})
AVAILABLE_EXECUTORS = frozenset({"none"})


class UnusableChoice(ValueError):
    """A setting names an integration that cannot be used as configured; the message is the one
    line to show, starting with the variable's name."""


def check_choices(settings: Settings) -> None:
    """Raise UnusableChoice for the first role source or executor setting that cannot be
    honoured: its own settings missing first, then whether this build has it at all."""
    for variable, value, available in (
        ("ACTIONBOT_ROLE_SOURCE", settings.role_source, AVAILABLE_ROLE_SOURCES),
        ("ACTIONBOT_EXECUTOR", settings.executor, AVAILABLE_EXECUTORS),
    ):
        if value in available:
            continue
        for needed, field in MICROSOFT_SETTINGS:
            if getattr(settings, field) is None:
                raise UnusableChoice(f"{variable}={value} needs {needed}, which is not set")
        raise UnusableChoice(
            f"{variable}={value} is not yet available in this version; "
            f"use {' or '.join(sorted(available))} until it lands"
        )
