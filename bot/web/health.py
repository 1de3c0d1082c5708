"""GET /healthz: 200 when the database answers, 503 otherwise."""

from __future__ import annotations

from flask import Blueprint, Response

from bot.web.answers import Health
from bot.web.http import model_response
from storage.db import Database, DatabaseUnavailable


def routes(db: Database) -> list[Blueprint]:
    health = Blueprint("health", __name__)

    @health.get("/healthz")
    def healthz() -> Response:
        try:
            db.ping()
        except DatabaseUnavailable:
            return model_response(503, Health(status="unavailable", database="not answering"))
        return model_response(200, Health(status="ok"))

    return [health]
