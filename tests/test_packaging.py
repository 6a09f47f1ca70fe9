"""The wheel carries the templates and message catalogs, and installs a working command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy of the sources: setuptools reuses a checkout's build/ folder, whose
    # stale modules would hide a package missing from pyproject.toml.
    source = tmp_path_factory.mktemp("source") / "reportgen"
    top_level = {".git", ".venv", "build", "dist", "outputs", "benchmarks", "tests"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", "_cache"))}
        return skipped | (top_level & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, source, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("reportgen-*.whl")
    return path


@pytest.mark.slow
def test_wheel_ships_templates_catalogs_and_entry_point(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_file()):
        assert f"reportgen/templates/{template}" in names, template
    catalogs = sorted(p.relative_to(ROOT).as_posix()
                      for p in (ROOT / "reportgen" / "locale").glob("*/LC_MESSAGES/*.[mp]o"))
    assert len(catalogs) >= 2 * 2 * 7  # en and zh, .po and .mo, seven domains
    assert [c for c in catalogs if c not in names] == []
    assert "reportgen/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "reportgen = reportgen.cli.app:main" in text


@pytest.mark.slow
def test_wheel_holds_every_module_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "reportgen").rglob("*.py"))
    assert [m for m in modules if m not in names] == [], "list the sub-package in pyproject.toml"


@pytest.mark.slow
def test_installed_wheel_finds_its_templates(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    code = ("import reportgen.documents.assets as a, reportgen.i18n as i; "
            "print(a.templates_dir()); print(i.gettext('Account plans', 'zh')); "
            "print(i.gettext('Show this message and exit.', 'zh'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    templates, words, click_words = result.stdout.splitlines()
    assert Path(templates) == target / "reportgen" / "templates"
    assert words == "客户计划"
    assert click_words == "显示此帮助信息并退出。"  # from the compiled click.mo
