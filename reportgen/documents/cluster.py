"""Rendering the month's documents on a Dask cluster (``--cluster ADDRESS``).

The client (this process) reads and analyses the month as always; the cluster only runs
:func:`reportgen.documents.build.make_document`, the very function the local pool runs, so each
document's view, fingerprint and files are made exactly as on this machine. The decisions:

- The month (analysis, dataset, settings, the previous fingerprints) is scattered to every
  worker once, and each task gets that one future, not a copy of the data.
- A task renders only a document whose fingerprint changed, and hands the files' bytes back
  (``Month.keep``): the workers need no shared disk, and only this process writes, atomically.
- Before any task is sent, every worker must run this reportgen version and, when PDFs are
  asked for, have the HarfBuzz subsetter and, for Chinese, a Chinese font; otherwise the run
  stops, naming the worker and what it lacks.
- A worker that dies is Dask's to handle: its tasks run again elsewhere (``retries`` covers a
  task that failed on the way), and nothing of them was written here. A document that still
  cannot be made is reported like a local failure.
- Leaving early (Ctrl-C, an error) cancels the tasks still pending on the cluster.
- ``[limits] render_seconds`` is not enforced on a worker: tasks run in its threads, where no
  alarm can interrupt them.

``distributed`` is optional (``pip install "reportgen[cluster]"``), imported only here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reportgen import __version__
from reportgen.documents.build import Executor, Job, Month, Outcome, _error_text, make_document
from reportgen.errors import EnvironmentFailure
from reportgen.i18n import N_, Join

#: How often Dask runs a task again after it failed on its way (a lost connection, say).
RETRIES = 3
#: The install command named when ``distributed`` is missing.
INSTALL = 'pip install "reportgen[cluster]"'


def cluster_executor(address: str, *, connect_seconds: float = 10.0) -> Executor:
    """The executor that renders the month's jobs on the Dask cluster at ``address``."""
    def run(jobs: Sequence[Job], month: Month) -> Iterable[Outcome]:
        return _run(address, connect_seconds, jobs, month)
    return run


def worker_facts(templates: str | None = None) -> dict[str, Any]:
    """What a worker can do: its reportgen version, a Chinese font, the HarfBuzz subsetter.

    And whether it sees the ``--templates`` folder, which it reads from its own disk.
    """
    from pathlib import Path

    import reportgen
    from reportgen.documents.pdf import cjk_font_available, harfbuzz_subset_available

    # Read the version at call time: the worker's own, not the one this module saw.
    return {"version": reportgen.__version__, "cjk": cjk_font_available(),
            "subsetter": harfbuzz_subset_available(),
            "templates": templates is None or Path(templates).is_dir()}


def worker_problems(facts: dict[str, Any], *, lang: str, formats: Sequence[str],
                    templates: str | None = None) -> list[str]:
    """What each worker lacks for this run (empty when every worker can render it).

    ``facts`` maps a worker's address to :func:`worker_facts` on it, or to the exception it
    raised there (reportgen missing, say).
    """
    problems: list[str] = []
    for worker, fact in sorted(facts.items()):
        if isinstance(fact, BaseException):
            problems.append(N_("worker %(worker)s cannot run reportgen (%(error)s); install "
                               "reportgen %(version)s there", worker=worker,
                               error=_error_text(fact if isinstance(fact, Exception)
                                                 else Exception(str(fact))),
                               version=__version__))
            continue
        if fact.get("version") != __version__:
            problems.append(N_("worker %(worker)s runs reportgen %(theirs)s, this machine "
                               "%(ours)s; install the same version on every worker",
                               worker=worker, theirs=fact.get("version"), ours=__version__))
            continue
        if not fact.get("templates", True):
            problems.append(N_("worker %(worker)s has no folder %(folder)s; put the --templates "
                               "folder at the same path there", worker=worker,
                               folder=templates))
        if "pdf" not in formats:
            continue
        if lang == "zh" and not fact.get("cjk"):
            problems.append(N_("worker %(worker)s has no Chinese font; install fonts-noto-cjk "
                               "there", worker=worker))
        if not fact.get("subsetter"):
            problems.append(N_("worker %(worker)s lacks the HarfBuzz font subsetter; install "
                               "libharfbuzz-subset0 there", worker=worker))
    return problems


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise EnvironmentFailure(N_("--cluster needs Dask distributed, which is not installed; "
                                    "install it with: %(command)s", command=INSTALL)) from None
    return distributed


@contextlib.contextmanager
def _client(address: str, connect_seconds: float) -> Iterator[Any]:
    """A connected client with at least one worker, closed on the way out."""
    distributed = _distributed()
    seconds = f"{connect_seconds:g}"
    try:
        client = distributed.Client(address, timeout=connect_seconds, set_as_default=False)
    except Exception:  # OSError, TimeoutError, a refused handshake: all mean "not reachable"
        raise EnvironmentFailure(N_("cannot reach the Dask scheduler at %(address)s within "
                                    "%(seconds)s seconds; check that it runs and the address",
                                    address=address, seconds=seconds)) from None
    try:
        try:
            client.wait_for_workers(1, timeout=connect_seconds)
        except Exception:
            raise EnvironmentFailure(N_("the Dask scheduler at %(address)s has no worker (waited "
                                        "%(seconds)s seconds); start one with: dask worker "
                                        "%(address)s", address=address, seconds=seconds)
                                     ) from None
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=connect_seconds)


def _check_workers(client: Any, address: str, month: Month) -> None:
    facts = client.run(worker_facts, month.templates, on_error="return")
    problems = worker_problems(facts, lang=month.lang, formats=month.formats,
                               templates=month.templates)
    if problems:
        raise EnvironmentFailure(N_("the cluster at %(address)s cannot render this run: "
                                    "%(problems)s", address=address,
                                    problems=Join(problems, {"en": "; ", "zh": "；"})))


def _run(address: str, connect_seconds: float, jobs: Sequence[Job],
         month: Month) -> Iterator[Outcome]:
    distributed = _distributed()
    # The client's own log lines (a worker lost, a task rescheduled) are the cluster's
    # business; the run reports what matters in its own words.
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with _client(address, connect_seconds) as client:
            _check_workers(client, address, month)
            shared = client.scatter(dataclasses.replace(month, keep=True), broadcast=True,
                                    hash=False)
            run_id = uuid.uuid4().hex[:12]
            futures = {}
            for number, job in enumerate(jobs):
                future = client.submit(
                    make_document, job, shared, key=f"reportgen-{run_id}-{number}",
                    retries=RETRIES, pure=False,
                    # Large documents first, so one long pack does not finish alone at the end.
                    priority=1 if job.kind == "pack" else 0)
                futures[future.key] = (future, job)
            try:
                for future, result in distributed.as_completed(
                        [f for f, _ in futures.values()], loop=client.loop,
                        with_results=True, raise_errors=False):
                    _, job = futures.pop(future.key)
                    future.release()
                    if isinstance(result, Outcome):
                        yield result
                    else:
                        yield _lost(job, result)
            finally:
                # Ctrl-C or an error here: stop what the cluster has not done yet.
                pending = [f for f, _ in futures.values()]
                if pending:
                    with contextlib.suppress(Exception):
                        client.cancel(pending, force=True)
    finally:
        logger.setLevel(level)


def _lost(job: Job, error: object) -> Outcome:
    """The outcome of a task the cluster could not finish (its workers kept dying, say)."""
    exc = error if isinstance(error, Exception) else Exception(str(error))
    return Outcome(job, job.stem, "", "", "", (), (), 0.0, _error_text(exc))
