"""Every real-world workbook in ../shared/realdata is read or refused cleanly by `check`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from tests.workbooks import REALDATA

FILES = sorted(p for p in REALDATA.glob("*/*") if p.is_file() and p.name != "SOURCES.md") if (
    REALDATA.is_dir()) else []

pytestmark = pytest.mark.realdata


@pytest.mark.skipif(not FILES, reason="../shared/realdata is not available")
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_check_reads_or_refuses_cleanly(source: Path, tmp_path):
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copyfile(source, inputs / source.name)  # a link out of the folder is not read
    result = CliRunner().invoke(cli, ["check", "--inputs", str(inputs)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "unexpected problem" not in result.output
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        # Each error line names the file (or says no Sales sheet was found in it).
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert errors, result.output
        assert all(source.name in line or "no Sales sheet" in line or "no Clients sheet"
                   in line for line in errors), result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
