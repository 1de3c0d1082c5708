"""GET /healthz: 200 when the database answers, 503 otherwise."""

from __future__ import annotations

from bot.web.http import Request, Response, Route
from storage.db import Database, DatabaseUnavailable


def routes(db: Database) -> list[Route]:
    def healthz(_request: Request) -> Response:
        try:
            db.ping()
        except DatabaseUnavailable:
            return Response.json(503, {"status": "unavailable", "database": "not answering"})
        return Response.json(200, {"status": "ok"})

    return [Route("GET", "/healthz", healthz)]
