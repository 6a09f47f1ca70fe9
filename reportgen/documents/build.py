"""Rendering the month's documents: which ones, where they go, and only what changed.

Each document is a *job*: a pure view-model (plain JSON data) and a template. Its
fingerprint hashes exactly what it shows — the view-model, the templates it uses, the
language and the tool version, never the generation date — so a rerun with unchanged inputs
renders nothing and rewrites nothing, and an unchanged document keeps its date. Jobs run in
a pool of worker processes (``--jobs``) forked after the analysis: each worker builds a
job's view-model, fingerprints it and renders it only if it changed; every file is written
atomically. The pool is one *executor*; another one (``documents/cluster.py``) runs the same
:func:`make_document` on other machines, which hand the files' bytes back for this process
to write.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.documents.cut import CELL_CHARS, cut
from reportgen.errors import EnvironmentFailure, ReportgenError
from reportgen.i18n import N_, Join, Term, Text
from reportgen.outputs.manifest import (
    MANIFEST,
    analysis_fingerprint,
    data_generation_time,
    manifest_data,
    previous_outputs,
    read_manifest,
)
from reportgen.outputs.slug import LEADERSHIP_STEM, pack_stems, plan_stems, safe_join


@dataclass(frozen=True)
class Job:
    """One document to make: what it shows and where it goes. A worker builds its view."""

    kind: str  # "plan" | "pack"
    key: str  # client_id, region, or "" for the all-regions pack
    stem: str  # path under the month's folder, without extension ("plans/C001-acme")
    template: str


@dataclass(frozen=True)
class RenderTask:
    """What a worker needs to render one job in the formats asked for."""

    folder: str
    stem: str
    title: str
    template: str
    view: dict[str, Any]
    generated: str  # ISO datetime
    lang: str
    currency: str
    templates: str | None
    formats: tuple[str, ...]
    #: [limits] render_seconds: the longest one document may take.
    time_limit: float = 0.0
    #: Hand the files' bytes back instead of writing them (a worker without the disk).
    keep: bool = False


@dataclass
class RenderReport:
    """What a render pass did: files written, documents skipped as unchanged, and timings."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def view_fingerprint(view: dict[str, Any], template_fp: str, lang: str) -> str:
    """Hash of what a document shows: view-model, templates, language, tool version."""
    digest = hashlib.sha256()
    digest.update(json.dumps(view, sort_keys=True, ensure_ascii=False, allow_nan=False,
                             default=_json_default).encode())
    digest.update(template_fp.encode())
    digest.update(lang.encode())
    digest.update(__version__.encode())
    return digest.hexdigest()


def _json_default(value: object) -> object:
    raise TypeError(f"view-models must hold plain data, not {type(value).__name__}")


# --- the worker side -------------------------------------------------------------------

_ENVIRONMENTS: dict[tuple[str, str | None, str], Any] = {}


def _environment(lang: str, templates: str | None, currency: str) -> Any:
    from reportgen.documents.render import make_environment

    key = (lang, templates, currency)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = make_environment(
            lang, Path(templates) if templates else None, currency=currency)
    return _ENVIRONMENTS[key]


