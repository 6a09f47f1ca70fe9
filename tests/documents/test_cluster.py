"""Rendering on a Dask cluster: a real scheduler and two worker processes on 127.0.0.1.

The month of the bundled sample made with ``--cluster`` must be the month made here: the same
files, fingerprints and text. Faults: a worker killed mid-run, an unreachable scheduler, a
worker with another reportgen version, Ctrl-C.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli

distributed = pytest.importorskip("distributed")

# One cluster for the module: keep its tests on one test process.
pytestmark = pytest.mark.xdist_group("cluster")

MONTH = "2026-10"
#: Task keys of a run start with this (documents/cluster.py).
TASK_PREFIX = "reportgen-"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def run(*args: str) -> str:
    code, output = invoke(*args)
    assert code == 0, output
    return output


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=":0",
                                  silence_logs=logging.ERROR) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as c:
        yield c


@pytest.fixture(scope="module")
def local_month(sample_inputs, tmp_path_factory) -> Path:
    """The sample's month made on this machine, as HTML and PDF."""
    out = tmp_path_factory.mktemp("local")
    run("run", "--inputs", str(sample_inputs), "--out", str(out), "--jobs", "2", "--quiet")
    return out / MONTH


@pytest.fixture(scope="module")
def cluster_month(sample_inputs, cluster, tmp_path_factory) -> tuple[Path, str]:
    """The same month made on the cluster, and what the run printed."""
    out = tmp_path_factory.mktemp("cluster")
    output = run("run", "--inputs", str(sample_inputs), "--out", str(out),
                 "--cluster", cluster.scheduler_address)
    return out / MONTH, output


def files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def fingerprints(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {name: doc["fingerprint"] for name, doc in manifest["documents"].items()}


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def reportgen_tasks(client) -> list[str]:
    """The keys of reportgen's tasks the scheduler still holds."""
    def keys(dask_scheduler):
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith(TASK_PREFIX)]
    return client.run_on_scheduler(keys)


def test_cluster_month_is_the_local_month(local_month, cluster_month):
    folder, output = cluster_month
    local, remote = files(local_month), files(folder)
    assert sorted(local) == sorted(remote)
    documents = [n for n in local if n.startswith(("plans/", "packs/"))]
    # 62 plans (Major and Named clients) and 6 packs (5 regions and all regions), each twice.
    assert len(documents) == 136
    assert f"{len(documents)} file(s) written, 0 unchanged" in output
    assert fingerprints(folder) == fingerprints(local_month)
    assert set(fingerprints(folder)) == set(documents)
    for name in documents:
        if name.endswith(".html"):
            # Same day, same view: the very same bytes.
            assert remote[name].read_bytes() == local[name].read_bytes(), name
    for name in ["packs/all-regions.pdf", "packs/华东.pdf",
                 *sorted(n for n in documents if n.endswith(".pdf"))[:3]]:
        text = pdf_text(remote[name])
        assert text == pdf_text(local[name]), name
        assert "October 2026" in text
    assert "All regions review pack" in pdf_text(remote["packs/all-regions.pdf"])
    # Only this process wrote: no temporary file is left behind.
    assert not [n for n in remote if n.endswith(".tmp")]


def test_a_second_run_renders_nothing(sample_inputs, cluster, cluster_month):
    folder, _ = cluster_month
    before = {n: p.stat().st_mtime_ns for n, p in files(folder).items()
              if n.startswith(("plans/", "packs/"))}
    out = str(folder.parent)
    again = run("run", "--inputs", str(sample_inputs), "--out", out,
                "--cluster", cluster.scheduler_address)
    assert "Nothing changed since the last run for 2026-10: 0 file(s) written" in again
    # Asked differently (HTML only), so the run is not skipped as a whole: the cluster checks
    # every document's fingerprint and renders none.
    again = run("run", "--inputs", str(sample_inputs), "--out", out, "--format", "html",
                "--cluster", cluster.scheduler_address)
    assert "0 file(s) written, 68 unchanged" in again, again[-300:]
    after = {n: p.stat().st_mtime_ns for n, p in files(folder).items()
             if n.startswith(("plans/", "packs/"))}
    assert after == before


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker's process once a first document is done there (once per cluster)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if str(key).startswith(TASK_PREFIX) and finish == "memory":
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return
            os._exit(1)


def test_a_worker_killed_mid_run_loses_nothing(sample_inputs, cluster, client, local_month,
                                               tmp_path):
    marker = tmp_path / "killed"
    client.register_plugin(KillOnce(str(marker)), name="kill-once")
    try:
        out = tmp_path / "out"
        output = run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format",
                     "html", "--cluster", cluster.scheduler_address)
    finally:
        client.unregister_worker_plugin("kill-once")
    assert marker.exists(), "no worker was killed"
    assert "68 file(s) written, 0 unchanged" in output
    remote = files(out / MONTH)
    local = files(local_month)
    html = sorted(n for n in local if n.startswith(("plans/", "packs/")) and n.endswith(".html"))
    assert sorted(n for n in remote if n.startswith(("plans/", "packs/"))) == html
    for name in html:
        assert remote[name].read_bytes() == local[name].read_bytes(), name
    assert not [n for n in remote if n.endswith(".tmp")]
    assert client.wait_for_workers(2, timeout=60) is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "cannot reach the Dask scheduler at {address} within 1 seconds"),
    ("zh", "1 秒内无法连接位于 {address} 的 Dask 调度器"),
])
def test_an_unreachable_scheduler_is_exit_3_with_its_address(sample_inputs, tmp_path, lang,
                                                              words):
    address = f"tcp://127.0.0.1:{free_port()}"
    config = tmp_path / "reportgen.toml"
    config.write_text("[cluster]\nconnect_seconds = 1\n", encoding="utf-8")
    started = time.monotonic()
    code, output = invoke("pack", "--inputs", str(sample_inputs), "--out", str(tmp_path / "o"),
                          "--format", "html", "--config", str(config), "--lang", lang,
                          "--quiet", "--cluster", address)
    assert code == 3, output
    assert words.format(address=address) in output
    assert "Traceback" not in output
    assert time.monotonic() - started < 60
    assert not (tmp_path / "o" / MONTH / "packs").exists()


