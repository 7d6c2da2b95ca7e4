"""The flows layer sits between the entry points and the apps' actions and selectors.

Entry points (web, api, management commands, allauth forms and adapters, jobs, the CLI) may
call a flow; a flow may call any app's actions and selectors but no entry point; nothing
below a flow imports one. import-linter is not a dependency of the project, so the contract
is checked here on the source itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import hostledger

PACKAGE = Path(hostledger.__file__).parent
ENTRY_POINT_PACKAGES = ("web", "api")
ENTRY_POINT_FILES = ("forms.py", "adapters.py", "jobs.py")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _is_entry_point(relative: Path) -> bool:
    parts = relative.parts
    return (
        parts[0] in ENTRY_POINT_PACKAGES
        or "management" in parts
        or parts[-1] in ENTRY_POINT_FILES
        or relative == Path("cli.py")
    )


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "migrations" not in relative.parts:
            yield relative, _imported_modules(path)


def test_only_entry_points_call_flows():
    offenders = [
        str(relative)
        for relative, imported in _modules()
        if relative.parts[0] != "flows"
        and not _is_entry_point(relative)
        and any(
            name == "hostledger.flows" or name.startswith("hostledger.flows.") for name in imported
        )
    ]
    assert offenders == []


def test_flows_call_no_entry_point():
    offenders = [
        f"{relative}: {name}"
        for relative, imported in _modules()
        if relative.parts[0] == "flows"
        for name in imported
        if name.startswith(("hostledger.web", "hostledger.api"))
        or ".management" in name
        or name.endswith((".forms", ".adapters", ".jobs"))
    ]
    assert offenders == []


def test_the_registration_entry_points_call_the_flow():
    """Sign-up (web and social, one form) and the demo data register through the flow."""
    for relative in ("accounts/forms.py", "accounts/management/commands/demo.py"):
        assert "hostledger.flows.registration" in _imported_modules(PACKAGE / relative)
