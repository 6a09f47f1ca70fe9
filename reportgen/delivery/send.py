"""E-mailing the month's review packs (SPEC, "E-mail"): once, whole, and only what `run` made.

One message per region pack goes to the region's leadership list, and one with the
all-regions pack to ``[email] leadership``. This module plans those messages from what
``reportgen run`` left in ``outputs/<month>/`` (``manifest.json`` and the pack PDFs), builds
them, and delivers them over SMTP, keeping a ledger so that each goes out once.

Decisions taken where SPEC leaves room:

* **Nothing is rendered here.** The attachment is the pack PDF ``run`` wrote. The message
  body's figures come from the same analysis the pack shows: the inputs are loaded and
  analysed again (about a second on the demo data) rather than read back from
  ``metrics.xlsx``, so money stays exact integer cents and the at-risk reasons keep their
  figures. To be sure body and attachment agree, the inputs' SHA-256 hashes must equal
  those ``manifest.json`` recorded; otherwise nothing is sent and the user is told to run
  again. The language is the run's (``manifest.json`` options), since the attachment is in it.
* **A run with errors sends nothing**: ``counts.errors`` of the manifest must be 0, every
  pack needs its PDF record in the manifest and the file on disk.
* **Recipients**: ``[email.regions]`` replaces the Regions sheet's list for a region (it is
  an override, not an addition). Addresses are split on ``,`` and ``;`` (also the full-width
  ``，``, ``；`` and ``、`` and line breaks, which Chinese spreadsheets hold), may be written
  ``Name <address>`` (the name is dropped) and are checked; a bad one is left out with a
  warning naming where it was written, and duplicates are dropped.
* **The ledger** (``sent.json`` in the month's folder) lists every delivery: the pack, the
  recipients the server accepted, the attachment's SHA-256, the time. It is rewritten
  atomically after every message, so a failure part-way leaves it true. A message is
  "already sent" to the recipients the ledger lists for that pack; a rerun sends only to the
  others (new or previously refused addresses), and ``--resend`` sends to everyone again.
  A pack that changed after it was sent is not sent again by itself: the user is told and
  can ``--resend``.
* **SMTP**: ``starttls`` never falls back to plain text when the server does not offer
  STARTTLS; certificates are checked with :func:`ssl.create_default_context` (which honours
  ``SSL_CERT_FILE``) unless ``verify_tls = false``; a password is never sent unencrypted to a
  host other than this machine. Server replies shown to the user have the password (and its
  base64 forms) blanked, and a refused login shows only the reply code.
* **Messages**: plain text (quoted-printable for English, base64 for Chinese, so any mail
  server accepts them); the attachment name is written as RFC 2231
  ``filename*=utf-8''…`` on one line (the header is allowed up to 998 characters, so the
  name is not split into ``filename*0*`` pieces that some mail programs misread).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import re
import smtplib
import socket
import ssl
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pandas as pd

from reportgen import __version__, i18n
from reportgen.documents import fmt
from reportgen.documents.pack.context import region_supervisor
from reportgen.errors import ConfigError, DataError, EnvironmentFailure

__all__ = [
    "LEDGER_NAME", "OUTBOX_NAME", "DeliveryReport", "Ledger", "Mailer", "Outgoing", "Recipients",
    "Skipped", "at_risk_key_accounts", "attachment_name", "body_facts", "body_text",
    "build_message", "check_inputs_unchanged", "deliver", "leadership_recipients",
    "message_bytes", "plan_messages", "read_ledger", "region_recipients", "smtp_context",
    "split_addresses", "subject", "write_outbox",
]

#: The ledger of sent messages, in the month's output folder.
LEDGER_NAME = "sent.json"
#: Where ``--dry-run`` writes the messages, under the month's output folder.
OUTBOX_NAME = "outbox"
#: The manifest/ledger key of the all-regions pack.
ALL_KEY = ""
#: At-risk key accounts listed in a message body before "and N more".
BODY_LIST_LIMIT = 10
#: Seconds to wait for the mail server before giving up.
SMTP_TIMEOUT = 30.0
#: Longest region text kept in a subject or attachment name.
NAME_LIMIT = 60
#: Key tiers (SPEC: Major and Named accounts).
KEY_TIERS = ("major", "named")

# An addr-spec without quoted local parts or address literals: what a supervisor writes.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_SEPARATORS = re.compile(r"[,;，；、\r\n]+")
_NAMED_ADDRESS = re.compile(r"^[^<>]*<([^<>]*)>$")
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


# ----------------------------------------------------------------------------- addresses


@dataclass(frozen=True)
class Recipients:
    """Who gets one pack, and the problems met reading the list."""

    addresses: tuple[str, ...]
    problems: tuple[str, ...] = ()


def _clean(text: str) -> str:
    """Text without control or invisible format characters, spaces collapsed."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in str(text) if unicodedata.category(c) != "Cf")
    return " ".join(kept.split())


