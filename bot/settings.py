"""Settings, from the environment and a `.env` file in the working directory (CONTRACT.md §4).

Built once in main() and passed down. A missing or malformed setting is one line naming the
variable (see `describe_settings_error`). Secrets are SecretStr so they never print.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.durations import parse_duration
from storage.db import DEFAULT_DATABASE_URL, normalize_url


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _database_url(value: Any) -> Any:
    if isinstance(value, str):
        normalize_url(value)  # raises ValueError with a reason
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
CommaList = Annotated[list[str], NoDecode, BeforeValidator(_comma_list)]


def env(name: str) -> Any:
    """An optional setting read from the variable `name`."""
    return Field(None, validation_alias=name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", env_ignore_empty=True, populate_by_name=False
    )

    slack_bot_token: SecretStr | None = env("SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = env("SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = env("SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_URL")

    database_url: Annotated[str, BeforeValidator(_database_url)] = Field(
        DEFAULT_DATABASE_URL, validation_alias="ACTIONBOT_DATABASE_URL"
    )
    channel: str | None = env("ACTIONBOT_CHANNEL")
    ingest_token: SecretStr | None = env("ACTIONBOT_INGEST_TOKEN")
    role_source: Literal["local", "graph"] = Field(
        "local", validation_alias="ACTIONBOT_ROLE_SOURCE"
    )
    role_cache_seconds: int = Field(60, ge=0, validation_alias="ACTIONBOT_ROLE_CACHE_SECONDS")
    allowed_team_ids: CommaList = Field(
        default_factory=list, validation_alias="ACTIONBOT_ALLOWED_TEAM_IDS"
    )
    executor: Literal["none", "defender"] = Field("none", validation_alias="ACTIONBOT_EXECUTOR")
    remind_after: Duration = Field(timedelta(hours=4), validation_alias="ACTIONBOT_REMIND_AFTER")
    expire_after: Duration = Field(timedelta(days=7), validation_alias="ACTIONBOT_EXPIRE_AFTER")
    host: str = Field("127.0.0.1", validation_alias="ACTIONBOT_HOST")
    port: int = Field(3000, ge=0, le=65535, validation_alias="ACTIONBOT_PORT")
    work_threads: int = Field(4, ge=1, le=64, validation_alias="ACTIONBOT_WORK_THREADS")
    """Threads for the work after an ack (clicks) and, as many again, for `/actions` replies."""
    slack_timeout: int = Field(5, ge=1, le=60, validation_alias="ACTIONBOT_SLACK_TIMEOUT")
    """Seconds one Slack Web API call of a click or command may take before it is given up."""

    tenant_id: str | None = env("ACTIONBOT_TENANT_ID")
    client_id: str | None = env("ACTIONBOT_CLIENT_ID")
    client_secret: SecretStr | None = env("ACTIONBOT_CLIENT_SECRET")
    login_url: str = Field(
        "https://login.microsoftonline.com", validation_alias="ACTIONBOT_LOGIN_URL"
    )
    graph_url: str = Field("https://graph.microsoft.com", validation_alias="ACTIONBOT_GRAPH_URL")
    defender_url: str = Field(
        "https://api.security.microsoft.com", validation_alias="ACTIONBOT_DEFENDER_URL"
    )
    graph_scope: str = Field(
        "https://graph.microsoft.com/.default", validation_alias="ACTIONBOT_GRAPH_SCOPE"
    )
    defender_scope: str = Field(
        "https://api.securitycenter.microsoft.com/.default",
        validation_alias="ACTIONBOT_DEFENDER_SCOPE",
    )
    active_remediation_group_ids: CommaList = Field(
        default_factory=list, validation_alias="ACTIONBOT_ACTIVE_REMEDIATION_GROUP_IDS"
    )
    search_and_purge_group_ids: CommaList = Field(
        default_factory=list, validation_alias="ACTIONBOT_SEARCH_AND_PURGE_GROUP_IDS"
    )


def describe_settings_error(error: ValidationError) -> str:
    """One line naming the variable at fault (the first, when several are)."""
    first = error.errors(include_url=False)[0]
    variable = str(first["loc"][0]) if first["loc"] else "settings"
    message = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    shown = ""
    if isinstance(value, str | int) and not _secret(variable) and repr(value) not in message:
        shown = f" (got {value!r})"
    more = len(error.errors()) - 1
    tail = f"; and {more} more setting(s) at fault" if more else ""
    return f"{variable}: {message}{shown}{tail}"


def _secret(variable: str) -> bool:
    return any(word in variable for word in ("TOKEN", "SECRET", "DATABASE_URL"))
