"""Click-through: client names link to their plans, relative, HTML to HTML and PDF to PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from reportgen.documents.pack.view import PACK_TEMPLATE, pack_document_title
from reportgen.documents.pdf import render_pdf
from reportgen.documents.render import make_environment
from tests.documents.test_opening import GENERATED, view


def _uris(pdf: bytes) -> list[str]:
    """Every URI link of the PDF."""
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_pack_links_its_clients_plans_and_the_index() -> None:
    v = view("en")
    # Eagle is East's Major account: its plan is plans/E1-Eagle (the build's file name).
    assert v["plan_links"] == {"E1": "../plans/E1-Eagle.html"}
    html = make_environment("en").get_template(PACK_TEMPLATE).render(**v, generated=GENERATED)
    assert '<a class="plan-link" href="../plans/E1-Eagle.html">Eagle</a>' in html
    assert 'href="../index.html"' in html
    pdf = render_pdf(html, generated=GENERATED, title=pack_document_title(v), lang="en")
    uris = set(_uris(pdf))
    assert uris == {"../plans/E1-Eagle.pdf", "../index.html"}