def split_addresses(text: object) -> tuple[list[str], list[str]]:
    """The e-mail addresses in a cell or list, deduplicated; and the entries that are not one."""
    if text is None or fmt.is_blank(text):
        return [], []
    items = text if isinstance(text, list | tuple) else [text]
    good: list[str] = []
    bad: list[str] = []
    seen: set[str] = set()
    for item in items:
        for raw in _SEPARATORS.split(str(item)):
            entry = raw.strip()
            if not entry:
                continue
            named = _NAMED_ADDRESS.match(entry)
            address = (named.group(1) if named else entry).strip()
            if not _ADDRESS.fullmatch(address):
                bad.append(_clean(entry))
            elif address.casefold() not in seen:
                seen.add(address.casefold())
                good.append(address)
    return good, bad


def _where(row: Mapping[Any, Any]) -> str:
    """The Regions-sheet address of a row, as a supervisor reads it."""
    parts = [str(row.get("_file") or ""), f'sheet "{row.get("_sheet")}"' if row.get("_sheet")
             else "", f"row {row.get('_row')}" if row.get("_row") is not None else ""]
    return ", ".join(p for p in parts if p)


def region_recipients(region: str, regions: pd.DataFrame | None,
                      overrides: Mapping[str, Sequence[str]]) -> Recipients:
    """A region's leadership list: ``[email.regions]`` if it names the region, else the sheet."""
    if region in overrides:
        good, bad = split_addresses(list(overrides[region]))
        source = f'[email.regions] "{region}" in the settings file'
        return Recipients(tuple(good), tuple(
            f'{source}: "{b}" is not an e-mail address; it was left out' for b in bad))
    if regions is None:
        return Recipients(())
    names = regions["region"].astype("object")
    wanted = _clean(region).casefold()
    rows = [row for name, row in zip(names, regions.to_dict("records"), strict=True)
            if name is not None and _clean(str(name)).casefold() == wanted]
    if not rows:
        return Recipients(())
    addresses: list[str] = []
    problems: list[str] = []
    for row in rows:
        good, bad = split_addresses(row.get("leadership_emails"))
        for address in good:
            if address.casefold() not in {a.casefold() for a in addresses}:
                addresses.append(address)
        problems.extend(f'the Regions sheet ({_where(row)}), column "leadership_emails": '
                        f'"{b}" is not an e-mail address; it was left out — correct it'
                        for b in bad)
    return Recipients(tuple(addresses), tuple(problems))


def leadership_recipients(leadership: Sequence[str]) -> Recipients:
    """The all-regions pack's list: ``[email] leadership``."""
    good, bad = split_addresses(list(leadership))
    source = "[email] leadership in the settings file"
    return Recipients(tuple(good), tuple(
        f'{source}: "{b}" is not an e-mail address; it was left out' for b in bad))


# ----------------------------------------------------------------------------- wording


