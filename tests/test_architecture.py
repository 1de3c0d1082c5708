"""The arrows point one way (STYLE.md): read every module's imports and check them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> module prefixes it must never import
FORBIDDEN = {
    "bot/domain": (
        "slack_bolt",
        "slack_sdk",
        "sqlalchemy",
        "alembic",
        "storage",
        "bot.services",
        "bot.views",
        "bot.listeners",
        "bot.web",
        "bot.integrations",
    ),
    "storage": ("bot.services", "bot.listeners", "bot.web", "slack_bolt", "slack_sdk"),
    "bot/views": ("sqlalchemy", "storage", "bot.services", "bot.listeners", "bot.web"),
    "bot/services": (
        "bot.web",
        "bot.views",
        "bot.listeners",
        "bot.context",
        "bot.runtime",
        "slack_sdk",
        "slack_bolt",
    ),
    "bot/integrations": ("bot.web", "bot.listeners", "bot.views", "bot.services"),
    "bot/listeners": ("bot.web",),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def violations(root: Path, package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(root)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"{package} has no modules to check"
    assert violations(ROOT, package, FORBIDDEN[package]) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bot" / "domain" / "sneaky.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import os\nfrom sqlalchemy.orm import Session\nimport slack_sdk.web\n"
        "from storage import models\nfrom . import catalog\n"
    )
    assert violations(tmp_path, "bot/domain", FORBIDDEN["bot/domain"]) == [
        "bot/domain/sneaky.py imports slack_sdk.web",
        "bot/domain/sneaky.py imports sqlalchemy.orm",
        "bot/domain/sneaky.py imports sqlalchemy.orm.Session",
        "bot/domain/sneaky.py imports storage",
        "bot/domain/sneaky.py imports storage.models",
    ]
