"""The review pack's view-model: :func:`pack_view` puts the sections together.

:func:`pack_view` turns the month's :class:`~reportgen.analysis.pipeline.Analysis` into the
plain data ``templates/pack.html`` renders: JSON types only (money as integers of
1/MONEY_SCALE, shares as float fractions, dates as ``YYYY-MM-DD``, months as ``YYYY-MM``, charts as
``{"data_uri", "alt"}``), deterministic, with labels already in the document's language. Each
key of the view is one section module's function of the region's
:class:`~reportgen.documents.pack.context.Ctx`; the opening sentences and the summary, last,
read the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen import i18n
from reportgen.documents import fmt
from reportgen.documents.pack.appendix import appendix
from reportgen.documents.pack.context import context, region_supervisor
from reportgen.documents.pack.drivers import drivers_section
from reportgen.documents.pack.kpis import kpi_section, trend_section
from reportgen.documents.pack.landing import landing_section
from reportgen.documents.pack.lifecycle import new_client_section, risk_section
from reportgen.documents.pack.links import INDEX_HREF, plan_links
from reportgen.documents.pack.managers import scorecards
from reportgen.documents.pack.opening import opening
from reportgen.documents.pack.pipeline import pipeline_section
from reportgen.documents.pack.quality import quality_section
from reportgen.documents.pack.service import service_section
from reportgen.documents.pack.summary import summary
from reportgen.documents.pack.tiers import customer_section, migration_section
from reportgen.documents.pack.words import _
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset

__all__ = ["PACK_TEMPLATE", "pack_document_title", "pack_view"]

#: The template the pack is rendered with.
PACK_TEMPLATE = "pack.html"


def pack_document_title(view: Mapping[str, Any]) -> str:
    """The pack's title with its month, for the PDF's metadata and e-mail subjects."""
    return f"{view['document_title']} · {fmt.month_label(view['month'], view['lang'])}"


def pack_view(
    analysis: Any, dataset: Dataset, region: str | None, config: Config, lang: str
) -> dict[str, Any]:
    """The review pack's view-model for ``region`` (None: the all-regions leadership pack)."""
    i18n.check_lang(lang)
    ctx = context(analysis, dataset, region, config, lang)
    kpi = kpi_section(ctx)
    view: dict[str, Any] = {
        "lang": lang,
        "month": str(ctx.month),
        "region": region,
        "is_all": region is None,
        "region_label": ctx.region_label,
        "document_title": (
            _("All regions review pack", lang)
            if region is None
            else _("%(region)s review pack", lang, region=ctx.region_label)
        ),
        "supervisor": region_supervisor(dataset, region),
        "currency": config.format.currency,
        "kpis": kpi,
        "trend": trend_section(ctx),
        "drivers": drivers_section(ctx),
        "landing": landing_section(ctx),
        "scorecards": scorecards(ctx),
        "customers": customer_section(ctx),
        "migration": migration_section(ctx),
        "new_clients": new_client_section(ctx),
        "risk": risk_section(ctx),
        "pipeline": pipeline_section(ctx),
        "service": service_section(ctx),
        "quality": quality_section(ctx),
        "appendix": appendix(ctx),
        "plan_links": plan_links(ctx),
        "index_href": INDEX_HREF,
    }
    view["opening"] = opening(ctx, view)
    view["summary"] = summary(ctx, view)
    return view