def _name_part(region: str | None, lang: str) -> str:
    """The region as it appears in a subject or file name (never a path, never a line break)."""
    text = _("All regions", lang) if region is None else _clean(region)
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
            "name": _clean(row.get("name") or ""),
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
    """The figures a message body states, as plain values (money in cents)."""
    frame = analysis.kpis.by_region
    if region is None:
        row = frame.iloc[-1]
    else:
        matches = frame.iloc[:-1][frame["region"].iloc[:-1] == region]
        if matches.empty:
            raise DataError(f"there are no figures for the region {region} in {analysis.month}")
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
                       region=_clean(region), month=month_words))
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
    supervisor = _clean(facts.get("supervisor") or "")
    lines.append(_("Prepared by %(supervisor)s with reportgen.", lang, supervisor=supervisor)
                 if supervisor else _("Prepared with reportgen.", lang))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- the month's run


def _manifest_inputs(manifest: Mapping[str, Any]) -> dict[str, str]:
    return {str(i.get("name")): str(i.get("sha256")) for i in manifest.get("inputs", [])
            if isinstance(i, dict)}


def check_inputs_unchanged(manifest: Mapping[str, Any], dataset: Any, month: str) -> None:
    """DataError unless the inputs are the very files the month's documents were made from."""
    before = _manifest_inputs(manifest)
    now = {f.name: f.sha256 for f in dataset.inputs}
    if before == now:
        return
    changed = sorted(n for n in now if n in before and before[n] != now[n])
    added = sorted(n for n in now if n not in before)
    removed = sorted(n for n in before if n not in now)
    what = "; ".join(p for p in (
        f"changed: {', '.join(changed)}" if changed else "",
        f"new: {', '.join(added)}" if added else "",
        f"gone: {', '.join(removed)}" if removed else "") if p)
    raise DataError(
        f"the inputs have changed since the documents of {month} were made ({what}), so the "
        f"packs may not show them; run `reportgen run --month {month}` first, then send again")


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
    return "All regions" if region is None else _clean(region)


def plan_messages(*, folder: Path, manifest: Mapping[str, Any], analysis: Any, dataset: Any,
                  config: Any, lang: str, ledger: Ledger, resend: bool,
                  only: Sequence[str | None] | None = None) -> tuple[list[Outgoing],
                                                                     list[Skipped]]:
    """The messages to send now and the packs held back (with the reason), in pack order."""
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
        skipped.append(Skipped(name, f'[email.regions] names "{name}", which is not a region '
                               f"of {month} (the regions are {', '.join(regions)}); "
                               "correct the name in the settings file", "warning"))
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
            where = ('add leadership = ["someone@example.com"] under [email] in the settings '
                     "file" if region is None else
                     f'fill in leadership_emails for {label} in the Regions sheet, or add '
                     f'"{label}" = ["someone@example.com"] under [email.regions] in the '
                     "settings file")
            skipped.append(Skipped(label, f"no leadership address, so its pack is not sent; "
                                   f"{where}", "warning"))
            continue
        record = documents.get(f"{stem}.pdf")
        pdf = folder / f"{stem}.pdf"
        if not isinstance(record, dict) or record.get("kind") != "pack" or not pdf.is_file():
            skipped.append(Skipped(label, f"there is no PDF of this pack ({stem}.pdf) from "
                                   f"the run; run `reportgen pack --month {month} --format "
                                   "pdf` first", "error"))
            continue
        digest = _sha256(pdf)
        delivered = ledger.delivered(region or ALL_KEY)
        pending = tuple(a for a in recipients.addresses
                        if resend or a.casefold() not in {d.casefold() for d in delivered})
        if not pending:
            last = ledger.last(region or ALL_KEY)
            when = last.get("sent", "") if last else ""
            if last and last.get("sha256") != digest:
                skipped.append(Skipped(label, f"already sent on {when[:16].replace('T', ' ')}; "
                                       "the pack has changed since — --resend sends the new "
                                       "version to everyone", "warning"))
            else:
                skipped.append(Skipped(label, f"already sent on {when[:16].replace('T', ' ')}"
                                       " (--resend sends it again)", "note"))
            continue
        html = folder / f"{stem}.html" if email.attach_html else None
        if html is not None and not html.is_file():
            skipped.append(Skipped(label, f"attach_html is on but {stem}.html is missing; the "
                                   "PDF goes alone", "warning"))
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


