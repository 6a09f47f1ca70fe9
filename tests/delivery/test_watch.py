"""`reportgen watch`: which files count, settling, rebuilding only what changed, Ctrl-C.

It waits for a dropped file to settle, carries on after a bad workbook and stops cleanly. The
watcher runs for real (watchdog on a temporary folder), in a thread or a subprocess,
with a short settle time, and every wait is bounded by a timeout.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from reportgen.cli.delivery import rebuild_month
from reportgen.cli.options import Settings
from reportgen.delivery.watch import Changes, is_watched, wait_for_changes, watch_inputs
from tests.delivery.test_send import MONTH, SOUTH, write_tiny_inputs
from tests.workbooks import write_xlsx

SETTLE = 0.3
TIMEOUT = 30.0


@pytest.mark.parametrize(
    ("name", "watched"),
    [
        ("sales.xlsx", True),
        ("Sales-East.XLSM", True),
        ("targets.csv", True),
        ("old.xls", True),
        ("book.ods", True),
        ("numbers.numbers", True),  # unreadable, but the run must say so
        ("~$sales.xlsx", False),  # Office's owner (lock) file
        (".~lock.sales.xlsx#", False),  # LibreOffice's lock file
        (".hidden.xlsx", False),
        ("~WRL0001.tmp", False),  # Word/Excel temporary file
        ("A1B2C3D4", False),  # Excel saves to an extension-less temporary name first
        ("sales.xlsx~", False),  # editor backup
        ("notes.txt", False),
    ],
)
def test_which_files_count(tmp_path, name, watched):
    assert is_watched(tmp_path / name, tmp_path) is watched


def test_files_in_sub_folders_do_not_count(tmp_path):
    assert not is_watched(tmp_path / "old" / "sales.xlsx", tmp_path)


def test_events_are_sorted_into_changes(tmp_path):
    changes = Changes(tmp_path)
    for event in [
        FileOpenedEvent(str(tmp_path / "read.xlsx")),  # the loader opening a workbook
        FileClosedNoWriteEvent(str(tmp_path / "read.xlsx")),
        DirCreatedEvent(str(tmp_path / "new folder.xlsx")),
        FileCreatedEvent(str(tmp_path / "~$sales.xlsx")),
        FileModifiedEvent(str(tmp_path / "sales.xlsx")),
        FileClosedEvent(str(tmp_path / "sales.xlsx")),
        FileMovedEvent(str(tmp_path / "A1B2C3D4"), str(tmp_path / "targets.xlsx")),
        FileDeletedEvent(str(tmp_path / "old.csv")),
    ]:
        changes.on_any_event(event)
    assert [p.name for p in changes.take()] == ["old.csv", "sales.xlsx", "targets.xlsx"]
    assert changes.take() == []


def test_a_file_that_grows_without_events_is_waited_for(tmp_path):
    path = tmp_path / "sales.xlsx"
    path.write_bytes(b"first part")
    changes = Changes(tmp_path)
    changes.add(path)
    stop = threading.Event()
    # A copy onto a network share may write without sending events: grow the file silently.
    grower = threading.Timer(SETTLE * 0.6, lambda: path.write_bytes(b"first part, second part"))
    started = time.monotonic()
    grower.start()
    batch = wait_for_changes(changes, settle=SETTLE, stop=stop, poll=0.02)
    elapsed = time.monotonic() - started
    grower.join()
    assert batch == [path]
    # Quiet for SETTLE, then the size is found changed: another SETTLE from that moment.
    assert elapsed >= 2 * SETTLE - 0.05


def test_stopping_ends_the_wait(tmp_path):
    stop = threading.Event()
    stop.set()
    assert wait_for_changes(Changes(tmp_path), settle=SETTLE, stop=stop) is None


class Watcher:
    """watch_inputs in a thread, handing over each batch (with its time and result) in order."""

    def __init__(self, inputs: Path, on_change=None, settle: float = SETTLE) -> None:
        self.handed: queue.Queue[tuple[float, list[str], object]] = queue.Queue()
        self.stop = threading.Event()
        self.ready = threading.Event()

        def handle(batch: Sequence[Path]) -> None:
            result = on_change(batch) if on_change else None
            self.handed.put((time.monotonic(), [p.name for p in batch], result))

        self.thread = threading.Thread(target=watch_inputs, args=(inputs, handle), kwargs={
            "settle": settle, "stop": self.stop, "poll": 0.02, "started": self.ready.set},
            daemon=True)

    def __enter__(self) -> Watcher:
        self.thread.start()
        assert self.ready.wait(TIMEOUT)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive()

    def next_batch(self, timeout: float = TIMEOUT) -> tuple[float, list[str], object]:
        try:
            return self.handed.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the watcher did not act on the change") from None

    def nothing_within(self, seconds: float) -> bool:
        try:
            self.handed.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


def test_a_dropped_file_is_acted_on_once_it_has_settled(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "existing.xlsx").write_bytes(b"old")
    with Watcher(inputs) as watcher:
        with (inputs / "sales.xlsx").open("wb") as handle:
            for _ in range(4):  # a slow copy: a chunk every SETTLE / 2
                handle.write(b"x" * 1000)
                handle.flush()
                time.sleep(SETTLE / 2)
        last_write = time.monotonic()
        acted, batch, _ = watcher.next_batch()
        assert batch == ["sales.xlsx"]
        assert acted - last_write >= SETTLE * 0.5
        # Lock, temporary and hidden files, and reading a workbook, set nothing off.
        (inputs / "~$sales.xlsx").write_bytes(b"lock")
        (inputs / ".~lock.sales.xlsx#").write_bytes(b"lock")
        (inputs / "~WRL0001.tmp").write_bytes(b"temp")
        (inputs / "existing.xlsx").read_bytes()
        assert watcher.nothing_within(SETTLE * 4)


def test_changes_made_during_a_rebuild_are_kept_for_the_next_one(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    first_run = threading.Event()

    def slow(batch):
        if not first_run.is_set():
            first_run.set()
            (inputs / "b.xlsx").write_bytes(b"b")  # arrives while this run is busy
            time.sleep(SETTLE)

    with Watcher(inputs, on_change=slow) as watcher:
        (inputs / "a.xlsx").write_bytes(b"a")
        assert watcher.next_batch()[1] == ["a.xlsx"]
        assert watcher.next_batch()[1] == ["b.xlsx"]


# ----------------------------------------------------------------------------- the real month


def south_sales(c4_october: int) -> list[list[object]]:
    """sales-south.xlsx of the tiny month (see test_send.py) with C4's October amount."""
    rows: list[list[object]] = [["date", "client_id", "amount", "order_id"]]
    for m in range(1, 23):
        year, month = 2025 + (m - 1) // 12, (m - 1) % 12 + 1
        day = f"{year}-{month:02d}-10"
        rows += [[day, "C3", 60_000 if m < 20 else 20_000, f"S{m}a"],
                 [day, "C4", 5_000 if m < 22 else c4_october, f"S{m}b"]]
    return rows


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}


