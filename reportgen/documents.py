"""Rendering the month's documents: which ones, where they go, and only what changed.

Each document is a *job*: a pure view-model (plain JSON data) and a template. Its
fingerprint hashes exactly what it shows — the view-model, the templates it uses, the
language and the tool version, never the generation date — so a rerun with unchanged inputs
renders nothing and rewrites nothing, and an unchanged document keeps its date. Jobs render
in a pool of warm worker processes (``--jobs``); every file is written atomically.
"""

from __future__ import annotations

import contextlib
import ctypes
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
from reportgen.errors import EnvironmentFailure, ReportgenError
from reportgen.slug import safe_join, unique_slugs

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Job:
    """One document to render: where it goes, what it shows, and its fingerprint."""

    kind: str  # "plan" | "pack"
    key: str  # client_id, region, or "" for the all-regions pack
    stem: str  # path under the month's folder, without extension ("plans/C001-acme")
    title: str
    template: str
    view: dict[str, Any]
    fingerprint: str


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


def plan_stems(clients: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``plans/<client_id>-<slug>`` for each (client_id, name), distinct and safe."""
    slugs = unique_slugs([(cid, f"{cid}-{name}") for cid, name in clients])
    return {cid: f"plans/{slug}" for cid, slug in slugs.items()}


LEADERSHIP_STEM = "packs/all-regions"


def pack_stems(regions: Sequence[str]) -> dict[str, str]:
    """``packs/<region-slug>`` for each region, distinct and never the leadership pack's name.

    The leadership pack takes ``all-regions`` first (its key sorts before every region), so
    a region whose name slugs to it in any case ("All Regions") gets a numbered name instead.
    """
    keyed: list[tuple[tuple[int, str], str]] = [((0, ""), "all-regions")]
    keyed += [((1, region), region) for region in regions]
    slugs = unique_slugs(keyed)
    return {key[1]: f"packs/{slug}" for key, slug in slugs.items() if key[0] == 1}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The previous run's manifest for this month, or an empty one."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def previous_outputs(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Output path → {fingerprint, generated} from a manifest."""
    outputs = manifest.get("documents", {})
    return outputs if isinstance(outputs, dict) else {}


# --- the worker side -------------------------------------------------------------------

_ENVIRONMENTS: dict[tuple[str, str | None, str], Any] = {}


def _environment(lang: str, templates: str | None, currency: str) -> Any:
    from reportgen.render import make_environment

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
    from reportgen.pdf import font_configuration

    font_configuration()


def _init_worker() -> None:
    """A pool worker: tied to its parent's life, with WeasyPrint and the fonts loaded."""
    _die_with_parent()
    _warm_worker()


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


def render_task(task: RenderTask) -> tuple[str, list[str], float, str]:
    """Render one document to HTML and/or PDF; returns (stem, files, seconds, error)."""
    started = time.perf_counter()
    try:
        with _time_limit(task.time_limit):
            return _render_task(task, started)
    except RenderTimeout:
        limit = f"{task.time_limit:g}"
        return (task.stem, [], time.perf_counter() - started,
                f"took longer than {limit} seconds ([limits] render_seconds); nothing was "
                "written for it")


def _render_task(task: RenderTask, started: float) -> tuple[str, list[str], float, str]:
    from reportgen.write import write_bytes_atomic, write_text_atomic

    folder = Path(task.folder)
    written: list[str] = []
    try:
        env = _environment(task.lang, task.templates, task.currency)
        generated = dt.datetime.fromisoformat(task.generated)
        html = env.get_template(task.template).render(**task.view, generated=generated)
        if "html" in task.formats:
            write_text_atomic(safe_join(folder, task.stem + ".html"), html)
            written.append(task.stem + ".html")
        if "pdf" in task.formats:
            from reportgen.pdf import render_pdf

            pdf = render_pdf(html, generated=generated, title=task.title, lang=task.lang)
            write_bytes_atomic(safe_join(folder, task.stem + ".pdf"), pdf)
            written.append(task.stem + ".pdf")
    except EnvironmentFailure as exc:
        return task.stem, written, time.perf_counter() - started, f"environment: {exc.message}"
    except ReportgenError as exc:
        return task.stem, written, time.perf_counter() - started, exc.message
    except RenderTimeout:
        raise
    except Exception as exc:  # a document that fails must not take the others with it
        return task.stem, written, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
    return task.stem, written, time.perf_counter() - started, ""


# --- the parent side -------------------------------------------------------------------

def render_jobs(
    jobs: Sequence[Job],
    folder: Path,
    *,
    formats: tuple[str, ...],
    lang: str,
    currency: str,
    templates: Path | None,
    now: dt.datetime,
    previous: dict[str, dict[str, Any]],
    force: bool,
    workers: int,
    progress: Callable[[int], None] | None = None,
    before_pdf: Callable[[], None] | None = None,
    time_limit: float = 0.0,
) -> tuple[RenderReport, dict[str, dict[str, Any]]]:
    """Render the jobs whose fingerprint changed (all with ``force``); return the new records."""
    report = RenderReport()
    records: dict[str, dict[str, Any]] = {}
    tasks: list[RenderTask] = []
    for job in jobs:
        wanted = []
        meta = {"kind": job.kind, "key": job.key, "title": job.title,
                "tier": job.view.get("tier") or "", "region": job.view.get("region") or ""}
        for ext in formats:
            name = f"{job.stem}.{ext}"
            old = previous.get(name, {})
            if (not force and old.get("fingerprint") == job.fingerprint
                    and (folder / name).is_file()):
                records[name] = {**old, **meta}
                report.unchanged.append(name)
            else:
                wanted.append(ext)
        if wanted:
            tasks.append(RenderTask(
                folder=str(folder), stem=job.stem, title=job.title, template=job.template,
                view=job.view, generated=now.isoformat(), lang=lang, currency=currency,
                templates=str(templates) if templates else None, formats=tuple(wanted),
                time_limit=time_limit,
            ))
            for ext in wanted:
                records[f"{job.stem}.{ext}"] = {"fingerprint": job.fingerprint,
                                                "generated": now.isoformat(), **meta}
        elif progress:
            progress(1)
    if before_pdf is not None and any("pdf" in t.formats for t in tasks):
        before_pdf()
    for stem, written, seconds, error in _run(tasks, workers, progress):
        report.seconds[stem] = seconds
        report.written.extend(written)
        if error:
            report.failures.append(f"{stem}: {error}")
            for ext in formats:
                records.pop(f"{stem}.{ext}", None)
    return report, records


def _run(tasks: Sequence[RenderTask], workers: int,
         progress: Callable[[int], None] | None) -> Iterable[tuple[str, list[str], float, str]]:
    if not tasks:
        return
    if workers <= 1 or len(tasks) == 1:
        _warm_worker()
        for task in tasks:
            result = render_task(task)
            if progress:
                progress(1)
            yield result
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context,
                             initializer=_init_worker) as pool:
        # Large documents first, so one long pack does not finish alone at the end.
        ordered = sorted(tasks, key=lambda t: t.template != "pack.html")
        for result in pool.map(render_task, ordered, chunksize=1):
            if progress:
                progress(1)
            yield result