# ----------------------------------------------------------------------------- the ledger


@dataclass
class Ledger:
    """Every delivery made for the month, as stored in ``sent.json``."""

    path: Path
    month: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def delivered(self, key: str) -> list[str]:
        """Every address the pack ``key`` was delivered to, in the order first delivered."""
        out: list[str] = []
        for entry in self.deliveries:
            if entry.get("key") == key:
                out.extend(a for a in entry.get("recipients", []) if a not in out)
        return out

    def last(self, key: str) -> dict[str, Any] | None:
        """The latest delivery of the pack ``key``."""
        found = [e for e in self.deliveries if e.get("key") == key]
        return found[-1] if found else None

    def record(self, entry: dict[str, Any]) -> None:
        """Add a delivery and write the ledger at once (atomically)."""
        from reportgen.outputs.write import write_text_atomic

        self.deliveries.append(entry)
        data = {"month": self.month, "deliveries": self.deliveries}
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_ledger(folder: Path, month: str) -> Ledger:
    """The month's ledger (empty when nothing was sent yet); DataError when it is unreadable."""
    path = folder / LEDGER_NAME
    if not path.exists():
        return Ledger(path, month)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        deliveries = data["deliveries"]
        if not isinstance(deliveries, list) or not all(isinstance(e, dict) for e in deliveries):
            raise ValueError("deliveries is not a list of records")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"the send ledger {path} cannot be read ({exc}); it records what was already "
            "sent, so nothing was sent. Restore it from a backup, or delete it if you are sure "
            "nothing of this month was sent") from None
    return Ledger(path, month, deliveries)


# ----------------------------------------------------------------------------- SMTP


def smtp_context(verify: bool = True) -> ssl.SSLContext:
    """A TLS context that checks the server's certificate and name (unless ``verify`` is off)."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (a local relay)."""
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _redact(text: str, secrets: Iterable[str]) -> str:
    """Server text fit for the console: one line, short, the secrets blanked."""
    # Longest first: one form can end with another (base64 of an aligned prefix + password).
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return _clean(text)[:200]


