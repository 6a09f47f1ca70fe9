"""`reportgen send` at the edges: from the run, one at a time, never twice, never lost.

Real processes and a real SMTP server (aiosmtpd) on loopback; the tiny two-region month of
test_send.py (East to two directors, 华南 to one, the all-regions pack to one VP).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from reportgen.cli.delivery import send
from reportgen.delivery.ledger import LEDGER_NAME, LOCK_NAME
from reportgen.outputs import lock as lock_module
from reportgen.outputs.lock import RUN_LOCK
from tests.delivery.test_send import (  # noqa: F401 - the fixtures are used by name
    EAST_TO,
    LEADERSHIP,
    MONTH,
    SOUTH,
    SOUTH_TO,
    USER,
    Recorder,
    english_packs,
    run_cli,
    smtp_server,
    workdir,
    write_tiny_inputs,
)
from tests.workbooks import write_xlsx

pytestmark = pytest.mark.slow


def _settings(path: Path, port: int) -> Path:
    path.write_text(
        "[email]\n"
        f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "{USER}"\n'
        f"leadership = {json.dumps(LEADERSHIP)}\n", encoding="utf-8")
    return path


@pytest.fixture
def ran(tmp_path, monkeypatch) -> dict[str, Path]:
    """`reportgen run --inputs in --out out --month 2026-10` in a folder without inputs/."""
    inputs = write_tiny_inputs(tmp_path / "in")
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["run", "--inputs", str(inputs), "--out", str(out),
                                      "--month", MONTH, "--format", "pdf", "--jobs", "2",
                                      "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {"inputs": inputs, "out": out, "config": tmp_path / "reportgen.toml"}


@pytest.fixture
def work(english_packs, tmp_path):  # noqa: F811 - english_packs is the fixture imported
    """A private copy of the month `reportgen pack` made."""
    return workdir(english_packs, tmp_path)


def _ledger(out: Path) -> list[dict]:
    path = out / MONTH / LEDGER_NAME
    return json.loads(path.read_text(encoding="utf-8"))["deliveries"] if path.exists() else []


# ----------------------------------------------------------------------------- send from the run


def test_send_after_run_needs_only_out(ran):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = _settings(ran["config"], port)
        result = run_cli(send, ["--out", str(ran["out"]), "--month", MONTH, "--config",
                                str(config), "--yes"])
        assert result.exit_code == 0, result.output
    assert [r.recipients for r in recorder.received] == [EAST_TO, SOUTH_TO, LEADERSHIP]
    manifest = json.loads((ran["out"] / MONTH / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["inputs"] == str(ran["inputs"].resolve())
    assert [e["key"] for e in _ledger(ran["out"])] == ["East", SOUTH, ""]


def test_send_without_month_takes_the_latest_run(ran):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = _settings(ran["config"], port)
        result = run_cli(send, ["--out", str(ran["out"]), "--config", str(config), "--yes"])
        assert result.exit_code == 0, result.output
    assert len(recorder.received) == 3


def test_changed_inputs_are_named_with_the_command_to_run(ran):
    inputs, out = ran["inputs"], ran["out"]
    write_xlsx(inputs / "sales-east.xlsx", {"Sales": [
        ["date", "client_id", "amount", "order_id"], ["2026-10-10", "C1", 1, "X1"]]})
    write_xlsx(inputs / "sales-more.xlsx", {"Sales": [
        ["date", "client_id", "amount", "order_id"], ["2026-10-11", "C2", 2, "X2"]]})
    (inputs / "sales-south.xlsx").unlink()
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = _settings(ran["config"], port)
        result = run_cli(send, ["--out", str(out), "--month", MONTH, "--config", str(config),
                                "--yes"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: the inputs in {inputs.resolve()} have changed since the documents of {MONTH} "
        "were made (changed: sales-east.xlsx; new: sales-more.xlsx; gone: sales-south.xlsx), "
        "so the packs do not show them and nothing was sent; make them again with "
        f"`reportgen run --inputs {inputs.resolve()} --out {out} --month {MONTH}`, then send")
    assert recorder.received == []
    assert _ledger(out) == []


def test_input_errors_are_printed_not_counted(ran):
    write_xlsx(ran["inputs"] / "sales-extra.xlsx", {"Sales": [
        ["date", "client_id", "value", "order_id"], ["2026-10-11", "C1", 5, "E22a"]]})
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = _settings(ran["config"], port)
        result = run_cli(send, ["--out", str(ran["out"]), "--month", MONTH, "--config",
                                str(config), "--yes"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        'error: sales-extra.xlsx, sheet "Sales", row 1: the Sales sheet lacks the required '
        "column(s) amount; found: date, client_id, value, order_id — add the column, or map "
        "your column's name under [columns.sales] in reportgen.toml")
    assert "(new: sales-extra.xlsx)" in lines[-1]
    assert recorder.received == []


def test_a_moved_inputs_folder_is_named(ran):
    moved = ran["inputs"].with_name("moved")
    ran["inputs"].rename(moved)
    config = _settings(ran["config"], 25)
    result = run_cli(send, ["--out", str(ran["out"]), "--month", MONTH, "--config",
                            str(config), "--yes"])
    assert result.exit_code == 1
    inputs = ran["inputs"].resolve()
    assert result.output.splitlines()[-1] == (
        f"Error: the inputs folder {inputs} does not exist, so the packs of {MONTH} cannot be "
        "checked against it and nothing was sent; name the folder they were made from with "
        f"--inputs, or make them again with `reportgen run --inputs {inputs} --out "
        f"{ran['out']} --month {MONTH}`")


# ----------------------------------------------------------------------------- one at a time


def test_two_sends_at_once_deliver_each_message_once(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = _settings(work.config, port)
        args = [sys.executable, "-m", "reportgen", "send", *work.args("--yes", "--wait", "120"),
                "--month", MONTH]
        args[args.index("--config") + 1] = str(config)
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(2)]
        outputs = [p.communicate(timeout=300)[0] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(tuple(r.recipients) for r in recorder.received) == sorted(
        [tuple(EAST_TO), tuple(SOUTH_TO), tuple(LEADERSHIP)])
    assert sum("3 message(s) sent" in o for o in outputs) == 1
    assert sum("Nothing to send." in o for o in outputs) == 1
    assert len(work.ledger()) == 3
    # The lock is left empty: no stale PID names a send that has ended.
    assert (work.folder / LOCK_NAME).read_text() == ""


def test_a_held_lock_stops_with_the_holders_pid(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        with _holding(work.folder / LOCK_NAME, "4242"):
            result = run_cli(send, work.args("--yes", "--wait", "0.3", "--month", MONTH))
    assert result.exit_code == 3
    assert result.output.splitlines()[-1] == (
        "Error: another reportgen send (process 4242, started 2026-12-03 07:00:00) is sending "
        "this month's messages; waited 0.3 seconds. Let it finish, then run reportgen send "
        f"again to send what is left (the lock is {work.folder / LOCK_NAME})")
    assert recorder.received == []
    assert work.ledger() == []


@contextlib.contextmanager
def _holding(lock: Path, pid: str) -> Iterator[None]:
    """The lock file ``lock`` held as another reportgen holds it, naming process ``pid``."""
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{pid} 2026-12-03T07:00:00+00:00\n")
        held.flush()
        yield


def _hold_run_lock(folder: Path, pid: str) -> contextlib.AbstractContextManager[None]:
    """The month's run lock, held as a `run` writing the documents holds it."""
    return _holding(folder / RUN_LOCK, pid)


