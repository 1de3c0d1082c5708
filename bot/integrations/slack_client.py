"""The bot's Slack Web API client: slack_sdk's WebClient, counting every call it makes by method
and outcome (actionbot_slack_api_calls_total) for /metrics."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import metrics


class CountedWebClient(WebClient):
    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            limited = exc.response is not None and exc.response.status_code == 429
            metrics.slack_api_call(api_method, "ratelimited" if limited else "error")
            raise
        except Exception:
            metrics.slack_api_call(api_method, "error")
            raise
        metrics.slack_api_call(api_method, "ok")
        return response
