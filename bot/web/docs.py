"""GET /api/v1/docs: Swagger UI for /api/v1/openapi.json, served from the files that the
flask-swagger-ui package ships (Swagger UI's own dist folder). The bot often runs without
internet, so the page loads nothing from anywhere else: its stylesheets, scripts and icons come
from /api/v1/docs/<file>, the document from /api/v1/openapi.json, and the online validator is off.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

DOCS_PATH = "/api/v1/docs"
DOCUMENT_PATH = "/api/v1/openapi.json"
SWAGGER_UI = Path(str(files("flask_swagger_ui").joinpath("dist")))
ASSETS = frozenset(
    {
        "swagger-ui.css",
        "index.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
        "favicon-16x16.png",
    }
)
"""The files the page loads: only these are served."""

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>actionbot ingest API</title>
  <link rel="stylesheet" href="{DOCS_PATH}/index.css">
  <link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{DOCS_PATH}/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="{DOCS_PATH}/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="{DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {{
      window.ui = SwaggerUIBundle({{
        url: "{DOCUMENT_PATH}",
        dom_id: "#swagger-ui",
        deepLinking: true,
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: "StandaloneLayout"
      }});
    }};
  </script>
</body>
</html>
"""


def routes() -> list[Blueprint]:
    docs = Blueprint("docs", __name__)

    @docs.get(DOCS_PATH)
    def page() -> Response:
        return Response(PAGE, 200, mimetype="text/html")

    @docs.get(f"{DOCS_PATH}/<name>")
    def asset(name: str) -> Response:
        if name not in ASSETS:
            abort(404)
        return send_from_directory(SWAGGER_UI, name, max_age=3600)

    return [docs]
