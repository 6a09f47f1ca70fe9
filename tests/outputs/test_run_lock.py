"""Two runs at once on the same output folder: one writes, the other waits or stops.

Real processes: the first run is paused (SIGSTOP) while it holds the month's lock, so the
second one meets it for certain; then the first goes on. Afterwards the folder holds one run's
documents, whole, and the manifest lists exactly those files.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen.cli.app import cli
from reportgen.outputs.lock import RUN_LOCK
from tests.outputs.test_interrupt import MONTH, small_dataset

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                 reason="needs /proc to see which files a process holds")]


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """``reportgen run`` on the small dataset, in its own process."""
    command = [sys.executable, "-m", "reportgen", "run", "--inputs", str(tmp_path / "inputs"),
               "--out", str(tmp_path / "out"), "--month", MONTH, "--jobs", "1", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=tmp_path)


def _until(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def _opened(proc: subprocess.Popen[str], path: Path) -> bool:
    """Whether the process has ``path`` open (it waits on the lock once it has)."""
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{proc.pid}/fd").iterdir())
    except OSError:
        return False


@pytest.fixture
def paused(tmp_path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A first run, in English, stopped while it holds the month's lock."""
    small_dataset(tmp_path / "inputs")
    lock = tmp_path / "out" / MONTH / RUN_LOCK
    for _attempt in range(5):
        first = _start(tmp_path, "--lang", "en")
        _until(lambda: (lock.is_file() and lock.read_text().startswith(f"{first.pid} "))
               or first.poll() is not None, "the first run to take the lock")
        if first.poll() is not None:
            assert first.returncode == 0, first.communicate()[0]
            continue  # it finished before it was seen holding the lock: start again
        first.send_signal(signal.SIGSTOP)
        if lock.read_text().startswith(f"{first.pid} "):
            break
        # It finished in between: run it again from the start.
        first.send_signal(signal.SIGCONT)
        first.communicate(timeout=120)
    else:
        pytest.fail("the first run never held the lock when paused")
    try:
        yield first, lock
    finally:
        first.send_signal(signal.SIGCONT)
        if first.poll() is None:
            first.wait(timeout=120)


def assert_one_whole_run(folder: Path, lang: str) -> None:
    """The month's folder holds one run's documents, whole, and the manifest lists just those."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(folder).as_posix() for sub in ("plans", "packs")
                     for p in (folder / sub).iterdir())
    assert sorted(manifest["documents"]) == on_disk
    assert len(on_disk) == 2 * (4 + 3)  # four plans, three packs, HTML and PDF
    assert manifest["options"]["lang"] == lang
    for name, record in manifest["documents"].items():
        if name.endswith(".html"):
            html = (folder / name).read_text(encoding="utf-8")
            assert f'<html lang="{lang}' in html, name
            assert html.rstrip().endswith("</html>"), name
        else:
            # Whole, and the very document the manifest describes.
            pdf = PdfReader(folder / name)
            assert len(pdf.pages) >= 1
            assert pdf.metadata.title == record["title"], name
    assert [p for p in folder.rglob("*.tmp")] == []
    assert (folder / RUN_LOCK).read_text() == ""  # no stale PID names a run that has ended


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Error: another reportgen (process {pid}, started {since}) is writing to {folder}; "
           "waited 0.2 seconds. Let it finish, then run this again, or give --wait with more "
           "seconds (the lock is {lock})"),
    ("zh", "错误：另一个 reportgen（进程 {pid}，开始于 {since}）正在写入 {folder}；已等待 0.2 "
           "秒。请等它结束后再运行一次，或用 --wait 给出更长的等待秒数（锁文件为 {lock}）"),
])
def test_a_second_run_stops_naming_the_first(paused, tmp_path, lang, expected):
    first, lock = paused
    pid, started = lock.read_text().split()
    second = _start(tmp_path, "--lang", lang, "--wait", "0.2", "--quiet")
    output = second.communicate(timeout=120)[0]
    assert second.returncode == 3, output
    assert output.splitlines()[-1] == expected.format(
        pid=pid, since=started[:19].replace("T", " "), folder=lock.parent, lock=lock)
    first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=120) == 0, first.communicate()[0]
    assert_one_whole_run(lock.parent, "en")


def test_a_second_run_waits_then_writes_over_the_first(paused, tmp_path):
    first, lock = paused
    second = _start(tmp_path, "--lang", "zh", "--wait", "120", "--quiet")
    # The second has loaded and analysed the month and opened the lock: it is waiting.
    _until(lambda: _opened(second, lock) or second.poll() is not None,
           "the second run to reach the lock")
    assert second.poll() is None, second.communicate()[0]
    first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=120) == 0, first.communicate()[0]
    output = second.communicate(timeout=120)[0]
    assert second.returncode == 0, output
    # The second run started from the manifest the first one left, and made every document
    # again in Chinese: no English plan is left over, none is missing from the manifest.
    assert_one_whole_run(lock.parent, "zh")


@pytest.mark.parametrize("command", ["analyze", "plans", "pack", "run"])
def test_every_command_that_writes_the_month_meets_the_lock(tmp_path, command):
    # analyze writes only the workbooks, plans and pack only documents: each takes the same
    # lock as run, and writes nothing while another holds it.
    small_dataset(tmp_path / "inputs")
    folder = tmp_path / "out" / MONTH
    folder.mkdir(parents=True)
    with (folder / RUN_LOCK).open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4545 2026-12-03T07:00:00+00:00\n")
        held.flush()
        result = CliRunner().invoke(cli, [
            command, "--inputs", str(tmp_path / "inputs"), "--out", str(tmp_path / "out"),
            "--month", MONTH, "--wait", "0.2", "--quiet"])
    assert result.exit_code == 3, result.output
    assert result.output.splitlines()[-1] == (
        "Error: another reportgen (process 4545, started 2026-12-03 07:00:00) is writing to "
        f"{folder}; waited 0.2 seconds. Let it finish, then run this again, or give --wait "
        f"with more seconds (the lock is {folder / RUN_LOCK})")
    assert [p.name for p in folder.iterdir()] == [RUN_LOCK]