def test_a_run_writing_the_documents_keeps_send_from_reading_them(work):
    # A run rewriting the packs while send reads them would mail a pack the manifest does not
    # describe: send waits for the run's lock, and stops naming the run when it does not end.
    recorder = Recorder()
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        with _hold_run_lock(work.folder, "4343"):
            result = run_cli(send, work.args("--yes", "--wait", "0.3", "--month", MONTH))
    assert result.exit_code == 3
    assert result.output.splitlines()[-1] == (
        "Error: another reportgen (process 4343, started 2026-12-03 07:00:00) is writing to "
        f"{work.folder}; waited 0.3 seconds. Let it finish, then run this again, or give "
        f"--wait with more seconds (the lock is {work.folder / RUN_LOCK})")
    assert recorder.received == []
    assert work.ledger() == []


class AfterTheRun(Recorder):
    """Notes, for each message, whether the run had ended when it arrived."""

    def __init__(self, ended: threading.Event) -> None:
        super().__init__()
        self.ended, self.after = ended, []

    async def handle_DATA(self, server, session, envelope):
        self.after.append(self.ended.is_set())
        return await super().handle_DATA(server, session, envelope)


def test_send_waits_for_a_run_to_finish_then_sends(work, monkeypatch):
    released, ended, waiting = threading.Event(), threading.Event(), threading.Event()
    recorder = AfterTheRun(ended)

    def sleep(seconds: float) -> None:  # the lock's poll: send is waiting for the run
        waiting.set()
        time.sleep(seconds)

    monkeypatch.setattr(lock_module, "time", types.SimpleNamespace(
        monotonic=time.monotonic, sleep=sleep))
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        lock = _hold_run_lock(work.folder, "4444")
        lock.__enter__()

        def finish_the_run() -> None:
            # Ends the run only once send is seen waiting for it (or the test gave up).
            waiting.wait(30)
            released.wait(0.2)
            ended.set()
            lock.__exit__(None, None, None)

        finisher = threading.Thread(target=finish_the_run)
        finisher.start()
        try:
            result = run_cli(send, work.args("--yes", "--wait", "30", "--month", MONTH))
        finally:
            released.set()
            finisher.join()
    assert result.exit_code == 0, result.output
    assert waiting.is_set()
    assert [r.recipients for r in recorder.received] == [EAST_TO, SOUTH_TO, LEADERSHIP]
    assert recorder.after == [True, True, True]
    assert len(work.ledger()) == 3


