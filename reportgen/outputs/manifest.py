"""manifest.json: what a month's run read, with which settings, and what it wrote.

It lists the input files with their SHA-256, the options (with ``inputs``, the absolute folder
the files were read from, so ``send`` checks the packs against the very same files), the counts and warnings, the
analysis workbooks and every document with its fingerprint and date; a rerun reads it to
know what is already up to date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.inputs.schema import rounded_units


MANIFEST = "manifest.json"


def read_manifest(folder: Path) -> dict[str, Any]:
    """The previous run's manifest for this month, or an empty one."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recorded_inputs(manifest: dict[str, Any]) -> Path | None:
    """The absolute inputs folder the run read (None for a manifest that does not say)."""
    options = manifest.get("options")
    folder = options.get("inputs") if isinstance(options, dict) else None
    return Path(folder) if isinstance(folder, str) and folder else None


def previous_outputs(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Output path → {fingerprint, generated} from a manifest."""
    outputs = manifest.get("documents", {})
    return outputs if isinstance(outputs, dict) else {}


def manifest_data(*, dataset: Any, analysis: Any, options: dict[str, Any],
                  documents: dict[str, dict[str, Any]], workbooks: Sequence[Path],
                  folder: Path, data_generated: str) -> dict[str, Any]:
    """manifest.json: inputs with hashes, options, counts, warnings and outputs."""
    from reportgen.inputs.issues import Severity

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
            # Currency units, rounded once to the cent from the exact total.
            "skipped_amount": float(rounded_units(sum(i.money or 0 for i in issues
                                                     if i.skipped))),
        },
        # In the run's language: an unchanged run prints them again instead of the checks.
        "warnings": [i.line(str(options.get("lang") or "en")) for i in issues
                     if i.severity is not Severity.INFO],
        "workbooks": sorted(p.relative_to(folder).as_posix() for p in workbooks),
        "documents": dict(sorted(documents.items())),
    }


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
    from reportgen.outputs.write import environment_failure, write_if_changed

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
    # Where the documents are rendered ([cluster]) changes no figure.
    digest.update(config.model_dump_json(exclude={"source", "cluster"}).encode())
    digest.update(f"{month}\0{__version__}".encode())
    return digest.hexdigest()