# --- the month's documents ---------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """Which documents to make."""

    plans: bool = True
    packs: bool = True
    all_clients: bool = False
    clients: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


def build_jobs(analysis: Any, dataset: Any, config: Any, lang: str, env: Any,
               selection: Selection) -> list[Job]:
    """The plan and pack jobs the selection asks for, with their view-models and fingerprints."""
    from reportgen.pack import PACK_TEMPLATE, pack_document_title, pack_regions, pack_view
    from reportgen.plan import PLAN_TEMPLATE, default_plan_clients, plan_document_title, plan_view
    from reportgen.render import template_fingerprint

    jobs: list[Job] = []
    if selection.plans:
        names = dict(zip(analysis.clients["client_id"], analysis.clients["name"], strict=True))
        if selection.clients:
            unknown = [c for c in selection.clients if c not in names]
            if unknown:
                raise ReportgenError(
                    f"--client {unknown[0]}: no client has that id; check the Clients sheet")
            chosen = list(dict.fromkeys(selection.clients))
        elif selection.all_clients:
            chosen = list(analysis.clients["client_id"])
        else:
            chosen = default_plan_clients(analysis)
        stems = plan_stems([(cid, str(names[cid] or "")) for cid in names])
        plan_fp = template_fingerprint(env, [PLAN_TEMPLATE])
        for cid in chosen:
            view = plan_view(analysis, dataset, cid, config, lang)
            jobs.append(Job("plan", cid, stems[cid], plan_document_title(view), PLAN_TEMPLATE,
                            view, view_fingerprint(view, plan_fp, lang)))
    if selection.packs:
        regions = pack_regions(analysis)
        if selection.regions:
            unknown = [r for r in selection.regions if r not in regions]
            if unknown:
                raise ReportgenError(
                    f"--region {unknown[0]}: no such region; the regions are "
                    + ", ".join(regions))
            chosen_regions: list[str | None] = list(dict.fromkeys(selection.regions))
        else:
            chosen_regions = [*regions, None]
        stems = pack_stems(regions)
        pack_fp = template_fingerprint(env, [PACK_TEMPLATE])
        for region in chosen_regions:
            view = pack_view(analysis, dataset, region, config, lang)
            stem = stems[region] if region is not None else LEADERSHIP_STEM
            jobs.append(Job("pack", region or "", stem, pack_document_title(view), PACK_TEMPLATE,
                            view, view_fingerprint(view, pack_fp, lang)))
    return jobs


