"""GET /metrics: the Prometheus text exposition of bot/metrics.py, with the database's gauges
read at scrape time. No token: it holds no secret, no user id and no email."""

from __future__ import annotations

import logging

from flask import Blueprint, Response
from sqlalchemy.exc import OperationalError

from bot.metrics import CONTENT_TYPE, DatabaseGauges, PendingFigures, scrape
from bot.web.http import error_response
from storage.db import Database, DatabaseUnavailable
from storage.gauges import pending_figures

log = logging.getLogger(__name__)


def routes(db: Database) -> list[Blueprint]:
    def read() -> PendingFigures:
        with db.read() as session:
            return pending_figures(session)

    gauges = DatabaseGauges(read)
    blueprint = Blueprint("metrics", __name__)

    @blueprint.get("/metrics")
    def serve_metrics() -> Response:
        try:
            body = scrape(gauges)
        except (OperationalError, DatabaseUnavailable):
            # Prometheus marks the target down; a partial scrape would read as zero pending.
            return error_response(503, "the database is not answering")
        return Response(body, 200, content_type=CONTENT_TYPE)

    return [blueprint]