def _die_with_parent() -> None:
    """Make this worker exit when the process that started it dies, even by SIGKILL.

    Otherwise a killed run leaves its pool's workers rendering the queued documents and then
    waiting forever for more.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    # Also covers a parent that died before prctl took effect, and other systems.
    threading.Thread(target=watch_parent, daemon=True).start()


def _warm_worker() -> None:
    """Load WeasyPrint and the fonts once per worker process, not once per document."""
    from reportgen.documents.pdf import font_configuration

    font_configuration()


class RenderTimeout(Exception):
    """A document took longer than [limits] render_seconds."""


def _on_alarm(_signum: int, _frame: object) -> None:
    raise RenderTimeout


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (only in a main thread, where signals arrive)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_task(task: RenderTask) -> tuple[str, list[str], float, str, list[bytes]]:
    """Render one document to HTML and/or PDF; returns (stem, files, seconds, error, bytes).

    Every format is made in memory first and written only once all are made, so a document
    that fails to render or runs out of time writes nothing: the folder keeps the last run's
    HTML and PDF of it, a matching pair. (Each file is replaced atomically, one after the
    other: a disk that fills between the two can still leave the new HTML beside the old PDF,
    and the error says so.) The bytes are the files' contents when ``task.keep`` asks for them
    (else empty, and the files are written here).
    """
    started = time.perf_counter()
    try:
        with _time_limit(task.time_limit):
            made, error = _render_formats(task)
    except RenderTimeout:
        limit = f"{task.time_limit:g}"
        return (task.stem, [], time.perf_counter() - started,
                N_("took longer than %(seconds)s seconds ([limits] render_seconds); nothing was "
                   "written for it", seconds=limit), [])
    if error:
        return task.stem, [], time.perf_counter() - started, error, []
    if task.keep:
        return (task.stem, [name for name, _ in made], time.perf_counter() - started, "",
                [data for _, data in made])
    from reportgen.outputs.write import write_bytes_atomic

    written: list[str] = []
    try:
        for name, data in made:
            write_bytes_atomic(safe_join(Path(task.folder), name), data)
            written.append(name)
    except EnvironmentFailure as exc:
        return task.stem, written, time.perf_counter() - started, N_(
            "environment: %(problem)s", problem=exc.message), []
    return task.stem, written, time.perf_counter() - started, "", []


def _render_formats(task: RenderTask) -> tuple[list[tuple[str, bytes]], str]:
    """The document's files as (name, bytes), in ``task.formats`` order, or the error."""
    made: list[tuple[str, bytes]] = []
    try:
        env = _environment(task.lang, task.templates, task.currency)
        generated = dt.datetime.fromisoformat(task.generated)
        html = env.get_template(task.template).render(**task.view, generated=generated)
        if "html" in task.formats:
            made.append((task.stem + ".html", html.encode("utf-8")))
        if "pdf" in task.formats:
            from reportgen.documents.pdf import render_pdf

            made.append((task.stem + ".pdf", render_pdf(html, generated=generated,
                                                       title=task.title, lang=task.lang)))
    except EnvironmentFailure as exc:
        return [], N_("environment: %(problem)s", problem=exc.message)
    except ReportgenError as exc:
        return [], exc.message
    except RenderTimeout:
        raise
    except Exception as exc:  # a document that fails must not take the others with it
        return [], _error_text(exc)
    return made, ""


def _error_text(exc: Exception) -> str:
    """An unexpected error as one line: its kind and Python's own words (quoted in Chinese)."""
    text = f"{type(exc).__name__}: {exc}"
    return Text("%(error)s", {"error": Term(text, words={"zh": f"“{text}”"})})


# --- the parent side -------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    """What every worker needs to build and render the month's documents.

    Workers are forked after it is set (see :func:`render_jobs`), so the analysis and the
    dataset are shared with them, never copied through a pipe.
    """

    analysis: Any
    dataset: Any
    config: Any
    folder: str
    generated: str  # ISO datetime
    lang: str
    currency: str
    templates: str | None
    formats: tuple[str, ...]
    time_limit: float
    force: bool
    #: Template name → fingerprint of the templates and assets it uses.
    template_fingerprints: dict[str, str]
    #: Output name ("plans/C001-acme.pdf") → fingerprint, for the files that still exist.
    previous: dict[str, str]
    #: Hand the files' bytes back in the outcome instead of writing them (see RenderTask).
    keep: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a worker did for one job."""

    job: Job
    title: str
    tier: str
    region: str
    fingerprint: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    seconds: float
    error: str
    #: The contents of ``written``, in order, when the month asked to keep them.
    data: tuple[bytes, ...] = ()


#: Runs the jobs of a month and yields one outcome per job as it is done, in any order.
Executor = Callable[[Sequence[Job], "Month"], Iterable[Outcome]]

#: The month being rendered, set in the parent before its workers are forked.
_MONTH: Month | None = None


def make_document(job: Job, month: Month | None = None) -> Outcome:
    """Build one job's view, fingerprint it, and render the formats whose file is stale.

    ``month`` defaults to the one the local pool set before forking its workers.
    """
    month = month or _MONTH
    assert month is not None, "render_jobs sets the month before any job runs"
    started = time.perf_counter()
    try:
        view, title, tier, region = _view(month, job)
        fingerprint = view_fingerprint(view, month.template_fingerprints[job.template],
                                       month.lang)
    except Exception as exc:  # a document that fails must not take the others with it
        return Outcome(job, job.stem, "", "", "", (), (), time.perf_counter() - started,
                       _error_text(exc))
    wanted = tuple(ext for ext in month.formats if month.force
                   or month.previous.get(f"{job.stem}.{ext}") != fingerprint)
    unchanged = tuple(f"{job.stem}.{ext}" for ext in month.formats if ext not in wanted)
    written: list[str] = []
    data: list[bytes] = []
    error = ""
    if wanted:
        if "pdf" in wanted:
            _warm_worker()
        _, written, _, error, data = render_task(RenderTask(
            folder=month.folder, stem=job.stem, title=title, template=job.template, view=view,
            generated=month.generated, lang=month.lang, currency=month.currency,
            templates=month.templates, formats=wanted, time_limit=month.time_limit,
            keep=month.keep))
    return Outcome(job, title, tier, region,
                   fingerprint, tuple(written), unchanged, time.perf_counter() - started, error,
                   tuple(data))


