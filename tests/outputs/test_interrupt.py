"""Interrupted runs, full disks and read-only folders (the HARDENING issue, part 3).

A run is killed (SIGKILL and SIGTERM, at random but seeded moments) while it renders; no
truncated or empty PDF, HTML or workbook may be left under --out, the next run must finish,
clean up the killed run's temporary files and give the same documents as a run that was
never interrupted. A full disk, a read-only folder or an --out that is a file is one plain
error line with exit code 3.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from reportgen.cli.app import cli
from reportgen.errors import EXIT_ENVIRONMENT
from reportgen.outputs import write
from reportgen.outputs.lock import RUN_LOCK
from tests import hostile_corpus as corpus

REPO = Path(__file__).resolve().parents[2]
MONTH = "2026-10"


def small_dataset(inputs: Path) -> Path:
    """Four key clients in two regions: four plans and three packs, rendered in a few seconds."""
    clients: list[list[object]] = [corpus.CLIENT_HEADER]
    sales: list[list[object]] = [corpus.SALES_HEADER]
    for i, name in enumerate(["恒通机电", "Northwind", "华南贸易", "Contoso"], start=1):
        cid = f"C{i}"
        clients.append([cid, name, "华东" if i % 2 else "华南", "王芳", 3_000_000 * i])
        for month in range(1, 13):
            year, mon = (2025, month + 10) if month <= 2 else (2026, month - 2)
            sales.append([f"{year}-{mon:02d}-1{i}", cid, 1000.0 * i + month, f"{cid}-{month}"])
    corpus.good_book(inputs / "book.xlsx", clients=clients, sales=sales)
    return inputs


@pytest.fixture
def inputs(tmp_path) -> Path:
    """The small dataset, in the test's folder."""
    return small_dataset(tmp_path / "inputs")


def dead_pid() -> int:
    """A process id no process can have: one above the system's largest.

    (The id of a process that has just ended will not do: on a busy machine the ids wrap
    around within minutes and another process may already have it.)
    """
    try:
        return int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    except (OSError, ValueError):
        return 4_194_304 + 1  # Linux's ceiling for pid_max


def temp_name(target: str, pid: int, host: str | None = None) -> str:
    """A temporary file name as reportgen.outputs.write makes them."""
    return f".{target}.{host or write._HOST}-{pid}.k2j4h5q1.tmp"


# --------------------------------------------------------------------------------------------
# Temporary files of killed runs are cleaned up by the next one