def manifest_data(*, dataset: Any, analysis: Any, options: dict[str, Any],
                  documents: dict[str, dict[str, Any]], workbooks: Sequence[Path],
                  folder: Path, data_generated: str) -> dict[str, Any]:
    """manifest.json: inputs with hashes, options, counts, warnings and outputs."""
    from reportgen.issues import Severity

    issues = list(dataset.issues) + list(analysis.notes)
    return {
        "tool": {"name": "reportgen", "version": __version__},
        "month": str(analysis.month),
        "data_generated": data_generated,
        "options": options,
        "inputs": [
            {"name": f.name, "sha256": f.sha256, "size": f.size,
             "sheets": [{"sheet": s, "kind": k} for s, k in f.sheets]}
            for f in dataset.inputs
        ],
        "counts": {
            **{kind: int(len(table)) for kind, table in sorted(dataset.tables.items())},
            "errors": sum(i.severity is Severity.ERROR for i in issues),
            "warnings": sum(i.severity is Severity.WARNING for i in issues),
            "skipped_rows": sum(i.skipped for i in issues),
            "skipped_amount_cents": sum(i.amount_cents or 0 for i in issues if i.skipped),
        },
        "warnings": [i.line() for i in issues if i.severity is not Severity.INFO],
        "workbooks": sorted(p.relative_to(folder).as_posix() for p in workbooks),
        "documents": dict(sorted(documents.items())),
    }


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
            "region": record.get("region", ""), "files": []})
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


def data_generation_time(manifest: dict[str, Any], data_fp: str, now: dt.datetime) -> str:
    """The workbooks' date: the earlier run's when the data is the same, so nothing changes."""
    if manifest.get("data_fingerprint") == data_fp and manifest.get("data_generated"):
        return str(manifest["data_generated"])
    return now.isoformat()


def record_workbooks(folder: Path, dataset: Any, config: Any, analysis: Any, now: dt.datetime,
                     write: Callable[..., list[Path]]) -> list[Path]:
    """Write the analysis workbooks and note their data fingerprint and date in the manifest.

    Unchanged data keeps the workbooks' earlier date, so a rerun rewrites no file.
    """
    from reportgen.write import environment_failure, write_if_changed

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_failure(folder / MANIFEST, exc) from None
    manifest = read_manifest(folder)
    data_fp = analysis_fingerprint(dataset, config, str(analysis.month))
    generated = data_generation_time(manifest, data_fp, now)
    paths = write(analysis, dataset, folder, dt.datetime.fromisoformat(generated))
    names = {p.relative_to(folder).as_posix() for p in paths}
    manifest.update({
        "month": str(analysis.month), "data_fingerprint": data_fp, "data_generated": generated,
        "workbooks": sorted(set(manifest.get("workbooks", [])) | names),
    })
    write_if_changed(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return paths


def analysis_fingerprint(dataset: Any, config: Any, month: str) -> str:
    """Hash of what the analysis workbooks depend on: inputs, settings, month, tool version."""
    digest = hashlib.sha256()
    for f in dataset.inputs:
        digest.update(f"{f.name}\0{f.sha256}\0".encode())
    digest.update(config.model_dump_json(exclude={"source"}).encode())
    digest.update(f"{month}\0{__version__}".encode())
    return digest.hexdigest()


def make_outputs(
    *, analysis: Any, dataset: Any, config: Any, out: Path, lang: str,
    formats: tuple[str, ...], templates: Path | None, selection: Selection, force: bool,
    workers: int, write_workbooks: bool, options: dict[str, Any],
    now: dt.datetime, key: str = "", progress: Callable[[int, int], None] | None = None,
    before_pdf: Callable[[], None] | None = None,
) -> MonthOutputs:
    """Analysis workbooks, documents, index.html and manifest.json for the month."""
    from reportgen.pipeline import WORKBOOKS
    from reportgen.pipeline import write_workbooks as write_analysis_workbooks
    from reportgen.render import make_environment, render_template
    from reportgen.write import environment_failure, write_if_changed

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
            analysis, dataset, folder, dt.datetime.fromisoformat(data_generated))
    env = make_environment(lang, templates, currency=config.format.currency)
    jobs = build_jobs(analysis, dataset, config, lang, env, selection)
    total = len(jobs)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    report, records = render_jobs(
        jobs, folder, formats=formats, lang=lang, currency=config.format.currency,
        templates=templates, now=now, previous=previous_outputs(manifest), force=force,
        workers=workers, progress=tick, before_pdf=before_pdf,
        time_limit=config.limits.render_seconds)
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
    from reportgen import fmt, i18n

    return i18n.gettext("Reports for %(month)s", lang) % {"month": fmt.month_label(month, lang)}


def run_key(*, inputs: Sequence[Path], config: Any, request: dict[str, Any],
            lang: str, templates: Path | None, workbooks: bool) -> str:
    """Hash of everything a run's outputs depend on, known before any input is parsed.

    The input files' bytes, the settings, what was asked for (month, formats, selection),
    the templates (built-in and the user's) and the tool version. When a month's manifest
    holds the same key and its outputs are all in place, the run has nothing to do.
    """
    from reportgen.load import file_sha256
    from reportgen.render import make_environment, template_fingerprint

    digest = hashlib.sha256()
    for path in sorted(inputs):
        digest.update(f"{path.name}\0{file_sha256(path)}\0".encode())
    digest.update(config.model_dump_json().encode())
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