def _view(month: Month, job: Job) -> tuple[dict[str, Any], str, str, str]:
    """The job's view-model, its title, and the tier and region the index groups it by."""
    if job.kind == "plan":
        from reportgen.documents.plan.view import plan_document_title, plan_view

        view = plan_view(month.analysis, month.dataset, job.key, month.config, month.lang)
        header = view["header"]
        return (view, plan_document_title(view), str(header["tier"]["code"]),
                str(header["client"]["region"] or ""))
    from reportgen.documents.pack.view import pack_document_title, pack_view

    view = pack_view(month.analysis, month.dataset, job.key or None, month.config, month.lang)
    return view, pack_document_title(view), "", str(view["region"] or "")


def render_jobs(
    jobs: Sequence[Job],
    month: Month,
    *,
    previous: dict[str, dict[str, Any]],
    workers: int,
    progress: Callable[[int], None] | None = None,
    before_pdf: Callable[[], None] | None = None,
    executor: Executor | None = None,
) -> tuple[RenderReport, dict[str, dict[str, Any]]]:
    """Make every job (a worker skips a document whose fingerprint is unchanged).

    Returns what was done and the manifest records of the jobs' files. ``before_pdf`` is
    called once, when the first PDF has been rendered. ``executor`` runs the jobs (default:
    the local pool of ``workers`` processes); bytes it hands back are written here.
    """
    report = RenderReport()
    records: dict[str, dict[str, Any]] = {}
    pdf_seen = False
    run = executor or local_pool(workers)
    outcomes = iter(run(jobs, month) if jobs else ())
    try:
        for outcome in outcomes:
            outcome = _write_kept(month, outcome)
            job = outcome.job
            if progress:
                progress(1)
            if not pdf_seen and before_pdf is not None and any(
                    name.endswith(".pdf") for name in outcome.written):
                pdf_seen = True
                before_pdf()
            report.seconds[job.stem] = outcome.seconds
            report.written.extend(outcome.written)
            if outcome.error:
                report.failures.append(Text("%(document)s: %(problem)s",
                                            {"document": job.stem, "problem": outcome.error}))
                continue
            meta = {"kind": job.kind, "key": job.key, "title": outcome.title,
                    "tier": outcome.tier, "region": outcome.region}
            for name in outcome.unchanged:
                records[name] = {**previous.get(name, {}), **meta}
                report.unchanged.append(name)
            for name in outcome.written:
                records[name] = {"fingerprint": outcome.fingerprint, "generated": month.generated,
                                 **meta}
    finally:
        # However the loop ends (Ctrl-C included), the executor stops its pending work.
        getattr(outcomes, "close", lambda: None)()
    return report, records


def _write_kept(month: Month, outcome: Outcome) -> Outcome:
    """Write the files an executor handed back, atomically; a failed write is the job's error."""
    from reportgen.outputs.write import write_bytes_atomic

    if not outcome.data:
        return outcome
    written: list[str] = []
    error = outcome.error
    for name, data in zip(outcome.written, outcome.data, strict=True):
        try:
            write_bytes_atomic(safe_join(Path(month.folder), name), data)
        except EnvironmentFailure as exc:
            error = N_("environment: %(problem)s", problem=exc.message)
            break
        written.append(name)
    return dataclasses.replace(outcome, written=tuple(written), error=error, data=())


def local_pool(workers: int) -> Executor:
    """The executor that renders on this machine, in ``workers`` forked processes."""
    def run(jobs: Sequence[Job], month: Month) -> Iterable[Outcome]:
        return _run(jobs, month, workers)
    return run


def _run(jobs: Sequence[Job], month: Month, workers: int) -> Iterable[Outcome]:
    global _MONTH
    if not jobs:
        return
    _MONTH = month
    try:
        if workers <= 1 or len(jobs) == 1:
            for job in jobs:
                yield make_document(job)
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                                 initializer=_die_with_parent) as pool:
            # Large documents first, so one long pack does not finish alone at the end.
            ordered = sorted(jobs, key=lambda j: j.kind != "pack")
            yield from pool.map(make_document, ordered, chunksize=1)
    finally:
        _MONTH = None


