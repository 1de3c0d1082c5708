"""Executors carry approved actions out in the system they belong to (Defender for Endpoint,
Microsoft Graph). Each sits behind the small protocol below; `none` (the default) carries nothing
out, and the card of an approved action says so.

The contract between the bot and an executor:

- The bot hands over an `ExecutionRequest` after the approval is committed, outside any
  transaction: the action as approved, and who approved it.
- The executor answers with an `ExecutionResult`: the status the action reached (`in-progress`
  while the remote system works on it, or `completed` / `failed` / `cancelled`), a detail line
  for the card and the audit trail, and the remote system's own reference to follow it up with.
- Throttling and transient failures are retried inside the executor; a final failure is a result
  with status `failed` and the reason, never an exception that leaves the action silently approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.catalog import ActionType
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status


@dataclass(frozen=True)
class ExecutionRequest:
    action: ActionRecord
    approved_by: str
    """The approver's Slack user ID (or the CLI/API actor)."""
    approved_by_email: str | None


@dataclass(frozen=True)
class ExecutionResult:
    status: Status
    """in-progress, completed, failed or cancelled."""
    detail: str | None = None
    remote_id: str | None = None
    """The remote system's id of the work (a Defender machine action id, say), to follow it up."""


class Executor(Protocol):
    name: str

    def supports(self, action_type: ActionType) -> bool:
        """Whether approving an action of this type makes this executor carry it out."""
        ...

    def execute(self, request: ExecutionRequest) -> ExecutionResult:
        """Start carrying out an approved action (only called for supported types)."""
        ...

    def follow(self, action: ActionRecord, remote_id: str) -> ExecutionResult:
        """The current state of work started earlier."""
        ...


class NoExecutor:
    """ACTIONBOT_EXECUTOR=none: approvals are recorded and carried out by people, in the portal."""

    name = "none"

    def supports(self, action_type: ActionType) -> bool:
        return False

    def execute(self, request: ExecutionRequest) -> ExecutionResult:
        raise NotImplementedError("the 'none' executor carries nothing out")

    def follow(self, action: ActionRecord, remote_id: str) -> ExecutionResult:
        raise NotImplementedError("the 'none' executor carries nothing out")


class ExecutorUnavailable(RuntimeError):
    """ACTIONBOT_EXECUTOR names an executor this build cannot provide; the bot does not start."""


def executor_for(name: str) -> Executor:
    """The executor named by ACTIONBOT_EXECUTOR. Only `none` exists so far."""
    if name == "none":
        return NoExecutor()
    raise ExecutorUnavailable(
        f"ACTIONBOT_EXECUTOR: the {name!r} executor is not available in this version (use none)"
    )
