import errno
import os
import stat
import tempfile

import pytest

from reportgen.errors import EXIT_ENVIRONMENT, EnvironmentFailure
from reportgen.outputs import write
from reportgen.outputs.write import write_bytes_atomic, write_if_changed, write_text_atomic


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_write_bytes_creates_folder_and_file(tmp_path):
    target = tmp_path / "outputs" / "2026-10" / "plans" / "c001-acme.pdf"
    write_bytes_atomic(target, b"%PDF-1.7 data")
    assert target.read_bytes() == b"%PDF-1.7 data"
    assert listing(target.parent) == ["c001-acme.pdf"]  # no temporary file left


def test_write_replaces_existing_file(tmp_path):
    target = tmp_path / "a.html"
    target.write_bytes(b"old")
    write_bytes_atomic(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert listing(tmp_path) == ["a.html"]


def test_write_text_is_utf8_and_keeps_line_endings(tmp_path):
    target = tmp_path / "华东.html"
    write_text_atomic(target, "华东\r\n重要客户\n")
    assert target.read_bytes() == "华东\r\n重要客户\n".encode()


def test_file_gets_the_usual_permissions_not_mkstemp_private_ones(tmp_path):
    target = tmp_path / "a.pdf"
    write_bytes_atomic(target, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_temporary_file_is_hidden_in_the_same_folder(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((os.fspath(src), os.fspath(dst), listing(tmp_path)))
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", spy)
    target = tmp_path / "pack.pdf"
    write_bytes_atomic(target, b"x")
    [(src, dst, during)] = seen
    name = os.path.basename(src)
    assert os.path.dirname(src) == str(tmp_path)
    assert name.startswith(".pack.pdf.") and name.endswith(".tmp")
    assert dst == str(target)
    assert during == [name]  # the target did not exist until the rename


def fail_with(code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full. Free some space, then run again"),
        (errno.EROFS, "the disk is read-only. Choose another --out folder"),
        (errno.EACCES, "permission denied. Choose another --out folder or ask for write access"),
        (errno.EIO, "input/output error"),
    ],
)
def test_rename_failure_is_a_plain_environment_failure(tmp_path, monkeypatch, code, reason):
    folder = tmp_path / "outputs" / "2026-10"
    folder.mkdir(parents=True)
    target = folder / "pack.pdf"
    target.write_bytes(b"old")
    monkeypatch.setattr(write.os, "replace", fail_with(code))
    with pytest.raises(EnvironmentFailure) as caught:
        write_bytes_atomic(target, b"new")
    assert caught.value.message == f"cannot write to {folder}: {reason}"
    assert caught.value.exit_code == EXIT_ENVIRONMENT == 3
    assert isinstance(caught.value.__cause__, OSError)
    assert target.read_bytes() == b"old"  # the old output survives
    assert listing(folder) == ["pack.pdf"]  # the temporary file is gone


def test_relative_path_is_reported_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(write.os, "replace", fail_with(errno.ENOSPC))
    with pytest.raises(EnvironmentFailure) as caught:
        write_bytes_atomic("outputs/2026-10/pack.pdf", b"x")
    assert caught.value.message == (
        "cannot write to outputs/2026-10: the disk is full. Free some space, then run again"
    )


def test_permission_error_on_creating_the_temporary_file(tmp_path, monkeypatch):
    # Tests run as root, which chmod cannot stop: simulate the refusal instead.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(EnvironmentFailure) as caught:
        write_bytes_atomic(tmp_path / "a.pdf", b"x")
    assert caught.value.message == (
        f"cannot write to {tmp_path}: permission denied. Choose another --out folder or ask "
        "for write access"
    )


def test_parent_is_a_file(tmp_path):
    blocker = tmp_path / "outputs"
    blocker.write_text("I am a file")
    with pytest.raises(EnvironmentFailure) as caught:
        write_bytes_atomic(blocker / "2026-10" / "pack.pdf", b"x")
    assert caught.value.message == (
        f"cannot write to {blocker / '2026-10'}: part of that path is a file, not a folder. "
        "Choose another --out folder"
    )
    assert blocker.read_text() == "I am a file"


def test_folder_in_the_way_of_the_file(tmp_path):
    (tmp_path / "pack.pdf").mkdir()
    with pytest.raises(EnvironmentFailure, match="a folder is in the way of the file"):
        write_bytes_atomic(tmp_path / "pack.pdf", b"x")
    assert listing(tmp_path) == ["pack.pdf"]


def test_keyboard_interrupt_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"old")

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_bytes_atomic(target, b"new")
    assert listing(tmp_path) == ["pack.pdf"]
    assert target.read_bytes() == b"old"


def test_write_if_changed_leaves_identical_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    target.write_bytes(b"same")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(write.os, "replace", fail_with(errno.EIO))  # any write would fail
    assert write_if_changed(target, b"same") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(target, "same") is False  # text is compared as UTF-8


@pytest.mark.parametrize(
    ("existing", "data", "expected"),
    [
        (None, b"new", b"new"),
        (b"old", b"new", b"new"),
        (b"same size", b"same SIZE", b"same SIZE"),
        (b"short", b"longer text", b"longer text"),
        (None, "华东", "华东".encode()),
    ],
)
def test_write_if_changed_writes_new_content(tmp_path, existing, data, expected):
    target = tmp_path / "a.html"
    if existing is not None:
        target.write_bytes(existing)
    assert write_if_changed(target, data) is True
    assert target.read_bytes() == expected


def test_write_if_changed_reports_unreadable_existing_file(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    target.write_bytes(b"old")

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(type(target), "read_bytes", refuse)
    with pytest.raises(EnvironmentFailure, match=r"^cannot write to .*: permission denied"):
        write_if_changed(target, b"new")
