"""GET /api/v1/docs: a page for the OpenAPI document that works without internet, over HTTP."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.running_bot import BotUnderTest

CHROMIUM = Path("/usr/bin/chromium")


class References(HTMLParser):
    """Every URL the page loads: stylesheets, icons and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and found.get(name):
                self.urls.append(str(found[name]))


def test_the_docs_page_loads_only_the_bots_own_files(bot: BotUnderTest) -> None:
    answer = bot.request("GET", "/api/v1/docs")  # no token needed, like the document
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    page = answer.body.decode()
    assert '"/api/v1/openapi.json"' in page
    assert "validatorUrl: null" in page  # Swagger UI would otherwise ask an online validator
    assert "://" not in page
    references = References()
    references.feed(page)
    assert len(references.urls) == 6
    for url in references.urls:
        assert url.startswith("/api/v1/docs/"), url
        asset = bot.request("GET", url)
        assert asset.status == 200, url
        assert len(asset.body) > 100, url
    script = bot.request("GET", "/api/v1/docs/swagger-ui-bundle.js")
    assert "javascript" in script.headers["Content-Type"]
    assert b"SwaggerUIBundle" in script.body
    css = bot.request("GET", "/api/v1/docs/swagger-ui.css")
    assert css.headers["Content-Type"].startswith("text/css")


def test_only_the_pages_files_are_served(bot: BotUnderTest) -> None:
    for path in (
        "/api/v1/docs/oauth2-redirect.html",
        "/api/v1/docs/..%2F..%2Fflask_swagger_ui.py",
        "/api/v1/docs/LICENSE",
        "/api/v1/docs/nothing.js",
    ):
        answer = bot.request("GET", path)
        assert answer.status == 404, path
        assert answer.json() == {"error": f"no such endpoint: {answer_path(path)}"}


def answer_path(path: str) -> str:
    return path.replace("%2F", "/")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_docs_page_shows_the_api_in_a_browser_asking_only_the_bot(bot: BotUnderTest) -> None:
    from playwright.sync_api import expect, sync_playwright

    asked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            page.on("request", lambda request: asked.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(bot.url + "/api/v1/docs")
            expect(page.get_by_text("/api/v1/actions/{id}/status")).to_be_visible(timeout=15000)
            expect(page.get_by_text("/api/v1/actions", exact=True)).to_be_visible()
        finally:
            browser.close()
    assert errors == []
    assert bot.url + "/api/v1/openapi.json" in asked
    assert [url for url in asked if not url.startswith(bot.url + "/")] == []