# --- the month's documents ---------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """Which documents to make."""

    plans: bool = True
    packs: bool = True
    all_clients: bool = False
    clients: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


def build_jobs(analysis: Any, selection: Selection) -> list[Job]:
    """The plan and pack jobs the selection asks for (their views are built by the workers)."""
    from reportgen.documents.pack.context import pack_regions
    from reportgen.documents.pack.view import PACK_TEMPLATE
    from reportgen.documents.plan.view import PLAN_TEMPLATE, default_plan_clients

    jobs: list[Job] = []
    if selection.plans:
        names = dict(zip(analysis.clients["client_id"], analysis.clients["name"], strict=True))
        if selection.clients:
            unknown = [c for c in selection.clients if c not in names]
            if unknown:
                raise ReportgenError(N_(
                    "--client %(id)s: no client has that id; check the Clients sheet",
                    id=unknown[0]))
            chosen = list(dict.fromkeys(selection.clients))
        elif selection.all_clients:
            chosen = list(analysis.clients["client_id"])
        else:
            chosen = default_plan_clients(analysis)
        stems = plan_stems([(cid, str(names[cid] or "")) for cid in names])
        jobs += [Job("plan", cid, stems[cid], PLAN_TEMPLATE) for cid in chosen]
    if selection.packs:
        regions = pack_regions(analysis)
        if selection.regions:
            unknown = [r for r in selection.regions if r not in regions]
            if unknown:
                raise ReportgenError(N_("--region %(region)s: no such region; the regions are "
                                        "%(regions)s", region=unknown[0],
                                        regions=Join(regions)))
            chosen_regions: list[str | None] = list(dict.fromkeys(selection.regions))
        else:
            chosen_regions = [*regions, None]
        stems = pack_stems(regions)
        jobs += [Job("pack", region or "", stems[region] if region is not None
                     else LEADERSHIP_STEM, PACK_TEMPLATE) for region in chosen_regions]
    return jobs


def index_entries(documents: dict[str, dict[str, Any]], workbooks: Sequence[str],
                  folder: Path) -> dict[str, Any]:
    """What index.html lists: every document and workbook of the month that exists."""
    groups: dict[str, dict[str, Any]] = {}
    for name, record in sorted(documents.items()):
        if not (folder / name).is_file():
            continue
        stem = name.rsplit(".", 1)[0]
        entry = groups.setdefault(stem, {
            "kind": record.get("kind", ""), "key": record.get("key", ""),
            "title": record.get("title", stem), "tier": record.get("tier", ""),
            "region": cut(record.get("region", ""), CELL_CHARS), "files": []})
        entry["files"].append({"href": name, "format": name.rsplit(".", 1)[1].upper()})
    packs = [g for g in groups.values() if g["kind"] == "pack"]
    # The leadership pack first, then the regions.
    packs.sort(key=lambda g: (g["key"] != "", g["title"]))
    tier_order = {"major": 0, "named": 1, "non_named": 2, "mass": 3}
    plans = sorted((g for g in groups.values() if g["kind"] == "plan"),
                   key=lambda g: (tier_order.get(g["tier"], 9), g["region"], g["title"]))
    return {"packs": packs, "plans": plans,
            "workbooks": [w for w in sorted(workbooks) if (folder / w).is_file()]}


@dataclass
class MonthOutputs:
    """What one run produced for the month."""

    folder: Path
    workbooks: list[Path]
    report: RenderReport
    index: Path
    manifest: Path


