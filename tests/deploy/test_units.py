"""deploy/systemd's units are valid for systemd (`systemd-analyze verify`), with their
forum-mgmt command pointed at this checkout's, and start what the CLI has."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forum_mgmt.cli import parser

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
INSTALLED = "/srv/forum-mgmt/app/.venv/bin/forum-mgmt"


def test_every_unit_runs_a_command_of_the_cli():
    for unit in UNITS.glob("*.service"):
        line = re.search(r"^ExecStart=(\S+) (.+)$", unit.read_text(), re.MULTILINE)
        assert line.group(1) == INSTALLED, unit.name
        words = [w for w in line.group(2).split() if not w.startswith("${")]
        words = [w for w in words if not w.startswith("--")]
        parsed = parser().parse_args([*words, *(["--port", "1"] if "serve" in words else [])])
        assert parsed.run is not None


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    command = Path(sys.executable).with_name("forum-mgmt")
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(command)))
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