def test_a_run_that_finished_while_send_waited_is_checked_again(work, monkeypatch):
    # send analysed the inputs, then waited for a run; that run was made from other files.
    # Under the lock the new manifest no longer matches what send read: nothing goes out.
    real_lock = lock_module.month_lock

    @contextlib.contextmanager
    def a_run_finishes_first(folder: Path, wait: float) -> Iterator[None]:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["inputs"]:
            if entry["name"] == "sales-east.xlsx":
                entry["sha256"] = "0" * 64
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with real_lock(folder, wait):
            yield

    monkeypatch.setattr(lock_module, "month_lock", a_run_finishes_first)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1].startswith(
        f"Error: the inputs in {work.inputs} have changed since the documents of {MONTH} were "
        "made (changed: sales-east.xlsx), so the packs do not show them and nothing was sent")
    assert recorder.received == []
    assert work.ledger() == []


def test_a_send_named_by_its_inputs_alone_meets_the_send_lock(work):
    # Without --month the month is known once the inputs are read: the lock is taken then.
    recorder = Recorder()
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        with _holding(work.folder / LOCK_NAME, "4646"):
            result = run_cli(send, work.args("--yes", "--wait", "0.3"))
    assert result.exit_code == 3, result.output
    assert result.output.splitlines()[-1] == (
        "Error: another reportgen send (process 4646, started 2026-12-03 07:00:00) is sending "
        "this month's messages; waited 0.3 seconds. Let it finish, then run reportgen send "
        f"again to send what is left (the lock is {work.folder / LOCK_NAME})")
    assert recorder.received == []
    assert work.ledger() == []


# ----------------------------------------------------------------------------- SMTP answers


class Answering(Recorder):
    """Answers DATA of the ``nth`` message (0-based) with ``reply``, or hangs up, or stalls."""

    def __init__(self, nth: int, reply: str | None = None, *, stall: float = 0.0,
                 hang_up: bool = False) -> None:
        super().__init__()
        self.nth, self.reply, self.stall, self.hang_up = nth, reply, stall, hang_up
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        index, self.seen = self.seen, self.seen + 1
        if index == self.nth and self.hang_up:
            # The whole message arrived; the connection ends before any answer.
            await super().handle_DATA(server, session, envelope)
            server.transport.abort()
            return "250 OK"
        if index == self.nth and self.stall:
            await super().handle_DATA(server, session, envelope)
            await asyncio.sleep(self.stall)
            return "250 OK"
        if index == self.nth and self.reply:
            return self.reply
        return await super().handle_DATA(server, session, envelope)