def make_outputs(
    *, analysis: Any, dataset: Any, config: Any, out: Path, lang: str,
    formats: tuple[str, ...], templates: Path | None, selection: Selection, force: bool,
    workers: int, write_workbooks: bool, options: dict[str, Any],
    now: dt.datetime, key: str = "", progress: Callable[[int, int], None] | None = None,
    before_pdf: Callable[[], None] | None = None, executor: Executor | None = None,
) -> MonthOutputs:
    """Analysis workbooks, documents, index.html and manifest.json for the month."""
    from reportgen.documents.render import make_environment, render_template, template_fingerprint
    from reportgen.outputs.workbooks import WORKBOOKS
    from reportgen.outputs.workbooks import write_workbooks as write_analysis_workbooks
    from reportgen.outputs.write import environment_failure, write_if_changed

    folder = out / str(analysis.month)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_failure(folder / MANIFEST, exc) from None
    manifest = read_manifest(folder)
    data_fp = analysis_fingerprint(dataset, config, str(analysis.month))
    data_generated = data_generation_time(manifest, data_fp, now)
    workbooks: list[Path] = []
    if write_workbooks:
        workbooks = write_analysis_workbooks(
            analysis, dataset, folder, dt.datetime.fromisoformat(data_generated), lang=lang)
    env = make_environment(lang, templates, currency=config.format.currency)
    jobs = build_jobs(analysis, selection)
    total = len(jobs)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    previous = previous_outputs(manifest)
    month = Month(
        analysis=analysis, dataset=dataset, config=config, folder=str(folder),
        generated=now.isoformat(), lang=lang, currency=config.format.currency,
        templates=str(templates) if templates else None, formats=formats,
        time_limit=config.limits.render_seconds, force=force,
        template_fingerprints={t: template_fingerprint(env, [t]) for t in {j.template
                                                                           for j in jobs}},
        previous={name: str(record.get("fingerprint", "")) for name, record in previous.items()
                  if (folder / name).is_file()})
    report, records = render_jobs(jobs, month, previous=previous, workers=workers,
                                  progress=tick, before_pdf=before_pdf, executor=executor)
    documents = {**previous_outputs(manifest), **records}
    for failure in report.failures:
        stem = failure.split(":", 1)[0]
        for ext in formats:
            documents.pop(f"{stem}.{ext}", None)
    all_workbooks = sorted({*manifest.get("workbooks", []),
                            *(p.relative_to(folder).as_posix() for p in workbooks)}
                           & set(WORKBOOKS))
    entries = index_entries(documents, all_workbooks, folder)
    index_generated = max([r.get("generated", data_generated) for r in documents.values()]
                          + [data_generated])
    index_html = render_template(env, "index.html", {
        **entries, "document_title": _index_title(analysis.month, lang),
        "month": str(analysis.month),
        "generated": dt.datetime.fromisoformat(index_generated),
    })
    index = folder / "index.html"
    write_if_changed(index, index_html)
    data = manifest_data(dataset=dataset, analysis=analysis, options=options,
                         documents=documents, workbooks=[folder / w for w in all_workbooks],
                         folder=folder, data_generated=data_generated)
    data["data_fingerprint"] = data_fp
    # Only a run with no failure may vouch that everything it asked for is in place.
    data["run_key"] = key if not report.failures else ""
    manifest_path = folder / MANIFEST
    write_if_changed(manifest_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return MonthOutputs(folder, workbooks, report, index, manifest_path)


def _index_title(month: Any, lang: str) -> str:
    from reportgen import i18n
    from reportgen.documents import fmt

    return i18n.gettext("Reports for %(month)s", lang) % {"month": fmt.month_label(month, lang)}


def run_key(*, inputs: Sequence[Path], config: Any, request: dict[str, Any],
            lang: str, templates: Path | None, workbooks: bool) -> str:
    """Hash of everything a run's outputs depend on, known before any input is parsed.

    The input files' bytes, the settings, what was asked for (month, formats, selection),
    the templates (built-in and the user's) and the tool version. When a month's manifest
    holds the same key and its outputs are all in place, the run has nothing to do.
    """
    from reportgen.documents.render import make_environment, template_fingerprint
    from reportgen.inputs.load import file_sha256

    digest = hashlib.sha256()
    for path in sorted(inputs):
        digest.update(f"{path.name}\0{file_sha256(path)}\0".encode())
    # Where the documents are rendered ([cluster]) does not change them.
    digest.update(config.model_dump_json(exclude={"cluster"}).encode())
    digest.update(json.dumps(request, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{lang}\0{workbooks}\0{__version__}".encode())
    env = make_environment(lang, templates, currency=config.format.currency)
    digest.update(template_fingerprint(env, ["plan.html", "pack.html", "index.html"]).encode())
    return digest.hexdigest()


def unchanged_run(out: Path, key: str) -> dict[str, Any] | None:
    """The manifest of an earlier run with the same key whose outputs all still exist."""
    if not out.is_dir():
        return None
    for path in sorted(out.glob(f"*/{MANIFEST}")):
        manifest = read_manifest(path.parent)
        if manifest.get("run_key") != key:
            continue
        names = [*manifest.get("workbooks", []), *previous_outputs(manifest), "index.html"]
        if all((path.parent / name).is_file() for name in names):
            return manifest
    return None