def documents(names: Iterator[str] | set[str]) -> set[str]:
    return {n for n in names if n.startswith(("packs/", "plans/"))}


def save_like_excel(path: Path, rows: list[list[object]], scratch: Path) -> None:
    """Save as Excel does: to an extension-less temporary name, renamed over the workbook."""
    made = write_xlsx(scratch / "made.xlsx", {"Sales": rows})
    temp = path.parent / "A1B2C3D4"
    shutil.copyfile(made, temp)
    os.replace(temp, path)


@pytest.mark.slow
def test_watch_rebuilds_only_what_a_new_workbook_changes(tmp_path, capsys):
    inputs = write_tiny_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    settings = Settings(
        inputs=inputs, out=out, month=None, lang="en", formats=("html",), jobs=1,
        config_path=tmp_path / "reportgen.toml", config_explicit=False, templates=None,
        quiet=True, verbose=False, debug=False)
    assert rebuild_month(settings)
    folder = out / MONTH
    before = mtimes(folder)
    assert documents(before) == {
        "packs/East.html", f"packs/{SOUTH}.html", "packs/all-regions.html",
        "plans/C1-上海恒通机电有限公司.html", "plans/C3-广州新华贸易有限公司.html"}
    time.sleep(0.05)  # so a rewritten file gets a different modification time

    with Watcher(inputs, on_change=lambda batch: rebuild_month(settings)) as watcher:
        # A new 华南 sales workbook: C4 (a Mass-market client of 华南) sells more in October.
        dropped = time.monotonic()
        save_like_excel(inputs / "sales-south.xlsx", south_sales(9_000), tmp_path)
        acted, batch, done = watcher.next_batch()
        assert batch == ["sales-south.xlsx"] and done is True
        assert acted - dropped < 15, "the rebuild should take seconds"
        after = mtimes(folder)
        rebuilt = {n for n in documents(after) if after[n] != before[n]}
        # That region's pack, the leadership pack and the plan of its key client; East's
        # pack and plan are left as they were, file and all.
        assert rebuilt == {f"packs/{SOUTH}.html", "packs/all-regions.html",
                           "plans/C3-广州新华贸易有限公司.html"}
        assert after["packs/East.html"] == before["packs/East.html"]
        assert after["plans/C1-上海恒通机电有限公司.html"] == before[
            "plans/C1-上海恒通机电有限公司.html"]
        capsys.readouterr()

        # A workbook that cannot be read is reported, and watching goes on.
        (inputs / "broken.xlsx").write_bytes(b"this is not a workbook")
        _acted, batch, done = watcher.next_batch()
        assert batch == ["broken.xlsx"] and done is False
        err = capsys.readouterr().err
        assert "broken.xlsx" in err
        assert err.rstrip().endswith(
            f"Still watching {inputs}: correct the workbook and save it again.")
        unchanged = mtimes(folder)
        assert documents(unchanged) == documents(after)
        assert all(unchanged[n] == after[n] for n in documents(after))

        (inputs / "broken.xlsx").unlink()
        _acted, batch, done = watcher.next_batch()
        assert batch == ["broken.xlsx"] and done is True
        assert all(mtimes(folder)[n] == after[n] for n in documents(after))
    assert not watcher.thread.is_alive()


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_the_watch_command_stops_cleanly_on_ctrl_c(tmp_path, stop_signal):
    inputs = write_tiny_inputs(tmp_path / "inputs")
    code = "from reportgen.cli.delivery import watch; watch(prog_name='reportgen watch')"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--inputs", str(inputs), "--out", str(tmp_path / "out"),
         "--format", "html", "--jobs", "1", "--settle", "0.2", "--quiet"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + TIMEOUT
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Watching") or not line:
                break
        assert lines[-1] == f"Watching {inputs} for changes; press Ctrl-C to stop.\n", lines
        assert (tmp_path / "out" / MONTH / "packs" / "East.html").is_file()
        process.send_signal(stop_signal)
        rest, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert rest == "Stopped watching.\n"
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------
# In Chinese