def test_a_connection_lost_after_data_is_uncertain_and_not_sent_twice(work):
    recorder = Answering(1, hang_up=True)
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH))
        assert result.exit_code == 3
        lines = result.output.splitlines()
        assert lines[0] == f"East: sent to {', '.join(EAST_TO)}"
        assert lines[1] == (
            f"{SOUTH}: uncertain — the connection to the mail server 127.0.0.1:{port} was lost "
            "after the whole message was sent, before the server answered, so it may have "
            'been delivered; the ledger records it as "uncertain" and it is not sent again by '
            f"itself. Ask {SOUTH_TO[0]} whether it arrived; if not, `reportgen send --resend "
            f"{SOUTH}` sends it again")
        assert lines[2] == (f"All regions: not sent — the mail server 127.0.0.1:{port} closed "
                            "the connection; try again later")
        assert lines[-1] == (
            "Error: 1 message(s) may have been delivered without the mail server confirming it "
            "(see above); check with the recipients before sending them again with --resend; "
            "1 of 3 message(s) were not sent; the ledger records what was, so `reportgen send` "
            "again sends only the rest")
        assert [(e["key"], e.get("status")) for e in work.ledger()] == [
            ("East", None), (SOUTH, "uncertain")]
        assert len(recorder.received) == 2

        again = run_cli(send, work.args("--yes", "--month", MONTH))
        assert again.exit_code == 0, again.output
        assert [r.recipients for r in recorder.received] == [EAST_TO, SOUTH_TO, LEADERSHIP]
        when = work.ledger()[1]["sent"][:16].replace("T", " ")
        assert (f"warning: {SOUTH}: uncertain: on {when} the mail server may have accepted "
                "this message without confirming it, so it is not sent again by itself; ask "
                f"{SOUTH_TO[0]} whether it arrived, and if not, send it with `reportgen send "
                f"--resend {SOUTH}`") in again.output.splitlines()

        resent = run_cli(send, work.args("--yes", "--month", MONTH, "--resend", SOUTH))
        assert resent.exit_code == 0, resent.output
        assert [r.recipients for r in recorder.received[3:]] == [SOUTH_TO]
        assert [(e["key"], e.get("status")) for e in work.ledger()][-1] == (SOUTH, None)


def test_a_stall_after_data_is_uncertain(work):
    recorder = Answering(0, stall=3.0)
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH, "--timeout", "0.5"))
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"East: uncertain — the mail server 127.0.0.1:{port} did not answer within 0.5 seconds "
        "after the whole message was sent, so it may have been delivered; the ledger records "
        'it as "uncertain" and it is not sent again by itself. Ask '
        f"{', '.join(EAST_TO)} whether it arrived; if not, `reportgen send --resend East` "
        "sends it again")
    assert [(e["key"], e.get("status")) for e in work.ledger()] == [("East", "uncertain")]


def test_a_temporary_refusal_is_retried_next_time(work):
    recorder = Answering(0, "451 4.3.0 mailbox busy, try later")
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH))
        assert result.exit_code == 3
        assert result.output.splitlines()[0] == (
            f"East: not sent — the mail server 127.0.0.1:{port} cannot take the message now "
            "(451 4.3.0 mailbox busy, try later); it is a temporary refusal, so `reportgen "
            "send` again later tries it again")
        assert [e["key"] for e in work.ledger()] == [SOUTH, ""]
        again = run_cli(send, work.args("--yes", "--month", MONTH))
        assert again.exit_code == 0, again.output
    assert [r.recipients for r in recorder.received] == [SOUTH_TO, LEADERSHIP, EAST_TO]


def test_a_refusal_shows_the_servers_reply(work):
    recorder = Answering(2, "554 5.7.1 message rejected as spam")
    with smtp_server(recorder) as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH))
    assert result.exit_code == 3
    assert result.output.splitlines()[2] == (
        "All regions: not sent — the mail server refused the message (554 5.7.1 message "
        "rejected as spam)")
    assert [e["key"] for e in work.ledger()] == ["East", SOUTH]


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_a_stalled_server_is_given_up_after_the_timeout(work):
    with silent_server() as port:
        _settings(work.config, port)
        result = run_cli(send, work.args("--yes", "--month", MONTH, "--timeout", "0.5"))
    assert result.exit_code == 3
    reason = (f"the mail server 127.0.0.1:{port} did not answer within 0.5 seconds; check "
              "host and port under [email], or try again later")
    assert [line for line in result.output.splitlines() if "not sent —" in line] == [
        f"East: not sent — {reason}", f"{SOUTH}: not sent — {reason}",
        f"All regions: not sent — {reason}"]
    assert work.ledger() == []