class SendFailure(Exception):
    """One message could not be delivered; ``fatal`` when the connection itself is lost."""

    def __init__(self, reason: str, *, fatal: bool, accepted: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal
        self.accepted = tuple(accepted)


class Mailer:
    """An SMTP connection opened on first use, with every failure turned into plain words."""

    def __init__(self, email: Any, password: str | None, *, timeout: float = SMTP_TIMEOUT,
                 connect: Callable[..., smtplib.SMTP] | None = None) -> None:
        self.email = email
        self._password = password
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        self._connect = connect

    def _secrets(self) -> list[str]:
        password = self._password or ""
        if not password:
            return []
        user = self.email.user
        forms = [password,
                 base64.b64encode(password.encode()).decode(),
                 base64.b64encode(f"\0{user}\0{password}".encode()).decode(),
                 base64.b64encode(f"{user}\0{user}\0{password}".encode()).decode()]
        return forms

    def _server(self) -> str:
        return f"{self.email.host}:{self.email.port}"

    def describe(self, exc: BaseException) -> tuple[str, bool]:
        """A one-line reason for ``exc`` (never the password), and whether it is fatal."""
        email, server = self.email, self._server()
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            # The reply may quote what was sent; only its code is shown.
            return (f"the mail server {server} refused the login for {email.user} (code "
                    f"{exc.smtp_code}); check user under [email] and the password in the "
                    f"environment variable {email.password_env}", True)
        if _code(exc) == 530 and not email.user:
            return (f"the mail server {server} wants a login; set user under [email] and put "
                    f"the password in the environment variable {email.password_env}", True)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            refused = ", ".join(f"{a} ({c} {self._text(t)})"
                                for a, (c, t) in exc.recipients.items())
            return (f"the mail server refused every recipient: {refused}; correct the "
                    "addresses", False)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return (f"the mail server refused the sender {exc.sender} ({exc.smtp_code} "
                    f"{self._text(exc.smtp_error)}); check sender under [email]", False)
        if isinstance(exc, smtplib.SMTPDataError):
            return (f"the mail server refused the message ({exc.smtp_code} "
                    f"{self._text(exc.smtp_error)})", False)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return (f"the mail server {server} does not offer what is needed ("
                    f"{self._text(str(exc))}); check security and user under [email]", True)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return (f"the mail server {server} closed the connection; try again later", True)
        if isinstance(exc, smtplib.SMTPResponseException):
            return (f"the mail server {server} answered {exc.smtp_code} "
                    f"{self._text(exc.smtp_error)}", True)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (f"the certificate of the mail server {server} cannot be trusted "
                    f"({exc.verify_message}); ask your IT for the right host name, or, for a "
                    "relay on this machine with its own certificate, set verify_tls = false "
                    "under [email]", True)
        if isinstance(exc, ssl.SSLError):
            return (f"the encrypted connection to {server} failed ({exc.reason or exc}); "
                    "check security under [email] (starttls for port 587, ssl for 465)", True)
        if isinstance(exc, socket.gaierror):
            return (f"the mail server name {email.host} cannot be found; check host under "
                    "[email] and the network connection", True)
        if isinstance(exc, TimeoutError):
            return (f"the mail server {server} did not answer within {self.timeout:g} seconds; "
                    "check host and port under [email]", True)
        if isinstance(exc, ConnectionRefusedError):
            return (f"cannot reach the mail server {server} (connection refused); check host "
                    "and port under [email], or try again when the server is up", True)
        if isinstance(exc, OSError):
            return (f"cannot reach the mail server {server} ({exc.strerror or exc}); check host "
                    "and port under [email] and the network connection", True)
        return f"{type(exc).__name__}: {self._text(str(exc))}", True

    def _text(self, reply: bytes | str) -> str:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return _redact(text, self._secrets())

    def _open(self) -> smtplib.SMTP:
        email = self.email
        context = smtp_context(email.verify_tls)
        smtp: smtplib.SMTP
        if self._connect is not None:
            smtp = self._connect(email, context, self.timeout)
        elif email.security == "ssl":
            smtp = smtplib.SMTP_SSL(email.host, email.port, timeout=self.timeout,
                                    context=context)
        else:
            smtp = smtplib.SMTP(email.host, email.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if email.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SendFailure(
                        f"the mail server {self._server()} does not offer STARTTLS, and "
                        "reportgen does not send in clear text; set security = \"ssl\" (port "
                        "465) or ask your IT which to use", fatal=True)
                smtp.starttls(context=context)
                smtp.ehlo()
            if email.user:
                _login(smtp, email.user, self._password or "")
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> list[str]:
        """Deliver ``data``; the recipients the server accepted. SendFailure otherwise."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            refused = self._smtp.sendmail(sender, list(recipients), data)
        except SendFailure:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            reason, fatal = self.describe(exc)
            if fatal:
                self.close()
            raise SendFailure(reason, fatal=fatal) from None
        if refused:
            accepted = [a for a in recipients if a not in refused]
            listed = ", ".join(f"{a} ({c} {self._text(t)})" for a, (c, t) in refused.items())
            raise SendFailure(f"delivered to {', '.join(accepted)}, but the mail server "
                              f"refused {listed}; correct the address(es)", fatal=False,
                              accepted=accepted)
        return list(recipients)

    def close(self) -> None:
        """Say goodbye to the server (errors ignored: the messages are already handed over)."""
        if self._smtp is not None:
            _close(self._smtp)
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a non-ASCII user or password goes as UTF-8 AUTH PLAIN (RFC 4616).

    smtplib encodes credentials as ASCII only, so "Pässword" would fail before reaching
    the server.
    """
    if (user + password).isascii():
        smtp.login(user, password)
        return
    mechanisms = (smtp.esmtp_features.get("auth") or "").upper().split()
    if "PLAIN" not in mechanisms:
        raise smtplib.SMTPNotSupportedError(
            "a user or password with non-ASCII characters needs AUTH PLAIN, which the server "
            "does not offer")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _code(exc: BaseException) -> int | None:
    """The SMTP reply code an exception carries (the first recipient's for a refusal)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return int(exc.smtp_code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return int(next(iter(exc.recipients.values()))[0])
    return None


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


@dataclass
class DeliveryReport:
    """What a send did: the packs delivered and the failures, one line each."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)



def deliver(items: Sequence[tuple[Outgoing, bytes]], *, mailer: Mailer, sender: str,
            ledger: Ledger, now: Callable[[], dt.datetime],
            echo: Callable[[str, bool], None]) -> DeliveryReport:
    """Send each message, recording each delivery in the ledger before the next one."""
    report = DeliveryReport()
    fatal: str | None = None
    for item, data in items:
        if fatal is not None:
            report.failed.append(item.label)
            echo(f"{item.label}: not sent — {fatal}", True)
            continue
        try:
            accepted = mailer.send(sender, item.recipients, data)
            failure = None
        except SendFailure as exc:
            accepted, failure = list(exc.accepted), exc
            if exc.fatal:
                fatal = exc.reason
        if accepted:
            ledger.record({
                "key": item.key, "pack": f"{item.stem}.pdf", "attachment": item.pdf_name,
                "sha256": item.sha256, "fingerprint": item.fingerprint,
                "recipients": accepted, "subject": item.subject,
                "sent": now().isoformat(timespec="seconds"),
            })
        if failure is None:
            report.sent.append(item.label)
            echo(f"{item.label}: sent to {', '.join(accepted)}", False)
        else:
            report.failed.append(item.label)
            # A partial refusal's reason already says whom it was delivered to.
            echo(f"{item.label}: {'' if accepted else 'not sent — '}{failure.reason}", True)
    return report


def password_for(email: Any, environ: Mapping[str, str]) -> str | None:
    """The SMTP password from the environment variable the settings name (None: no login)."""
    if not email.user:
        return None
    password = environ.get(email.password_env, "")
    if not password:
        raise EnvironmentFailure(
            f"the mail server password is not set: put it in the environment variable "
            f"{email.password_env} (reportgen never reads it from the settings file)")
    return password


def sender_address(sender: str) -> str:
    """The bare address of ``sender`` ("Reports <r@example.com>" → "r@example.com")."""
    good, bad = split_addresses(sender)
    if len(good) != 1 or bad:
        raise ConfigError(f'[email] sender = "{_clean(sender)}" is not one e-mail address; '
                          'write it as sender = "reports@example.com"')
    return good[0]


def check_email_settings(email: Any, *, dry_run: bool) -> None:
    """ConfigError naming the first missing or unsafe [email] setting."""
    if not email.sender:
        raise ConfigError('[email] sender is not set; add sender = "reports@example.com" under '
                          "[email] in the settings file (reportgen.toml)")
    sender_address(email.sender)
    if dry_run:
        return
    if not email.host:
        raise ConfigError('[email] host is not set; add host = "smtp.example.com" (and port, '
                          "security, user) under [email] in the settings file (reportgen.toml)")
    if email.user and email.security == "none" and not is_loopback(email.host):
        raise ConfigError(
            f'[email] security = "none" would send the password unencrypted to {email.host}; '
            'use security = "starttls" or "ssl", or remove user for a relay that needs no login')
