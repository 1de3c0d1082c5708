"""Production never imports the sandbox: only the `sandbox` command's entry does, inside the
function that runs it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sandbox_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, at module level) of every import of the sandbox package in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "sandbox" or name.startswith("sandbox.") for name in names):
            found.append((node.lineno, id(node) in top_level))
    return found


def test_the_bot_and_storage_never_import_the_sandbox_at_module_level() -> None:
    offenders = []
    for package in ("bot", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for line, top in sandbox_imports(path):
                if top or path.name != "sandbox_entry.py":
                    offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []


def test_the_sandbox_command_imports_it_lazily() -> None:
    assert sandbox_imports(ROOT / "bot" / "sandbox_entry.py") == [(20, False)]