def chinese_environment() -> dict[str, str]:
    """The environment of a supervisor whose system speaks Chinese (no --lang anywhere)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    # PYTHONUTF8: the machine need not have the zh_CN locale installed for the pipes to be UTF-8.
    return {**env, "LANG": "zh_CN.UTF-8", "PYTHONUTF8": "1"}


class WatchProcess:
    """`reportgen watch` run as a supervisor runs it, its stdout and stderr read as one stream."""

    def __init__(self, args: Sequence[str], cwd: Path, env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "watch", *args], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def until(self, wanted, timeout: float = TIMEOUT) -> list[str]:
        """The lines printed up to and including the first one for which ``wanted`` is true."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"watch printed no such line; so far: {got}") from None
            if line is None:
                raise AssertionError(f"watch ended early; it printed: {self.lines}")
            got.append(line)
            self.lines.append(line)
            if wanted(line):
                return got

    def stop(self, stop_signal: int = signal.SIGINT) -> list[str]:
        """Ctrl-C: the lines printed from now to the end, once the process has ended."""
        self.process.send_signal(stop_signal)
        self.process.wait(TIMEOUT)
        self._reader.join(TIMEOUT)
        rest = []
        while (line := self._lines.get_nowait()) is not None:
            rest.append(line)
        self.lines += rest
        return rest

    def close(self) -> None:
        """Never leave the process behind, whatever the test found."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_a_watch_failure_is_told_in_chinese(tmp_path, capsys):
    inputs = write_tiny_inputs(tmp_path / "inputs")
    (inputs / "坏.xlsx").write_bytes(b"this is not a workbook")
    settings = Settings(
        inputs=inputs, out=tmp_path / "out", month=None, lang="zh", formats=("html",), jobs=1,
        config_path=tmp_path / "reportgen.toml", config_explicit=False, templates=None,
        quiet=True, verbose=False, debug=False)
    assert rebuild_month(settings) is False
    assert capsys.readouterr().err.splitlines() == [
        "错误：坏.xlsx：该文件不是 Excel 工作簿（看起来是 CSV 或文本文件）——如果这是 CSV 文件，"
        "请把文件名改为以 .csv 结尾",
        "错误：输入数据有 1 个错误；请查看上面的提示",
        f"仍在监视 {inputs}：请改正工作簿后重新保存。",
    ]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["error: unexpected problem (RuntimeError: boom)",
            "Still watching {inputs}: correct the workbook and save it again."]),
    ("zh", ["错误：出现意外问题（“RuntimeError: boom”）",
            "仍在监视 {inputs}：请改正工作簿后重新保存。"]),
])
def test_an_unexpected_failure_while_watching_is_told_and_watching_goes_on(
        tmp_path, capsys, monkeypatch, lang, expected):
    import reportgen.cli.month

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reportgen.cli.month, "produce", boom)
    settings = Settings(
        inputs=tmp_path, out=tmp_path / "out", month=None, lang=lang, formats=("html",),
        jobs=1, config_path=tmp_path / "reportgen.toml", config_explicit=False, templates=None,
        quiet=True, verbose=False, debug=False)
    assert rebuild_month(settings) is False
    assert capsys.readouterr().err.splitlines() == [
        line.format(inputs=tmp_path) for line in expected]


def test_a_missing_inputs_folder_is_told_in_chinese(tmp_path):
    from click.testing import CliRunner

    from reportgen.cli.app import cli

    result = CliRunner().invoke(cli, ["watch", "--inputs", str(tmp_path / "无"), "--lang", "zh"])
    assert result.exit_code == 1
    assert result.output == (f"错误：输入文件夹 {tmp_path / '无'} 不存在；请先创建它，或用 "
                             "--inputs 指定其他文件夹\n")


@pytest.mark.slow
def test_the_watch_command_speaks_chinese(tmp_path):
    inputs = write_tiny_inputs(tmp_path / "inputs")
    watch = WatchProcess(["--inputs", str(inputs), "--out", str(tmp_path / "out"), "--format",
                          "html", "--jobs", "1", "--settle", "0.2", "--quiet", "--lang", "zh"],
                         cwd=tmp_path)
    try:
        assert watch.until(lambda line: line.startswith("正在监视")) == [
            f"正在根据 {inputs} 生成文档", f"正在监视 {inputs} 中的改动；按 Ctrl-C 停止。"]
        save_like_excel(inputs / "sales-south.xlsx", south_sales(9_000), tmp_path)
        changed = watch.until(lambda line: "有改动" in line)
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] 有改动：sales-south\.xlsx；正在重新生成文档",
                            changed[-1]), changed
        assert watch.stop() == ["已停止监视。"]
    finally:
        watch.close()
    assert watch.process.returncode == 0, watch.lines
