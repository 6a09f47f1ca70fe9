"""The inputs folder at its edges: links, pipes, folders, odd names, changing files.

Each case ends with a message naming the file, never a hang or a traceback.
"""

from __future__ import annotations

import hashlib
import os
import sys

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from reportgen.inputs import load
from reportgen.inputs.config import Config
from reportgen.inputs.load import load_inputs
from tests.workbooks import CLIENTS, SALES, write_xlsx

GOOD = "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10)."


def _check(folder, lang="en"):
    result = CliRunner().invoke(cli, ["check", "--inputs", str(folder), "--lang", lang])
    assert "Traceback" not in result.output
    return result


def _good(folder):
    folder.mkdir(exist_ok=True)
    write_xlsx(folder / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    return folder


def test_link_out_of_the_folder_is_not_read(tmp_path):
    inputs = _good(tmp_path / "in")
    outside = tmp_path / "elsewhere.xlsx"
    write_xlsx(outside, {"Sales": [*SALES, ["2026-10-20", "C1", 999, "O9"]]})
    (inputs / "more.xlsx").symlink_to(outside)
    result = _check(inputs)
    assert result.exit_code == 0, result.output
    assert ("warning: more.xlsx: the file is a link to a file outside the inputs folder; it was "
            "not read — copy the workbook itself into the inputs folder") in result.output
    assert f"{GOOD} 0 error(s), 1 warning(s)." in result.output
    zh = _check(inputs, "zh")
    assert ("警告：more.xlsx：这个文件是指向输入文件夹以外文件的链接，没有读取——"
            "请把工作簿本身复制到输入文件夹中") in zh.output


def test_link_inside_the_folder_is_read(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "2026-10").mkdir(parents=True)
    write_xlsx(inputs / "2026-10" / "real.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    (inputs / "book.xlsx").symlink_to(inputs / "2026-10" / "real.xlsx")
    ds = load_inputs(inputs, Config())
    assert not ds.errors and not ds.warnings
    # SALES holds 1,200.50 and 3,000.00: the link read the file once, not twice or never.
    assert ds.table("sales")["amount"].sum() == (1_200_500_000 + 3_000_000_000)


def test_folder_and_pipe_named_like_workbooks_do_not_hang(tmp_path):
    inputs = _good(tmp_path / "in")
    (inputs / "x.xlsx").mkdir()
    os.mkfifo(inputs / "y.xlsx")
    result = _check(inputs)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("warning: x.xlsx: this is a folder, not a workbook; it was not read — remove it, or "
            "put the workbook itself in its place") in lines
    assert ("warning: y.xlsx: this is not a regular file (a pipe, socket or device); it was not "
            "read — remove it, or put the workbook itself in its place") in lines
    assert f"{GOOD} 0 error(s), 2 warning(s)." in lines


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root (and Windows) reads a file whatever its mode")
def test_unreadable_file_is_named(tmp_path):
    inputs = _good(tmp_path / "in")
    write_xlsx(inputs / "secret.xlsx", {"Sales": SALES})
    (inputs / "secret.xlsx").chmod(0)
    try:
        result = _check(inputs)
    finally:
        (inputs / "secret.xlsx").chmod(0o600)
    assert result.exit_code == 1
    assert ("error: secret.xlsx: the file cannot be opened (Permission denied) — check that it "
            "exists and that you may read it") in result.output.splitlines()


def test_unreadable_file_is_named_even_as_root(tmp_path, monkeypatch):
    """The same refusal with the permission error raised by ``open`` (root reads anyway)."""
    inputs = _good(tmp_path / "in")
    write_xlsx(inputs / "secret.xlsx", {"Sales": SALES})
    real_open = type(inputs).open

    def refusing_open(self, *args, **kwargs):
        if self.name == "secret.xlsx":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(inputs), "open", refusing_open)
    ds = load_inputs(inputs, Config())
    (err,) = ds.errors
    assert err.line("en") == ("error: secret.xlsx: the file cannot be opened (Permission denied)"
                              " — check that it exists and that you may read it")
    assert [f.name for f in ds.inputs] == ["book.xlsx"]
    assert len(ds.table("sales")) == 2


def test_names_with_newlines_and_undecodable_bytes_are_shown_escaped(tmp_path):
    inputs = _good(tmp_path / "in")
    (inputs / "bad\nname.xlsx").write_bytes(b"")
    (inputs / os.fsdecode(b"caf\xe9.xlsx")).write_bytes(b"")
    result = _check(inputs)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    empty = (": the file is empty — save the workbook again from Excel, or remove the file from "
             "the folder")
    assert "error: bad\ufffdname.xlsx" + empty in lines
    assert "error: caf\ufffd.xlsx" + empty in lines
    assert not any(ch in result.output for ch in "\udce9\x1b")


def test_workbook_replaced_while_read_is_an_error(tmp_path, monkeypatch):
    inputs = _good(tmp_path / "in")
    path = inputs / "book.xlsx"
    first = path.read_bytes()
    replacement = tmp_path / "new.xlsx"
    write_xlsx(replacement, {"Clients": CLIENTS, "Sales": [*SALES, ["2026-10-09", "C1", 5, "O7"]]})
    real_read = load.read_workbook

    def read_then_replace(file, **kwargs):
        out = real_read(file, **kwargs)
        os.replace(replacement, file)  # a save finishing while the last sheets were read
        return out

    monkeypatch.setattr(load, "read_workbook", read_then_replace)
    ds = load_inputs(inputs, Config())
    (err,) = ds.errors
    assert err.line("en") == (
        "error: book.xlsx: the file changed while it was being read (it was probably still "
        "being saved or copied) — wait until it is saved or copied, then run again")
    assert err.line("zh") == ("错误：book.xlsx：读取期间这个文件发生了变化"
                              "（可能还在保存或复制中）——请等它保存或复制完，再重新运行")
    # The hash recorded is the one of the bytes the reader was given.
    assert ds.inputs[0].sha256 == hashlib.sha256(first).hexdigest()


def test_unchanged_workbook_records_its_hash(tmp_path):
    inputs = _good(tmp_path / "in")
    ds = load_inputs(inputs, Config())
    assert not ds.errors
    assert ds.inputs[0].sha256 == hashlib.sha256((inputs / "book.xlsx").read_bytes()).hexdigest()
