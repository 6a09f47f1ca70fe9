"""Composing the month's review-pack e-mails (SPEC, "E-mail"): whole, and only what `run` made.

One message per region pack goes to the region's leadership list, and one with the
all-regions pack to ``[email] leadership``. This module plans those messages from what
``reportgen run`` left in ``outputs/<month>/`` (``manifest.json`` and the pack PDFs), words
and builds them; :mod:`reportgen.delivery.smtp` delivers them, and the ledger
(:mod:`reportgen.delivery.ledger`) keeps each going out once.

Decisions taken where SPEC leaves room:

* **Nothing is rendered here.** The attachment is the pack PDF ``run`` wrote. The message
  body's figures come from the same analysis the pack shows: the inputs are loaded and
  analysed again (about a second on the demo data) rather than read back from
  ``metrics.xlsx``, so money stays exact stored integers and the at-risk reasons keep their
  figures. To be sure body and attachment agree, the inputs' SHA-256 hashes must equal
  those ``manifest.json`` recorded; otherwise nothing is sent and the user is told to run
  again. The language is the run's (``manifest.json`` options), since the attachment is in it.
* **A run with errors sends nothing**: ``counts.errors`` of the manifest must be 0, every
  pack needs its PDF record in the manifest and the file on disk.
* **Messages**: plain text (quoted-printable for English, base64 for Chinese, so any mail
  server accepts them); the attachment name is written as RFC 2231
  ``filename*=utf-8''…`` on one line (the header is allowed up to 998 characters, so the
  name is not split into ``filename*0*`` pieces that some mail programs misread).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pandas as pd

from reportgen import __version__, i18n
from reportgen.delivery.ledger import ALL_KEY, Ledger
from reportgen.delivery.recipients import (
    clean,
    leadership_recipients,
    region_recipients,
    sender_address,
)
from reportgen.documents import fmt
from reportgen.documents.pack.context import region_supervisor
from reportgen.errors import DataError
from reportgen.i18n import N_

__all__ = [
    "OUTBOX_NAME", "Outgoing", "Skipped", "at_risk_key_accounts", "attachment_name",
    "body_facts", "body_text", "build_message", "changed_inputs", "check_inputs_unchanged",
    "message_bytes", "run_command",
    "plan_messages", "subject", "write_outbox",
]

#: Where ``--dry-run`` writes the messages, under the month's output folder.
OUTBOX_NAME = "outbox"
#: At-risk key accounts listed in a message body before "and N more".
BODY_LIST_LIMIT = 10
#: Longest region text kept in a subject or attachment name.
NAME_LIMIT = 60
#: Key tiers (SPEC: Major and Named accounts).
KEY_TIERS = ("major", "named")

# File-name characters no mail program or file system should see in an attachment name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]')
_REASON_JOINER = {"en": "; ", "zh": "；"}
# Bodies are encoded in lines of at most 76 characters (RFC 2045) when the message is built
# with the SMTP policy; it is then written with headers folded only past RFC 5322's hard limit
# of 998, which keeps the attachment name a single filename*= parameter.
_BUILD_POLICY = policy.SMTP.clone(max_line_length=76)
_WRITE_POLICY = policy.SMTP.clone(max_line_length=998)


def _(message: str, lang: str, **values: Any) -> str:
    """``message`` in ``lang`` with ``%(name)s`` placeholders filled (gettext's ``_``)."""
    text = i18n.gettext(message, lang)
    return text % values if values else text


# ----------------------------------------------------------------------------- wording


def _name_part(region: str | None, lang: str) -> str:
    """The region as it appears in a subject or file name (never a path, never a line break)."""
    text = _("All regions", lang) if region is None else clean(region)
    return text[:NAME_LIMIT].strip() or "-"


def subject(month: str, region: str | None, lang: str) -> str:
    """The message's subject: the month, the region and "review pack", in ``lang``."""
    return _("%(region)s review pack, %(month)s", lang, region=_name_part(region, lang),
             month=fmt.month_label(month, lang))


def attachment_name(month: str, region: str | None, lang: str, ext: str = "pdf") -> str:
    """"2026-10 East review pack.pdf" / "2026年10月 华东 月度经营分析.pdf"."""
    # A date-like month sorts well in an English file list; Chinese reads 2026年10月.
    month_text = month if lang == "en" else fmt.month_label(month, lang)
    stem = _("%(month)s %(region)s review pack", lang, month=month_text,
             region=_name_part(region, lang))
    stem = _UNSAFE_NAME.sub("-", stem).strip(" .") or "review pack"
    return f"{stem}.{ext}"


def _reason(code: str, life: Mapping[str, Any], currency: str, lang: str) -> str:
    """One at-risk reason in words, with the figure behind it."""
    if code == "sales_drop":
        ratio = life.get("sales_ratio")
        digits = 1 if ratio is not None and abs(float(ratio)) < 0.1 else 0
        return _("last 3 months' sales at %(ratio)s of a year before", lang,
                 ratio=fmt.pct(ratio, digits, lang))
    if code == "purchase_gap":
        return _("no purchase for %(days)s days (usual gap %(gap)s days)", lang,
                 days=fmt.number(life.get("days_since_last_purchase"), 0, lang),
                 gap=fmt.number(life.get("median_gap_days"), 0, lang))
    if code == "open_complaint":
        return _("unresolved complaints: %(count)s", lang,
                 count=fmt.number(life.get("open_complaints"), 0, lang))
    if code == "over_credit":
        return _("receivables %(receivables)s over the credit limit %(limit)s", lang,
                 receivables=fmt.money(life.get("receivables"), currency, lang),
                 limit=fmt.money(life.get("credit_limit"), currency, lang))
    return code


def _plain(value: Any) -> Any:
    """A pandas/numpy scalar as a plain Python value (None for blanks)."""
    if value is None or (not isinstance(value, list | tuple) and fmt.is_blank(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def at_risk_key_accounts(analysis: Any, region: str | None) -> list[dict[str, Any]]:
    """The region's at-risk Major and Named clients, by current value (highest first)."""
    clients = analysis.clients
    mask = (clients["stage"] == "at_risk") & clients["tier"].isin(KEY_TIERS)
    if region is not None:
        mask &= clients["region"] == region
    rows = clients[mask.fillna(False).astype(bool)]
    out = []
    for row in rows.to_dict("records"):
        cid = str(row["client_id"])
        life = analysis.life.loc[cid] if cid in analysis.life.index else {}
        out.append({
            "client_id": cid,
            "name": clean(row.get("name") or ""),
            "tier": str(row["tier"]),
            "current_value": _plain(row.get("current_value")),
            "reasons": [str(c) for c in (_plain(life.get("risk_reasons")) or [])],
            "life": {k: _plain(life.get(k)) for k in (
                "sales_ratio", "days_since_last_purchase", "median_gap_days",
                "open_complaints", "receivables", "credit_limit")},
        })
    out.sort(key=lambda r: (-(r["current_value"] or 0), r["client_id"]))
    return out


def body_facts(analysis: Any, region: str | None, *, supervisor: str | None = None,
               generated: str = "") -> dict[str, Any]:
    """The figures a message body states, as plain values (money as stored integers)."""
    frame = analysis.kpis.by_region
    if region is None:
        row = frame.iloc[-1]
    else:
        matches = frame.iloc[:-1][frame["region"].iloc[:-1] == region]
        if matches.empty:
            raise DataError(N_("there are no figures for the region %(region)s in %(month)s",
                               region=region, month=str(analysis.month)))
        row = matches.iloc[0]
    get = {str(k): _plain(v) for k, v in row.items()}
    return {
        "month": str(analysis.month),
        "region": region,
        "supervisor": supervisor,
        "generated": generated,
        "sales": get.get("sales"),
        "target": get.get("sales_target"),
        "target_variance": get.get("sales_variance_target"),
        "target_relative": get.get("sales_rel_variance_target"),
        "last_year": get.get("sales_last_year"),
        "last_year_variance": get.get("sales_variance_last_year"),
        "last_year_relative": get.get("sales_rel_variance_last_year"),
        "new_clients": get.get("new_clients"),
        "lost_clients": get.get("lost_clients"),
        "at_risk": at_risk_key_accounts(analysis, region),
    }


def _plan_line(facts: Mapping[str, Any], month: str, currency: str, lang: str) -> str:
    """"- against plan (¥…): +¥… (+…%)", or the sentence saying there is no plan."""
    if facts["target"] is None:
        return _("- against plan: there is no plan for %(month)s", lang, month=month)
    values = {"comparator": fmt.money(facts["target"], currency, lang),
              "variance": fmt.delta(facts["target_variance"], currency, lang)}
    if facts["target_relative"] is None:
        return _("- against plan (%(comparator)s): %(variance)s", lang, **values)
    return _("- against plan (%(comparator)s): %(variance)s (%(relative)s)", lang,
             relative=fmt.pct(facts["target_relative"], 1, lang, signed=True), **values)


def _last_year_line(facts: Mapping[str, Any], month: str, currency: str, lang: str) -> str:
    """"- against last year (¥…): -¥… (-…%)", or the sentence saying there are no data."""
    if facts["last_year"] is None:
        return _("- against last year: the data hold no sales for %(month)s", lang, month=month)
    values = {"comparator": fmt.money(facts["last_year"], currency, lang),
              "variance": fmt.delta(facts["last_year_variance"], currency, lang)}
    if facts["last_year_relative"] is None:
        return _("- against last year (%(comparator)s): %(variance)s", lang, **values)
    return _("- against last year (%(comparator)s): %(variance)s (%(relative)s)", lang,
             relative=fmt.pct(facts["last_year_relative"], 1, lang, signed=True), **values)


def body_text(facts: Mapping[str, Any], lang: str, currency: str) -> str:
    """The message body: sales against plan and last year, new and lost clients, at-risk keys."""
    month = facts["month"]
    month_words = fmt.month_label(month, lang)
    region = facts["region"]
    lines = [_("Hello,", lang), ""]
    if region is None:
        lines.append(_("Attached is the all-regions review pack for %(month)s.", lang,
                       month=month_words))
    else:
        lines.append(_("Attached is the review pack of %(region)s for %(month)s.", lang,
                       region=clean(region), month=month_words))
    last_year = fmt.month_label(str(pd.Period(month, "M") - 12), lang)
    lines += [
        "",
        _("Sales in %(month)s: %(sales)s", lang, month=month_words,
          sales=fmt.money(facts["sales"], currency, lang)),
        _plan_line(facts, month_words, currency, lang),
        _last_year_line(facts, last_year, currency, lang),
        _("New clients: %(n)s", lang, n=fmt.number(facts["new_clients"], 0, lang)),
        _("Lost clients: %(n)s", lang, n=fmt.number(facts["lost_clients"], 0, lang)),
        "",
    ]
    at_risk = facts["at_risk"]
    if not at_risk:
        lines.append(_("At-risk key accounts (Major and Named): none.", lang))
    else:
        lines.append(_("At-risk key accounts (Major and Named): %(n)s", lang,
                       n=fmt.number(len(at_risk), 0, lang)))
        for client in at_risk[:BODY_LIST_LIMIT]:
            reasons = _REASON_JOINER[lang].join(
                _reason(code, client["life"], currency, lang) for code in client["reasons"])
            lines.append(_("- %(name)s (%(client_id)s, %(tier)s, %(value)s over the last "
                           "12 months): %(reasons)s", lang,
                           name=client["name"], client_id=client["client_id"],
                           tier=i18n.label("tier", client["tier"], lang),
                           value=fmt.money(client["current_value"], currency, lang),
                           reasons=reasons))
        if len(at_risk) > BODY_LIST_LIMIT:
            lines.append(_("… and %(n)s more in the attached pack.", lang,
                           n=fmt.number(len(at_risk) - BODY_LIST_LIMIT, 0, lang)))
    lines += ["", _("The attached PDF has the full figures, the customer base, the pipeline "
                    "and the data checks.", lang)]
    supervisor = clean(facts.get("supervisor") or "")
    lines.append(_("Prepared by %(supervisor)s with reportgen.", lang, supervisor=supervisor)
                 if supervisor else _("Prepared with reportgen.", lang))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- the month's run


def _manifest_inputs(manifest: Mapping[str, Any]) -> dict[str, str]:
    return {str(i.get("name")): str(i.get("sha256")) for i in manifest.get("inputs", [])
            if isinstance(i, dict)}


def shell_word(text: str) -> str:
    """``text`` as one shell word: bare when safe (Chinese names too), else quoted."""
    import shlex

    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else shlex.quote(text)


def run_command(inputs: Path, out: Path, month: str) -> str:
    """The `reportgen run` command that makes the month's documents from ``inputs`` again."""
    return (f"reportgen run --inputs {shell_word(str(inputs))} --out "
            f"{shell_word(str(out))} --month {month}")


def changed_inputs(manifest: Mapping[str, Any], dataset: Any) -> tuple[list[str], list[str],
                                                                          list[str]]:
    """The input files changed, added and removed since the run the manifest records."""
    before = _manifest_inputs(manifest)
    now = {f.name: f.sha256 for f in dataset.inputs}
    changed = sorted(n for n in now if n in before and before[n] != now[n])
    added = sorted(n for n in now if n not in before)
    removed = sorted(n for n in before if n not in now)
    return changed, added, removed


def check_inputs_unchanged(manifest: Mapping[str, Any], dataset: Any, month: str, *,
                           inputs: Path, out: Path) -> None:
    """DataError unless the inputs are the very files the month's documents were made from."""
    changed, added, removed = changed_inputs(manifest, dataset)
    if not (changed or added or removed):
        return
    parts = [N_("changed: %(files)s", files=", ".join(changed)) if changed else "",
             N_("new: %(files)s", files=", ".join(added)) if added else "",
             N_("gone: %(files)s", files=", ".join(removed)) if removed else ""]
    raise DataError(N_(
        "the inputs in %(folder)s have changed since the documents of %(month)s were made "
        "(%(what)s), so the packs do not show them and nothing was sent; make them again with "
        "`%(command)s`, then send", folder=str(inputs), month=month,
        what=i18n.Join([p for p in parts if p], {"en": "; ", "zh": "；"}),
        command=run_command(inputs, out, month)))


@dataclass(frozen=True)
class Outgoing:
    """One message ready to go: the pack, its recipients, subject, body and attachment."""

    key: str  # the region, or "" for the all-regions pack
    label: str  # the region as the console names it
    stem: str  # the pack's path under the month's folder, without extension
    recipients: tuple[str, ...]
    subject: str
    body: str
    pdf: Path
    pdf_name: str
    sha256: str
    fingerprint: str
    html: Path | None = None
    html_name: str = ""
    already: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A pack that is not sent this time, and why (severity: note, warning or error)."""

    label: str
    reason: str
    severity: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _label(region: str | None) -> str:
    """How the console names a pack: its region, or "All regions" (in the console's language)."""
    return N_("All regions") if region is None else clean(region)


def plan_messages(*, folder: Path, manifest: Mapping[str, Any], analysis: Any, dataset: Any,
                  config: Any, lang: str, ledger: Ledger,
                  resend: Collection[str | None] = (),
                  only: Sequence[str | None] | None = None) -> tuple[list[Outgoing],
                                                                     list[Skipped]]:
    """The messages to send now and the packs held back (with the reason), in pack order.

    ``resend`` names the packs (None: the all-regions pack) to send again to everyone.
    """
    from reportgen.documents.pack.context import pack_regions
    from reportgen.outputs.manifest import previous_outputs
    from reportgen.outputs.slug import pack_stems

    month = str(analysis.month)
    email = config.email
    regions = pack_regions(analysis)
    stems = pack_stems(regions)
    documents = previous_outputs(dict(manifest))
    table = dataset.table("regions") if dataset.has("regions") else None
    skipped: list[Skipped] = []
    for name in sorted(set(email.regions) - set(regions)):
        skipped.append(Skipped(name, N_(
            '[email.regions] names "%(name)s", which is not a region of %(month)s (the regions '
            "are %(regions)s); correct the name in the settings file", name=name, month=month,
            regions=", ".join(regions)), "warning"))
    chosen: list[str | None] = [*regions, None] if only is None else list(only)
    outgoing: list[Outgoing] = []
    for region in chosen:
        label = _label(region)
        stem = stems[region] if region is not None else "packs/all-regions"
        if region is None:
            recipients = leadership_recipients(email.leadership)
        else:
            recipients = region_recipients(region, table, email.regions)
        skipped.extend(Skipped(label, p, "warning") for p in recipients.problems)
        if not recipients.addresses:
            where = (N_('add leadership = ["someone@example.com"] under [email] in the '
                        "settings file") if region is None else
                     N_('fill in leadership_emails for %(region)s in the Regions sheet, or add '
                        '"%(region)s" = ["someone@example.com"] under [email.regions] in the '
                        "settings file", region=label))
            skipped.append(Skipped(label, N_("no leadership address, so its pack is not sent; "
                                             "%(where)s", where=where), "warning"))
            continue
        record = documents.get(f"{stem}.pdf")
        pdf = folder / f"{stem}.pdf"
        if not isinstance(record, dict) or record.get("kind") != "pack" or not pdf.is_file():
            skipped.append(Skipped(label, N_(
                "there is no PDF of this pack (%(file)s) from the run; run `reportgen pack "
                "--month %(month)s --format pdf` first", file=f"{stem}.pdf", month=month),
                "error"))
            continue
        digest = _sha256(pdf)
        delivered = ledger.delivered(region or ALL_KEY)
        pending = tuple(a for a in recipients.addresses
                        if region in resend
                        or a.casefold() not in {d.casefold() for d in delivered})
        if not pending:
            last = ledger.last(region or ALL_KEY)
            when = (last.get("sent", "") if last else "")[:16].replace("T", " ")
            option = f"--resend {shell_word(region or 'ALL')}"
            if ledger.uncertain(region or ALL_KEY):
                skipped.append(Skipped(label, N_(
                    "uncertain: on %(when)s the mail server may have accepted this message "
                    "without confirming it, so it is not sent again by itself; ask "
                    "%(recipients)s whether it arrived, and if not, send it with `reportgen "
                    "send %(option)s`", when=when, recipients=", ".join(delivered),
                    option=option), "warning"))
            elif last and last.get("sha256") != digest:
                skipped.append(Skipped(label, N_(
                    "already sent on %(when)s; the pack has changed since — %(option)s sends "
                    "the new version to everyone", when=when, option=option), "warning"))
            else:
                skipped.append(Skipped(label, N_("already sent on %(when)s (%(option)s sends "
                                                 "it again)", when=when, option=option),
                                       "note"))
            continue
        html = folder / f"{stem}.html" if email.attach_html else None
        if html is not None and not html.is_file():
            skipped.append(Skipped(label, N_("attach_html is on but %(file)s is missing; the "
                                             "PDF goes alone", file=f"{stem}.html"),
                                   "warning"))
            html = None
        facts = body_facts(analysis, region, supervisor=region_supervisor(dataset, region),
                           generated=str(record.get("generated", "")))
        outgoing.append(Outgoing(
            key=region or ALL_KEY, label=label, stem=stem, recipients=pending,
            subject=subject(month, region, lang), body=body_text(facts, lang,
                                                                 config.format.currency),
            pdf=pdf, pdf_name=attachment_name(month, region, lang, "pdf"), sha256=digest,
            fingerprint=str(record.get("fingerprint", "")), html=html,
            html_name=attachment_name(month, region, lang, "html") if html else "",
            already=tuple(a for a in recipients.addresses if a not in pending)))
    return outgoing, skipped


# ----------------------------------------------------------------------------- messages


def build_message(item: Outgoing, *, sender: str, lang: str, now: dt.datetime) -> EmailMessage:
    """The e-mail for one pack: headers, plain-text body, the PDF (and HTML) attached."""
    message = EmailMessage(policy=_BUILD_POLICY)
    message["Subject"] = item.subject
    message["From"] = sender
    message["To"] = ", ".join(item.recipients)
    message["Date"] = format_datetime(now)
    # make_msgid's default domain is the machine's name, which can take a DNS lookup.
    message["Message-ID"] = make_msgid(domain=sender_address(sender).rsplit("@", 1)[-1])
    # RFC 3834: a generated report; out-of-office robots should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Mailer"] = f"reportgen {__version__}"
    message.set_content(item.body, charset="utf-8",
                        cte="quoted-printable" if lang == "en" else "base64")
    message.add_attachment(item.pdf.read_bytes(), maintype="application", subtype="pdf",
                           filename=item.pdf_name)
    if item.html is not None:
        # As bytes, so the recipient gets the very file; the pack's HTML is UTF-8.
        message.add_attachment(item.html.read_bytes(), maintype="text", subtype="html",
                               filename=item.html_name, params={"charset": "utf-8"})
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message exactly as it goes over SMTP (CRLF line ends)."""
    return message.as_bytes(policy=_WRITE_POLICY)


def write_outbox(folder: Path, messages: Sequence[tuple[Outgoing, bytes]]) -> list[Path]:
    """--dry-run: each message as ``outbox/<pack>.eml``; earlier .eml files there are removed."""
    from reportgen.outputs.write import write_bytes_atomic

    outbox = folder / OUTBOX_NAME
    if outbox.is_dir():
        for old in outbox.glob("*.eml"):
            old.unlink()
    paths = []
    for item, data in messages:
        path = outbox / f"{Path(item.stem).name}.eml"
        write_bytes_atomic(path, data)
        paths.append(path)
    return paths