def test_temporary_file_names_carry_host_and_process(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", spy)
    write.write_bytes_atomic(tmp_path / "a.pdf", b"x")
    [name] = seen
    assert re.fullmatch(rf"\.a\.pdf\.{write._HOST}-{os.getpid()}\.[a-z0-9_]{{8}}\.tmp", name)
    assert write.is_stale_temp_file(name, 0) is False  # this process is alive


@pytest.mark.parametrize(("make_name", "age", "stale"), [
    (lambda: temp_name("p.pdf", dead_pid()), 0, True),           # its process is gone
    (lambda: temp_name("p.pdf", os.getpid()), 3600, False),      # still being written
    (lambda: temp_name("p.pdf", os.getppid()), 3600, False),     # another live process
    (lambda: temp_name("p.pdf", os.getppid()), 2 * 86400, True),  # … a day: the id was reused
    (lambda: temp_name("p.pdf", 4242, "0badc0de"), 3600, False),  # another machine, recent
    (lambda: temp_name("p.pdf", 4242, "0badc0de"), 2 * 86400, True),  # … a day old
    (lambda: ".p.pdf.abc123.tmp", 10**7, False),                 # not a name of ours
    (lambda: "p.pdf.tmp", 10**7, False),
    (lambda: ".notes.tmp", 10**7, False),
])
def test_which_temporary_files_are_stale(make_name, age, stale):
    assert write.is_stale_temp_file(make_name(), age) is stale


def test_first_write_into_a_folder_removes_what_killed_runs_left(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_SWEPT", set())
    month = tmp_path / MONTH
    (month / "plans").mkdir(parents=True)
    gone = dead_pid()
    leftovers = [month / temp_name("tiers.xlsx", gone),
                 month / "plans" / temp_name("C1-acme.pdf", gone)]
    kept = [month / temp_name("index.html", os.getpid()), month / ".notes.tmp",
            month / "plans" / "C1-acme.pdf"]
    for path in leftovers + kept:
        path.write_bytes(b"half")
    (month / "index.html").write_bytes(b"same")
    # Even a write that finds the file unchanged cleans up (a rerun after a killed run).
    assert write.write_if_changed(month / "index.html", b"same") is False
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in kept)


def test_cleanup_never_fails_a_write(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_SWEPT", set())

    def refuse(path):
        raise PermissionError(errno.EACCES, "denied", path)

    stale = tmp_path / temp_name("x.pdf", dead_pid())
    stale.write_bytes(b"half")
    monkeypatch.setattr(write.os, "unlink", refuse)
    write.write_bytes_atomic(tmp_path / "x.pdf", b"whole")
    assert (tmp_path / "x.pdf").read_bytes() == b"whole"
    assert write.remove_stale_temp_files(tmp_path / "missing") == []


def test_depth_limits_the_cleanup(tmp_path):
    gone = dead_pid()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "a", deep):
        (folder / temp_name("x.pdf", gone)).write_bytes(b"")
    removed = write.remove_stale_temp_files(tmp_path, depth=1)
    assert sorted(p.parent for p in removed) == [tmp_path, tmp_path / "a"]
    assert (deep / temp_name("x.pdf", gone)).exists()


# --------------------------------------------------------------------------------------------
# Killing real runs


def start_run(inputs: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``reportgen run`` in its own process group (so the whole group can be signalled).

    Its output goes to ``run.log`` beside the inputs, not to a pipe: a worker that outlives
    the run would hold a pipe open forever.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with (inputs.parent / "run.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "reportgen", "run", "--inputs", str(inputs), "--out",
             str(out), "--format", "html,pdf", "--jobs", "2", "--quiet", *extra],
            cwd=inputs.parent, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT)


def finish(run: subprocess.Popen[bytes], inputs: Path, timeout: float = 120) -> str:
    """Wait for ``run`` to end; returns the log of the runs on ``inputs``."""
    run.wait(timeout=timeout)
    return (inputs.parent / "run.log").read_text(encoding="utf-8", errors="replace")


def _processes() -> list[tuple[int, str, int, int]]:
    """Every process as (pid, state, parent pid, process group), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        found.append((int(entry.name), state, int(ppid), int(pgrp)))
    return found


def group_members(pgid: int) -> list[int]:
    """Processes of the group ``pgid`` still running (zombies excluded)."""
    return [pid for pid, state, _, pgrp in _processes() if pgrp == pgid and state != "Z"]


def pool_workers(parent: int) -> list[int]:
    """The render pool's workers: children forked from ``parent`` (same command line)."""
    try:
        command = Path(f"/proc/{parent}/cmdline").read_bytes()
    except OSError:
        return []
    workers = []
    for pid, state, ppid, _ in _processes():
        if ppid == parent and state != "Z":
            try:
                if Path(f"/proc/{pid}/cmdline").read_bytes() == command:
                    workers.append(pid)
            except OSError:
                continue
    return workers


def wait_for_group(pgid: int, seconds: float) -> list[int]:
    """Wait until the group has no running process, up to ``seconds``; returns the survivors."""
    deadline = time.monotonic() + seconds
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


_GENERATED = re.compile(r"Generated \d{1,2} \w{3,9} \d{4}|\d{4}年\d{1,2}月\d{1,2}日")


def assert_nothing_broken(out: Path) -> list[Path]:
    """No empty or cut-short output under ``out``; returns the (hidden) temporary files seen."""
    temporary = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            temporary.append(path)
            continue
        if path.name == RUN_LOCK:
            continue  # the month's lock: empty, or the PID of a run killed while holding it
        data = path.read_bytes()
        assert data, f"empty file {path}"
        if path.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), path
            assert len(PdfReader(path).pages) >= 1, path
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                assert zf.testzip() is None, path
            load_workbook(path, read_only=True).close()
        elif path.suffix == ".json":
            json.loads(data)
        else:
            pytest.fail(f"unexpected file {path}")
    return temporary


