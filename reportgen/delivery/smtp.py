"""Delivering the month's messages over SMTP, recording each in the ledger as it goes.

The transport (:class:`Mailer`) opens the connection on first use and turns every failure
into one line of plain words; :func:`deliver` sends the messages
:mod:`reportgen.delivery.compose` built and records each delivery in the ledger before the
next. The ``[email]`` settings are checked here too, before anything is loaded.

Decision taken where SPEC leaves room:

* **SMTP**: ``starttls`` never falls back to plain text when the server does not offer
  STARTTLS; certificates are checked with :func:`ssl.create_default_context` (which honours
  ``SSL_CERT_FILE``) unless ``verify_tls = false``; a password is never sent unencrypted to a
  host other than this machine. Server replies shown to the user have the password (and its
  base64 forms) blanked, and a refused login shows only the reply code.
* **Answers**: a 4xx answer is a temporary refusal (not sent; the next ``send`` tries
  again), a 5xx a refusal (not sent; the reply is shown). A connection lost or timed out
  after the whole message (with its final ``.``) went out, before the server answered, is
  *uncertain*: the server may have accepted it, so it is recorded as such and not sent
  again by itself (:class:`SendFailure` with ``uncertain``).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportgen.delivery.compose import Outgoing, shell_word
from reportgen.delivery.ledger import UNCERTAIN, Ledger
from reportgen.delivery.recipients import clean, sender_address
from reportgen.errors import ConfigError, EnvironmentFailure
from reportgen.i18n import N_, tr

__all__ = ["DeliveryReport", "Mailer", "deliver", "smtp_context"]

#: Seconds to wait for the mail server before giving up.
SMTP_TIMEOUT = 30.0


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
    return clean(text)[:200]


class SendFailure(Exception):
    """One message could not be delivered; ``fatal`` when the connection itself is lost."""

    def __init__(self, reason: str, *, fatal: bool, accepted: Sequence[str] = (),
                 uncertain: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal
        self.accepted = tuple(accepted)
        #: Why the server's answer to the whole message never came back ("" when it did).
        self.uncertain = uncertain


class _NoAnswer(Exception):
    """The message went out whole, and the connection failed before the server answered."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


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
            return (N_("the mail server %(server)s refused the login for %(user)s (code "
                       "%(code)s); check user under [email] and the password in the "
                       "environment variable %(variable)s", server=server, user=email.user,
                       code=exc.smtp_code, variable=email.password_env), True)
        if _code(exc) == 530 and not email.user:
            return (N_("the mail server %(server)s wants a login; set user under [email] and "
                       "put the password in the environment variable %(variable)s",
                       server=server, variable=email.password_env), True)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            refused = ", ".join(f"{a} ({c} {self._text(t)})"
                                for a, (c, t) in exc.recipients.items())
            return (N_("the mail server refused every recipient: %(refused)s; correct the "
                       "addresses", refused=refused), False)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return (N_("the mail server refused the sender %(sender)s (%(reply)s); check "
                       "sender under [email]", sender=exc.sender,
                       reply=f"{exc.smtp_code} {self._text(exc.smtp_error)}"), False)
        if isinstance(exc, smtplib.SMTPDataError) and 400 <= exc.smtp_code < 500:
            return (N_("the mail server %(server)s cannot take the message now (%(reply)s); it "
                       "is a temporary refusal, so `reportgen send` again later tries it again",
                       server=server, reply=f"{exc.smtp_code} {self._text(exc.smtp_error)}"),
                    False)
        if isinstance(exc, smtplib.SMTPDataError):
            return (N_("the mail server refused the message (%(reply)s)",
                       reply=f"{exc.smtp_code} {self._text(exc.smtp_error)}"), False)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return (N_("the mail server %(server)s does not offer what is needed (%(reply)s); "
                       "check security and user under [email]", server=server,
                       reply=self._text(str(exc))), True)
        if isinstance(exc, smtplib.SMTPServerDisconnected) and _timed_out(exc):
            return (N_("the mail server %(server)s did not answer within %(seconds)s seconds; "
                       "check host and port under [email], or try again later", server=server,
                       seconds=f"{self.timeout:g}"), True)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return (N_("the mail server %(server)s closed the connection; try again later",
                       server=server), True)
        if isinstance(exc, smtplib.SMTPResponseException):
            return (N_("the mail server %(server)s answered %(reply)s", server=server,
                       reply=f"{exc.smtp_code} {self._text(exc.smtp_error)}"), True)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (N_("the certificate of the mail server %(server)s cannot be trusted "
                       "(%(problem)s); ask your IT for the right host name, or, for a relay on "
                       "this machine with its own certificate, set verify_tls = false under "
                       "[email]", server=server, problem=str(exc.verify_message)), True)
        if isinstance(exc, ssl.SSLError):
            return (N_("the encrypted connection to %(server)s failed (%(problem)s); check "
                       "security under [email] (starttls for port 587, ssl for 465)",
                       server=server, problem=str(exc.reason or exc)), True)
        if isinstance(exc, socket.gaierror):
            return (N_("the mail server name %(host)s cannot be found; check host under "
                       "[email] and the network connection", host=email.host), True)
        if isinstance(exc, TimeoutError):
            return (N_("the mail server %(server)s did not answer within %(seconds)s seconds; "
                       "check host and port under [email]", server=server,
                       seconds=f"{self.timeout:g}"), True)
        if isinstance(exc, ConnectionRefusedError):
            return (N_("cannot reach the mail server %(server)s (connection refused); check "
                       "host and port under [email], or try again when the server is up",
                       server=server), True)
        if isinstance(exc, OSError):
            return (N_("cannot reach the mail server %(server)s (%(problem)s); check host and "
                       "port under [email] and the network connection", server=server,
                       problem=str(exc.strerror or exc)), True)
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
                    raise SendFailure(N_(
                        "the mail server %(server)s does not offer STARTTLS, and reportgen "
                        'does not send in clear text; set security = "ssl" (port 465) or ask '
                        "your IT which to use", server=self._server()), fatal=True)
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
            refused = _transmit(self._smtp, sender, list(recipients), data)
        except SendFailure:
            raise
        except _NoAnswer as lost:
            reason, _fatal = self.describe(lost.cause)
            self.close()
            if _timed_out(lost.cause):
                why = N_("the mail server %(server)s did not answer within %(seconds)s seconds "
                         "after the whole message was sent", server=self._server(),
                         seconds=f"{self.timeout:g}")
            else:
                why = N_("the connection to the mail server %(server)s was lost after the "
                         "whole message was sent, before the server answered",
                         server=self._server())
            raise SendFailure(reason, fatal=True, accepted=recipients, uncertain=why) from None
        except (smtplib.SMTPException, OSError) as exc:
            reason, fatal = self.describe(exc)
            if fatal:
                self.close()
            raise SendFailure(reason, fatal=fatal) from None
        if refused:
            accepted = [a for a in recipients if a not in refused]
            listed = ", ".join(f"{a} ({c} {self._text(t)})" for a, (c, t) in refused.items())
            raise SendFailure(N_("delivered to %(accepted)s, but the mail server refused "
                                 "%(refused)s; correct the address(es)",
                                 accepted=", ".join(accepted), refused=listed), fatal=False,
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


def _timed_out(exc: BaseException) -> bool:
    """Whether a lost connection is a read that timed out (smtplib wraps the timeout)."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, TimeoutError) or "timed out" in str(exc)


def _transmit(smtp: smtplib.SMTP, sender: str, recipients: list[str],
              data: bytes) -> dict[str, tuple[int, bytes]]:
    """``smtp.sendmail``, step by step, so that a lost answer to DATA is told apart.

    Returns the refused recipients (as ``sendmail`` does); raises :class:`_NoAnswer` when
    the connection fails after the message and its final ``.`` were sent.
    """
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for address in recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    try:
        code, reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _NoAnswer(exc) from exc
    if code != 250:
        if code != 421:
            smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
    return refused


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
    uncertain: list[str] = field(default_factory=list)



def deliver(items: Sequence[tuple[Outgoing, bytes]], *, mailer: Mailer, sender: str,
            ledger: Ledger, now: Callable[[], dt.datetime],
            echo: Callable[[str, bool], None], all_option: str = "ALL",
            lang: str = "en") -> DeliveryReport:
    """Send each message, recording each delivery in the ledger before the next one."""
    report = DeliveryReport()
    fatal: str | None = None
    for item, data in items:
        if fatal is not None:
            report.failed.append(item.label)
            echo(tr("%(pack)s: not sent — %(reason)s", lang, pack=item.label, reason=fatal),
                 True)
            continue
        try:
            accepted = mailer.send(sender, item.recipients, data)
            failure = None
        except SendFailure as exc:
            accepted, failure = list(exc.accepted), exc
            if exc.fatal:
                fatal = exc.reason
        if accepted:
            entry = {
                "key": item.key, "pack": f"{item.stem}.pdf", "attachment": item.pdf_name,
                "sha256": item.sha256, "fingerprint": item.fingerprint,
                "recipients": accepted, "subject": item.subject,
                "sent": now().isoformat(timespec="seconds"),
            }
            if failure is not None and failure.uncertain:
                entry["status"] = UNCERTAIN
            ledger.record(entry)
        if failure is not None and failure.uncertain:
            report.uncertain.append(item.label)
            echo(tr("%(pack)s: uncertain — %(why)s, so it may have been delivered; the ledger "
                    'records it as "uncertain" and it is not sent again by itself. Ask '
                    "%(recipients)s whether it arrived; if not, `reportgen send --resend "
                    "%(region)s` sends it again", lang, pack=item.label, why=failure.uncertain,
                    recipients=", ".join(accepted),
                    region=shell_word(item.key or all_option)), True)
        elif failure is None:
            report.sent.append(item.label)
            echo(tr("%(pack)s: sent to %(recipients)s", lang, pack=item.label,
                    recipients=", ".join(accepted)), False)
        elif accepted:
            report.failed.append(item.label)
            # A partial refusal's reason already says whom it was delivered to.
            echo(tr("%(pack)s: %(reason)s", lang, pack=item.label, reason=failure.reason), True)
        else:
            report.failed.append(item.label)
            echo(tr("%(pack)s: not sent — %(reason)s", lang, pack=item.label,
                    reason=failure.reason), True)
    return report


def password_for(email: Any, environ: Mapping[str, str]) -> str | None:
    """The SMTP password from the environment variable the settings name (None: no login)."""
    if not email.user:
        return None
    password = environ.get(email.password_env, "")
    if not password:
        raise EnvironmentFailure(N_(
            "the mail server password is not set: put it in the environment variable "
            "%(variable)s (reportgen never reads it from the settings file)",
            variable=email.password_env))
    return password


def check_email_settings(email: Any, *, dry_run: bool) -> None:
    """ConfigError naming the first missing or unsafe [email] setting."""
    if not email.sender:
        raise ConfigError(N_('[email] sender is not set; add sender = "reports@example.com" '
                             "under [email] in the settings file (reportgen.toml)"))
    sender_address(email.sender)
    if dry_run:
        return
    if not email.host:
        raise ConfigError(N_('[email] host is not set; add host = "smtp.example.com" (and port, '
                             "security, user) under [email] in the settings file "
                             "(reportgen.toml)"))
    if email.user and email.security == "none" and not is_loopback(email.host):
        raise ConfigError(N_(
            '[email] security = "none" would send the password unencrypted to %(host)s; use '
            'security = "starttls" or "ssl", or remove user for a relay that needs no login',
            host=email.host))