def test_the_scheduler_can_come_from_the_settings(sample_inputs, tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    config = tmp_path / "reportgen.toml"
    config.write_text(f'[cluster]\nscheduler = "{address}"\nconnect_seconds = 1\n',
                      encoding="utf-8")
    code, output = invoke("pack", "--inputs", str(sample_inputs), "--out", str(tmp_path / "o"),
                          "--format", "html", "--config", str(config), "--quiet")
    assert code == 3, output
    assert f"cannot reach the Dask scheduler at {address}" in output


def test_a_bad_scheduler_address_is_refused(sample_inputs, tmp_path):
    code, output = invoke("run", "--inputs", str(sample_inputs), "--cluster", "my laptop")
    assert code == 2
    assert ("'my laptop' is not a scheduler address; write it as tcp://host:port, e.g. "
            "tcp://10.0.0.5:8786") in output
    config = tmp_path / "reportgen.toml"
    config.write_text('[cluster]\nscheduler = "localhost:8786"\n', encoding="utf-8")
    code, output = invoke("run", "--inputs", str(sample_inputs), "--config", str(config))
    assert code == 2
    assert "cluster.scheduler: 'localhost:8786' is not a scheduler address" in output


def test_a_worker_with_another_version_is_named(sample_inputs, cluster, client, tmp_path):
    worker = sorted(client.scheduler_info()["workers"])[0]

    def set_version(version):
        import reportgen

        previous, reportgen.__version__ = reportgen.__version__, version
        return previous

    previous = client.run(set_version, "0.0.9", workers=[worker])[worker]
    try:
        code, output = invoke("pack", "--inputs", str(sample_inputs), "--out",
                              str(tmp_path / "o"), "--format", "html", "--quiet",
                              "--cluster", cluster.scheduler_address)
    finally:
        client.run(set_version, previous, workers=[worker])
    assert code == 3, output
    assert (f"the cluster at {cluster.scheduler_address} cannot render this run: worker "
            f"{worker} runs reportgen 0.0.9, this machine 0.1.0; install the same version on "
            "every worker") in output
    assert not (tmp_path / "o" / MONTH / "packs").exists()
    assert reportgen_tasks(client) == []


def test_what_a_worker_lacks_is_named_in_the_runs_language():
    from reportgen import i18n
    from reportgen.documents.cluster import worker_problems

    facts = {
        "tcp://10.0.0.7:4000": {"version": "0.1.0", "cjk": False, "subsetter": False,
                                "templates": True},
        "tcp://10.0.0.8:4000": {"version": "0.1.0", "cjk": True, "subsetter": True,
                                "templates": True},
        "tcp://10.0.0.9:4000": ModuleNotFoundError("No module named 'reportgen'"),
    }
    problems = worker_problems(facts, lang="zh", formats=("html", "pdf"))
    assert [i18n.render(p, "en") for p in problems] == [
        "worker tcp://10.0.0.7:4000 has no Chinese font; install fonts-noto-cjk there",
        "worker tcp://10.0.0.7:4000 lacks the HarfBuzz font subsetter; install "
        "libharfbuzz-subset0 there",
        "worker tcp://10.0.0.9:4000 cannot run reportgen (ModuleNotFoundError: No module named "
        "'reportgen'); install reportgen 0.1.0 there",
    ]
    assert i18n.render(problems[0], "zh") == (
        "工作节点 tcp://10.0.0.7:4000 没有中文字体；请在该节点上安装 fonts-noto-cjk")
    # English documents need no Chinese font; HTML alone needs no font at all.
    assert len(worker_problems(facts, lang="en", formats=("html", "pdf"))) == 2
    assert len(worker_problems(facts, lang="zh", formats=("html",))) == 1


def test_without_distributed_the_install_command_is_named(sample_inputs, tmp_path,
                                                           monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, output = invoke("pack", "--inputs", str(sample_inputs), "--out", str(tmp_path / "o"),
                          "--format", "html", "--quiet", "--cluster", "tcp://127.0.0.1:8786")
    assert code == 3, output
    assert ('--cluster needs Dask distributed, which is not installed; install it with: '
            'pip install "reportgen[cluster]"') in output


def test_ctrl_c_cancels_the_pending_tasks(cluster, client, demo, tmp_path):
    import datetime as dt

    from reportgen.documents.build import Selection, make_outputs
    from reportgen.documents.cluster import cluster_executor

    analysis, dataset, config = demo
    seen = []

    def interrupt(done: int, total: int) -> None:
        seen.append((done, total))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make_outputs(analysis=analysis, dataset=dataset, config=config, out=tmp_path,
                     lang="en", formats=("html", "pdf"), templates=None,
                     selection=Selection(), force=False, workers=1, write_workbooks=False,
                     options={}, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                     progress=interrupt,
                     executor=cluster_executor(cluster.scheduler_address))
    assert seen == [(1, 68)]
    deadline = time.monotonic() + 30
    while reportgen_tasks(client) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reportgen_tasks(client) == []
    written = [p for p in (tmp_path / MONTH).rglob("*.pdf")]
    assert 1 <= len(written) < 68
