"""The pack's words: gettext's ``_`` and ``N_`` in the document's language, shared labels.

Every message is marked where it is written (``_("...", lang)``, or ``N_("...")`` in a table
translated later), so the catalog's extraction finds it in whichever module of the pack holds
it. A label table used by one section lives in that section's module.
"""

from __future__ import annotations

from typing import Any

from reportgen import i18n


def N_(message: str) -> str:
    """Mark a message for translation without translating it (gettext's ``N_``)."""
    return message


#: Opportunity stages as the pipeline and the appendix name them.
OPP_STAGE_LABELS = {
    "lead": N_("Lead"),
    "qualified": N_("Qualified"),
    "proposal": N_("Proposal"),
    "negotiation": N_("Negotiation"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}


def _(message: str, lang: str, **values: Any) -> str:
    """``message`` in ``lang`` with ``%(name)s`` placeholders filled (gettext's ``_``)."""
    text = i18n.gettext(message, lang)
    return text % values if values else text
