"""The sandbox in a real browser (Debian's chromium, headless, driven by Playwright): what a new
user sees when they try actionbot without a Slack workspace. Each step leaves a screenshot in
test-artifacts/sandbox/; the first one is also README's picture (docs/sandbox.png)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from sandbox.app import Sandbox, start_sandbox

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "sandbox"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


NO_ROLE = "Noah Norole: no role"
GLOBAL_ADMIN = "Grace Admin: Global Administrator"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    running = start_sandbox(tmp_path_factory.mktemp("sandbox"), port=0)
    yield running
    running.close()


@pytest.fixture(scope="module")
def page(sandbox: Sandbox) -> Iterator[Page]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.set_default_timeout(15_000)
        page.goto(sandbox.url)
        yield page
        browser.close()


def shot(page: Page, name: str, showing: Locator | None = None) -> None:
    if showing is not None:
        showing.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def pick(page: Page, label: str) -> None:
    page.get_by_label("Acting as").select_option(label=label)


def card(page: Page, title: str) -> Locator:
    """The channel message (not an ephemeral reply) whose first line names `title`."""
    return page.locator("#messages .message:not(.ephemeral)").filter(has_text=title).first


def command(page: Page, text: str) -> None:
    box = page.get_by_label("Message")
    box.fill(text)
    box.press("Enter")


def test_a_new_user_sees_cards_of_pending_actions(page: Page) -> None:
    expect(card(page, "Isolate device is waiting for approval")).to_be_visible()
    expect(page.get_by_role("button", name="Approve").first).to_be_visible()
    shot(page, "01-cards")
    # README's picture: made here, written when missing or asked for (so that a test run does not
    # leave the work tree changed): ACTIONBOT_SANDBOX_SCREENSHOT=update ./scripts/test tests/sandbox
    readme_picture = ROOT / "docs" / "sandbox.png"
    if not readme_picture.exists() or os.environ.get("ACTIONBOT_SANDBOX_SCREENSHOT") == "update":
        readme_picture.parent.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / "01-cards.png", readme_picture)


def test_no_role_is_refused_with_the_role_that_would_allow_it(page: Page) -> None:
    pick(page, NO_ROLE)
    target = card(page, "Run antivirus scan is waiting for approval")
    target.get_by_role("button", name="Approve").click()
    refusal = page.locator(".message.ephemeral").filter(has_text="Nothing was changed")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Global Administrator")
    expect(refusal).to_contain_text("Only visible to you")
    shot(page, "02-refused", refusal)

    pick(page, GLOBAL_ADMIN)
    expect(page.locator(".message.ephemeral")).to_have_count(0)
    shot(page, "03-refusal-gone")


def test_an_external_slack_connect_user_is_refused(page: Page) -> None:
    pick(page, "Xavier External: external Slack Connect user")
    card(page, "Release from isolation is waiting for approval").get_by_role(
        "button", name="Approve"
    ).click()
    refusal = page.locator(".message.ephemeral").filter(has_text="Nothing was changed")
    expect(refusal).to_be_visible()
    shot(page, "03b-external-refused", refusal)
    expect(card(page, "Release from isolation is waiting for approval")).to_be_visible()


def test_approve_asks_to_confirm_then_changes_the_card_in_place(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    target = card(page, "Offboard machine is waiting for approval")
    message_id = target.get_attribute("data-message-id")
    target.get_by_role("button", name="Approve").click()
    confirm = page.locator("#confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Offboard machine on")
    expect(confirm.locator("b")).to_have_text("Offboard machine")  # mrkdwn, rendered
    expect(confirm).to_contain_text("cannot be undone")
    shot(page, "04-confirm")
    confirm.get_by_role("button", name="Approve").click()
    same = page.locator(f'[data-message-id="{message_id}"]')
    expect(same).to_contain_text("Offboard machine was approved")
    expect(same).to_contain_text("Grace Admin")
    expect(same.get_by_role("button", name="Approve")).to_have_count(0)
    shot(page, "05-approved", same)


def test_cancel_in_the_confirm_dialog_changes_nothing(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    target = card(page, "Hard delete email is waiting for approval")
    target.get_by_role("button", name="Approve").click()
    page.locator("#confirm").get_by_role("button", name="Cancel").click()
    expect(page.locator("#confirm")).to_be_hidden()
    page.wait_for_timeout(1000)
    expect(target.get_by_role("button", name="Approve")).to_be_visible()


def test_reject_with_a_reason_through_the_modal(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    target = card(page, "Collect investigation package is waiting for approval")
    message_id = target.get_attribute("data-message-id")
    target.get_by_role("button", name="Reject").click()
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    modal.get_by_role("button", name="Reject").click()  # no reason yet: the bot says so
    expect(modal.locator(".error")).not_to_be_empty()
    expect(modal).to_be_visible()
    modal.locator("textarea, input").first.fill("Device is the CFO's; scan first")
    shot(page, "06-reject-modal")
    modal.locator(".submit").click()
    expect(modal).to_be_hidden()
    same = page.locator(f'[data-message-id="{message_id}"]')
    expect(same).to_contain_text("Device is the CFO's; scan first")
    expect(same.get_by_role("button", name="Reject")).to_have_count(0)
    shot(page, "07-rejected", same)


def test_history_command_lists_rows(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    command(page, "/actions history 6months")
    reply = page.locator(".message.ephemeral").last
    expect(reply).to_contain_text("A-", timeout=15_000)
    expect(reply).to_contain_text("Only visible to you")
    shot(page, "08-history", reply)


def test_misspelt_command_gets_a_usage_reply(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    command(page, "/actions histroy")
    reply = page.locator(".message.ephemeral").filter(has_text="Usage")
    expect(reply.last).to_be_visible()
    shot(page, "09-usage", reply.last)


def test_export_arrives_in_the_dm_as_a_csv_to_download(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    command(page, "/actions export 6months")
    page.get_by_role("link", name="actionbot (DM)").click()
    file_link = page.locator("#messages a.file").first
    expect(file_link).to_be_visible(timeout=20_000)
    shot(page, "10-export-dm", file_link)
    with page.expect_download() as download_info:
        file_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "A-" in content
    assert len(content.splitlines()) > 20
    page.get_by_role("link", name="# security-approvals").click()


def test_add_pending_action_posts_a_new_card_without_reloading(page: Page) -> None:
    pick(page, GLOBAL_ADMIN)
    expect(page.locator("#channel-title")).to_have_text("# security-approvals")
    expect(card(page, "Isolate device")).to_be_visible()
    before = page.locator("#messages .message:not(.ephemeral)").count()
    page.get_by_role("button", name="Add pending action").click()
    expect(page.locator("#messages .message:not(.ephemeral)")).to_have_count(before + 1)
    newest = page.locator("#messages .message:not(.ephemeral)").last
    expect(newest).to_contain_text("is waiting for approval")
    shot(page, "11-added", newest)
