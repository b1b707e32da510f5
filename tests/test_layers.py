"""The import-linter contracts of pyproject.toml can fail: each forbidden import below,
written into a copy of src/, breaks exactly the contract meant to catch it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "forum_mgmt"
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]
ACROSS, INSIDE, WEB_ONLY = (
    "Domains depend left to right",
    "Inside a domain: web, then services, then tables",
    "Only app.py imports the web layer",
)


def _contract(name: str) -> dict:
    (found,) = [c for c in CONTRACTS if c["name"] == name]
    return found


def _lint_imports(copy: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(  # noqa: S603 - our own dev tool on our own copy
        [str(command), "--no-cache", "--config", str(copy / "pyproject.toml")],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy / "src")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(SRC, tmp_path / "src" / "forum_mgmt", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(copy: Path, module: str, line: str) -> None:
    path = copy / "src" / "forum_mgmt" / module
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(f"\n{line}\n")


def test_untouched_copy_keeps_every_contract(copy: Path) -> None:
    done = _lint_imports(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a service reaching up to its own domain's routes
        ("checkin/services/reading.py", "from forum_mgmt.checkin import routes", INSIDE),
        # a service of a right-hand domain importing a left-hand domain's routes: the
        # domain order allows it, only the web-layer contract refuses
        ("checkin/services/scan.py", "from forum_mgmt.agenda import routes", WEB_ONLY),
        # tables below services
        ("registration/tables.py", "from forum_mgmt.registration import services", INSIDE),
        # a left-hand domain's service using a right-hand domain
        ("forums/services.py", "from forum_mgmt.registration import services", ACROSS),
        # a new module no layer names, in a domain and at the top level
        ("registration/extras.py", "import datetime", INSIDE),
        ("venues/__init__.py", "import datetime", ACROSS),
    ],
)
def test_forbidden_import_breaks_its_contract(
    copy: Path, module: str, line: str, broken: str
) -> None:
    _append(copy, module, line)
    done = _lint_imports(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{broken} BROKEN" in done.stdout
    assert "Contracts: 2 kept, 1 broken." in done.stdout


def test_web_layer_may_call_services_of_a_right_hand_domain(copy: Path) -> None:
    # checkin is left of exports, yet its pages may use exports' services (STYLE.md)
    _append(copy, "checkin/pages.py", "from forum_mgmt.exports import services")
    done = _lint_imports(copy)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_domain_package_is_a_container_of_the_inside_contract() -> None:
    # core has no layers; the command line and the demo are packages but not domains
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")} - {"core", "cli", "demo"}
    containers = {c.removeprefix("forum_mgmt.") for c in _contract(INSIDE)["containers"]}
    assert containers == packages


def test_the_three_contracts_name_the_same_web_layer() -> None:
    top = _contract(INSIDE)["layers"][0]
    web = {name.strip().strip("()") for name in top.split("|")}
    forbidden = {m.removeprefix("forum_mgmt.*.") for m in _contract(WEB_ONLY)["forbidden_modules"]}
    app_may = {i.rpartition(".")[2] for i in _contract(WEB_ONLY)["ignore_imports"]}
    importers = {
        i.split("->")[0].strip().removeprefix("forum_mgmt.*.").removesuffix(".**")
        for i in _contract(ACROSS)["ignore_imports"]
    }
    assert web == forbidden == app_may == importers == {"routes", "workspace", "pages"}