def contents(out: Path) -> dict[str, object]:
    """What each output says, the generation date left out (it follows the clock)."""
    seen: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name == RUN_LOCK:
            continue
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            seen[rel] = _GENERATED.sub("<generated>", path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            seen[rel] = [_GENERATED.sub("<generated>", page.extract_text())
                         for page in PdfReader(path).pages]
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            seen[rel] = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
            book.close()
        elif path.suffix == ".json":
            manifest = json.loads(path.read_text(encoding="utf-8"))
            seen[rel] = {
                "inputs": manifest["inputs"], "counts": manifest["counts"],
                "documents": {k: v["fingerprint"] for k, v in manifest["documents"].items()},
                "workbooks": manifest["workbooks"]}
        else:
            seen[rel] = path.read_bytes()
    return seen


@pytest.mark.slow
def test_killed_runs_leave_nothing_broken_and_the_next_run_reproduces_the_files(tmp_path):
    inputs = small_dataset(tmp_path / "inputs")
    reference = tmp_path / "reference"
    done = start_run(inputs, reference)
    output = finish(done, inputs)
    assert done.returncode == 0, output
    expected = contents(reference)
    assert len([n for n in expected if n.endswith(".pdf")]) == 7

    out = tmp_path / "out"
    rng = random.Random(20261031)
    signals = [signal.SIGKILL, signal.SIGTERM] * 2
    rng.shuffle(signals)
    for sig in signals:
        # --force: every killed run rewrites, so the kills land while files are written.
        run = start_run(inputs, out, "--force")
        time.sleep(rng.uniform(0.3, 4.5))
        kill_group(run.pid) if sig is signal.SIGKILL else os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
        assert wait_for_group(run.pid, 10) == [], "processes of the killed run live on"
        if out.exists():
            for temporary in assert_nothing_broken(out):
                assert temporary.name.startswith(".")  # never a visible half-written file

    final = start_run(inputs, out)
    output = finish(final, inputs)
    assert final.returncode == 0, output
    assert_nothing_broken(out)
    assert contents(out) == expected


def plant_leftovers(month: Path) -> list[Path]:
    """What a run killed while writing leaves: hidden temporary files of a process now gone."""
    gone = dead_pid()
    (month / "plans").mkdir(parents=True, exist_ok=True)
    leftovers = [month / temp_name("tiers.xlsx", gone),
                 month / "plans" / temp_name("C1-恒通机电.pdf", gone)]
    for path in leftovers:
        path.write_bytes(b"%PDF-1.7 half")
    return leftovers


def test_the_next_run_removes_what_a_killed_run_left(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--out", str(out), "--format", "html", "--jobs", "1",
            "--quiet"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    leftovers = plant_leftovers(out / MONTH)
    monkeypatch.setattr(write, "_SWEPT", set())  # as in a new process
    # --force: a run with work to do (an input changed, a document was missing).
    result = CliRunner().invoke(cli, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert [p for p in leftovers if p.exists()] == []
    assert assert_nothing_broken(out) == []


def test_an_unchanged_rerun_also_removes_what_a_killed_run_left(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--out", str(out), "--format", "html", "--jobs", "1",
            "--quiet"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    leftovers = plant_leftovers(out / MONTH)
    monkeypatch.setattr(write, "_SWEPT", set())
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert [p for p in leftovers if p.exists()] == []


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_only_the_main_process_leaves_no_worker_behind(tmp_path, sig):
    inputs = small_dataset(tmp_path / "inputs")
    run = start_run(inputs, tmp_path / "out", "--force")
    try:
        deadline = time.monotonic() + 60
        while len(pool_workers(run.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the render pool's workers exist
        assert len(pool_workers(run.pid)) >= 2, "the run never started its render pool"
        os.kill(run.pid, sig)  # the main process only, as `kill PID` does
        run.wait(timeout=30)
        survivors = wait_for_group(run.pid, 3)
    finally:
        kill_group(run.pid)
    assert survivors == []


# --------------------------------------------------------------------------------------------
# Full disk, read-only folder, --out that is a file


def fail_with(code: int):
    def fail(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    return fail


FULL = "the disk is full. Free some space, then run again"
READ_ONLY = "the disk is read-only. Choose another --out folder"
DENIED = "permission denied. Choose another --out folder or ask for write access"


@pytest.mark.parametrize(("command", "where", "code", "reason"), [
    *[(command, where, code, reason)
      for command in (["run", "--format", "html"], ["analyze"], ["plans", "--format", "html"])
      for where, code, reason in (("os.replace", errno.ENOSPC, FULL),
                                  ("os.fsync", errno.ENOSPC, FULL),
                                  ("tempfile.mkstemp", errno.EROFS, READ_ONLY),
                                  ("tempfile.mkstemp", errno.EACCES, DENIED))],
    (["pack", "--format", "pdf"], "os.replace", errno.ENOSPC, FULL),  # a PDF, rendered first
])
def test_unwritable_output_is_one_plain_error(tmp_path, inputs, monkeypatch, command, where,
                                              code, reason):
    out = tmp_path / "out"
    module, name = where.split(".")
    monkeypatch.setattr(getattr(write, module), name, fail_with(code))
    result = CliRunner().invoke(cli, [*command, "--inputs", str(inputs), "--out", str(out),
                                      "--jobs", "1", "--quiet"])
    assert result.exit_code == EXIT_ENVIRONMENT, result.output
    assert result.output == f"Error: cannot write to {out / MONTH}: {reason}\n"
    # Nothing half-written: no output file and no temporary file; the lock is left empty.
    assert [p for p in out.rglob("*") if p.is_file() and p.name != RUN_LOCK] == []
    assert (out / MONTH / RUN_LOCK).read_text() == ""


@pytest.mark.parametrize("command", [["run", "--format", "html"], ["plans", "--format", "html"]])
def test_out_that_is_a_file_is_one_plain_error(tmp_path, inputs, command):
    out = tmp_path / "outputs"
    out.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, [*command, "--inputs", str(inputs), "--out", str(out),
                                      "--quiet"])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert result.output == (f"Error: cannot write to {out / MONTH}: part of that path is a "
                             "file, not a folder. Choose another --out folder\n")
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_analyze_into_a_file_is_one_line_with_exit_code_3(tmp_path, inputs):
    out = tmp_path / "outputs"
    out.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "--inputs", str(inputs), "--out", str(out),
                                      "--quiet"])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert result.output == (f"Error: cannot write to {out / MONTH}: part of that path is a "
                             "file, not a folder. Choose another --out folder\n")
