"""Sending a file to one person: a direct message between the bot and them, never a shared channel.

Slack's upload flow (files upload v2): conversations.open with the user gives the DM's channel,
files.getUploadURLExternal gives an upload URL (used exactly as returned) and a file id, the bytes
are POSTed there, and files.completeUploadExternal shares the file in the DM. The file is streamed
from disk, so its size does not matter to memory. Needs the bot scopes im:write and files:write.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

UPLOAD_TIMEOUT = 300


class UploadFailed(RuntimeError):
    """The file could not be delivered; the message says which step failed and why."""


@dataclass(frozen=True)
class Delivered:
    channel_id: str
    file_id: str


class DirectMessageFiles(Protocol):
    """Delivers a file to one person in a direct message; raises UploadFailed with the reason."""

    def send(
        self, user_id: str, path: Path, *, filename: str, title: str, comment: str
    ) -> Delivered: ...


@dataclass(frozen=True)
class SlackDirectMessageFiles:
    """DirectMessageFiles over Slack's upload flow, with the bot's Web API client."""

    client: WebClient

    def send(
        self, user_id: str, path: Path, *, filename: str, title: str, comment: str
    ) -> Delivered:
        return send_file_to_dm(
            self.client, user_id, path, filename=filename, title=title, comment=comment
        )


def send_file_to_dm(
    client: WebClient, user_id: str, path: Path, *, filename: str, title: str, comment: str
) -> Delivered:
    opened = _call("conversations.open", client.conversations_open, users=user_id)
    channel_id = str(opened["channel"]["id"])
    size = path.stat().st_size
    ticket = _call(
        "files.getUploadURLExternal",
        client.files_getUploadURLExternal,
        filename=filename,
        length=size,
    )
    upload_url, file_id = str(ticket["upload_url"]), str(ticket["file_id"])
    _post_bytes(upload_url, path, size)
    _call(
        "files.completeUploadExternal",
        client.files_completeUploadExternal,
        files=[{"id": file_id, "title": title}],
        channel_id=channel_id,
        initial_comment=comment,
    )
    return Delivered(channel_id, file_id)


def _call(method: str, function: Any, **arguments: Any) -> dict[str, Any]:
    try:
        response = function(**arguments)
    except SlackApiError as exc:
        raise UploadFailed(f"Slack {method} failed: {exc.response.get('error')}") from None
    except OSError as exc:
        raise UploadFailed(f"Slack {method} could not be reached: {exc}") from None
    return dict(response.data)


def _post_bytes(url: str, path: Path, size: int) -> None:
    """POST the file's bytes to the upload URL, read from disk in blocks as they are sent."""
    with path.open("rb") as body:
        request = urllib.request.Request(  # noqa: S310 (the URL is Slack's upload_url)
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
        )
        try:
            with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            raise UploadFailed(f"Slack refused the file upload (HTTP {exc.code})") from None
        except (urllib.error.URLError, OSError) as exc:
            raise UploadFailed(f"the file upload failed: {exc}") from None
