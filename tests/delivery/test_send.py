"""`reportgen send`: who gets which pack, what the message says, once and never half.

The SMTP tests talk to a real server (aiosmtpd) on loopback: plain, with a login, with
STARTTLS (a throwaway CA from trustme, trusted through SSL_CERT_FILE so the code's
certificate check stays on) and with implicit TLS. The packs are made once per test session
by `reportgen pack --format html,pdf` on a tiny two-region dataset whose figures are worked
out by hand below.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email
import json
import os
import shutil
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportgen.cli.delivery import send
from reportgen.delivery import compose, recipients, smtp
from reportgen.delivery.ledger import LEDGER_NAME, read_ledger
from reportgen.errors import ConfigError, DataError, EnvironmentFailure
from reportgen.inputs.config import EmailConfig
from reportgen.inputs.schema import MONEY_SCALE
from tests.workbooks import write_xlsx

MONTH = "2026-10"
PASSWORD = "s3cret-Pässword"
USER = "reports@example.com"
SOUTH = "华南"
EAST_TO = ["east-director@example.com", "east-vp@example.com"]
SOUTH_TO = ["south-director@example.com"]
LEADERSHIP = ["vp-sales@example.com"]


# ----------------------------------------------------------------------------- the tiny month


def write_tiny_inputs(folder: Path) -> Path:
    """Two regions, four clients, monthly sales January 2025 to October 2026.

    East: C1 buys 100,000 + 1,000·m in month m (m = 1 is January 2025), C2 20,000 a month.
    华南: C3 buys 60,000 a month until May 2026 (m = 17..19 too), then 20,000 from August 2026
    (m = 20); C4 5,000 a month.
    """
    write_xlsx(folder / "accounts.xlsx", {
        "Clients": [
            ["client_id", "name", "region", "account_manager", "potential_value"],
            ["C1", "上海恒通机电有限公司", "East", "王芳", 3_000_000],
            ["C2", "Northwind Trading Ltd", "East", "王芳", 500_000],
            ["C3", "广州新华贸易有限公司", SOUTH, "Li Lei", 2_000_000],
            ["C4", "Harbor Foods Ltd", SOUTH, "Li Lei", 100_000],
        ],
        "Regions": [
            ["region", "supervisor", "leadership_emails"],
            ["East", "Zhao Ming", "; ".join(EAST_TO)],
            [SOUTH, "林晓峰", SOUTH_TO[0]],
        ],
        "Targets": [
            ["month", "region", "sales_target"],
            [MONTH, "East", 200_000],
            [MONTH, SOUTH, 100_000],
        ],
    })
    east, south = [], []
    for m in range(1, 23):
        year, month = 2025 + (m - 1) // 12, (m - 1) % 12 + 1
        day = f"{year}-{month:02d}-10"
        east += [[day, "C1", 100_000 + m * 1000, f"E{m}a"], [day, "C2", 20_000, f"E{m}b"]]
        south += [[day, "C3", 60_000 if m < 20 else 20_000, f"S{m}a"],
                  [day, "C4", 5_000, f"S{m}b"]]
    header = ["date", "client_id", "amount", "order_id"]
    write_xlsx(folder / "sales-east.xlsx", {"Sales": [header, *east]})
    write_xlsx(folder / "sales-south.xlsx", {"Sales": [header, *south]})
    return folder


def run_cli(command: Any, args: list[str], *, input: str | None = None,
            env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(command, args, input=input, env=env, catch_exceptions=False)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock, so pytest-xdist workers make the shared documents once."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: each worker makes its own
        yield
        return
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder, shared by all pytest-xdist workers of the session."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_month(tmp_path_factory: pytest.TempPathFactory, name: str, args: list[str]) -> Path:
    """inputs/ and out/ of `reportgen pack <args>` on the tiny month, made once per session."""
    from reportgen.cli.app import cli

    root = _shared_root(tmp_path_factory) / f"send-{name}"
    root.parent.mkdir(parents=True, exist_ok=True)
    with _locked(root.parent / f"send-{name}.lock"):
        if not (root / "done").exists():
            shutil.rmtree(root, ignore_errors=True)
            inputs = write_tiny_inputs(root / "inputs")
            result = run_cli(cli, ["pack", "--inputs", str(inputs), "--out", str(root / "out"),
                                   "--jobs", "2", "--quiet", *args])
            assert result.exit_code == 0, result.output
            (root / "done").write_text("yes")
    return root


@pytest.fixture(scope="session")
def english_packs(tmp_path_factory) -> Path:
    return made_month(tmp_path_factory, "en", ["--format", "html,pdf"])


@pytest.fixture(scope="session")
def chinese_pack(tmp_path_factory) -> Path:
    return made_month(tmp_path_factory, "zh", ["--format", "pdf", "--lang", "zh", "--region",
                                               SOUTH])


@dataclass
class Workdir:
    """A private copy of a made month: inputs, out, a settings file, and the CLI arguments."""

    root: Path
    inputs: Path
    out: Path
    config: Path

    @property
    def folder(self) -> Path:
        return self.out / MONTH

    def args(self, *extra: str) -> list[str]:
        return ["--inputs", str(self.inputs), "--out", str(self.out), "--config",
                str(self.config), *extra]

    def settings(self, **email: Any) -> None:
        lines = ["[email]"]
        for key, value in email.items():
            if key == "regions":
                continue
            lines.append(f"{key} = {json.dumps(value)}")
        if "regions" in email:
            lines.append("[email.regions]")
            lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in email["regions"].items()]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def ledger(self) -> list[dict[str, Any]]:
        path = self.folder / LEDGER_NAME
        if not path.exists():
            return []
        return json.loads(path.read_text(encoding="utf-8"))["deliveries"]


def workdir(made: Path, tmp_path: Path) -> Workdir:
    shutil.copytree(made / "inputs", tmp_path / "inputs")
    shutil.copytree(made / "out", tmp_path / "out")
    return Workdir(tmp_path, tmp_path / "inputs", tmp_path / "out", tmp_path / "reportgen.toml")


@pytest.fixture
def work(english_packs, tmp_path) -> Workdir:
    return workdir(english_packs, tmp_path)


# ----------------------------------------------------------------------------- an SMTP server


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage
    raw: bytes


@dataclass
class Recorder:
    """aiosmtpd handler keeping every message; refuses some recipients, or hangs up."""

    refuse: set[str] = field(default_factory=set)
    hang_up_after: int | None = None
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hang_up_after is not None and len(self.received) >= self.hang_up_after:
            # Before the message: it cannot have been delivered, so it is simply not sent.
            server.transport.close()
            return "421 going away"
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.received.append(Received(
            envelope.mail_from, list(envelope.rcpt_tos),
            email.message_from_bytes(raw, policy=policy.default), raw))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    # handled=False: aiosmtpd itself answers 535 to a failed login.
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    """A throwaway CA, a server certificate for 127.0.0.1, and the CA as a PEM file."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    return server, pem


@contextlib.contextmanager
def smtp_server(recorder: Recorder, *, auth: bool = False, starttls: Any = None,
                implicit_tls: Any = None) -> Iterator[int]:
    """A running aiosmtpd server on 127.0.0.1; yields its port."""
    from aiosmtpd.controller import Controller

    class _Controller(Controller):
        def _trigger_server(self):
            # Port 0 lets the system choose; read back what it chose.
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    kwargs: dict[str, Any] = {}
    if auth:
        # aiosmtpd knows only STARTTLS as TLS; over implicit TLS it must be told to offer AUTH.
        kwargs.update(authenticator=_authenticate, auth_required=True,
                      auth_require_tls=starttls is not None)
    if starttls is not None:
        kwargs.update(tls_context=starttls, require_starttls=True)
    if implicit_tls is not None:
        kwargs.update(ssl_context=implicit_tls)
    controller = _Controller(recorder, hostname="127.0.0.1", port=0, **kwargs)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_settings(work: Workdir, port: int, **extra: Any) -> None:
    work.settings(host="127.0.0.1", port=port, security="none", sender=USER,
                  leadership=LEADERSHIP, **extra)


# ----------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("text", "good", "bad"),
    [
        ("a@x.com, b@y.com", ["a@x.com", "b@y.com"], []),
        ("a@x.com; A@X.COM;", ["a@x.com"], []),
        ("Zhao Ming <zm@x.com>；li@y.cn、wang@z.cn", ["zm@x.com", "li@y.cn", "wang@z.cn"], []),
        ("bob at example.com, c@relay", ["c@relay"], ["bob at example.com"]),
        ("x@y.com\r\nBcc: evil@z.com", ["x@y.com"], ["Bcc: evil@z.com"]),
        (["a@x.com", "a@x.com; b@x.com"], ["a@x.com", "b@x.com"], []),
        ("", [], []),
        (None, [], []),
        ("@x.com, a@, a@-x.com", [], ["@x.com", "a@", "a@-x.com"]),
    ],
)
def test_split_addresses(text, good, bad):
    assert recipients.split_addresses(text) == (good, bad)


def _regions_table():
    import pandas as pd

    return pd.DataFrame({
        "region": ["East", "华南", "West"],
        "leadership_emails": ["e1@x.com, e2@x.com", "not an address; s@x.com", None],
        "_file": ["plan.xlsx"] * 3, "_sheet": ["Regions"] * 3, "_row": [2, 3, 4],
    })


@pytest.mark.parametrize(
    ("region", "overrides", "addresses", "problems"),
    [
        ("East", {}, ("e1@x.com", "e2@x.com"), ()),
        ("East", {"East": ["boss@x.com"]}, ("boss@x.com",), ()),
        ("华南", {}, ("s@x.com",), (
            'the Regions sheet (plan.xlsx, sheet "Regions", row 3), column '
            '"leadership_emails": "not an address" is not an e-mail address; it was left out '
            "— correct it",)),
        ("West", {}, (), ()),
        ("North", {}, (), ()),
        ("East", {"East": ["nope"]}, (), (
            '[email.regions] "East" in the settings file: "nope" is not an e-mail address; '
            "it was left out",)),
    ],
)
def test_region_recipients(region, overrides, addresses, problems):
    found = recipients.region_recipients(region, _regions_table(), overrides)
    assert (found.addresses, found.problems) == (addresses, problems)


def test_region_recipients_without_a_regions_sheet():
    assert recipients.region_recipients("East", None, {}).addresses == ()


# ----------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("region", "lang", "name", "subject"),
    [
        ("East", "en", "2026-10 East review pack.pdf", "East review pack, October 2026"),
        ("华东", "zh", "2026年10月 华东 月度经营分析.pdf", "2026年10月 华东 月度经营分析"),
        (None, "en", "2026-10 All regions review pack.pdf",
         "All regions review pack, October 2026"),
        (None, "zh", "2026年10月 全部区域 月度经营分析.pdf", "2026年10月 全部区域 月度经营分析"),
        ("../../etc/passwd", "en", "2026-10 ..-..-etc-passwd review pack.pdf",
         "../../etc/passwd review pack, October 2026"),
        ("East\r\nBcc: x@y.z", "en", "2026-10 East Bcc- x@y.z review pack.pdf",
         "East Bcc: x@y.z review pack, October 2026"),
    ],
)
def test_attachment_name_and_subject(region, lang, name, subject):
    assert compose.attachment_name(MONTH, region, lang) == name
    assert compose.subject(MONTH, region, lang) == subject


def yuan(amount: int) -> int:
    """A whole number of currency units as stored money."""
    return amount * MONEY_SCALE


FACTS = {
    "month": MONTH, "region": "East", "supervisor": "Zhao Ming", "generated": "",
    "sales": yuan(142_000), "target": yuan(200_000), "target_variance": yuan(-58_000),
    "target_relative": -0.29, "last_year": yuan(130_000), "last_year_variance": yuan(12_000),
    "last_year_relative": 12_000 / 130_000, "new_clients": 0, "lost_clients": 0,
    "at_risk": [],
}
C3_ZH = ("- 广州新华贸易有限公司（C3，重要客户，近12个月销售额¥600,000）："
         "近3个月销售额为去年同期的33%；已75天未采购（通常间隔30天）")
AT_RISK = [{
    "client_id": "C3", "name": "广州新华贸易有限公司", "tier": "major",
    "current_value": yuan(600_000), "reasons": ["sales_drop", "purchase_gap"],
    "life": {"sales_ratio": 1 / 3, "days_since_last_purchase": 75, "median_gap_days": 30.0,
             "open_complaints": 0, "receivables": None, "credit_limit": None},
}]


@pytest.mark.parametrize(
    ("changes", "lang", "expected"),
    [
        ({}, "en", """Hello,

Attached is the review pack of East for October 2026.

Sales in October 2026: ¥142,000
- against plan (¥200,000): -¥58,000 (-29.0%)
- against last year (¥130,000): +¥12,000 (+9.2%)
New clients: 0
Lost clients: 0

At-risk key accounts (Major and Named): none.

The attached PDF has the full figures, the customer base, the pipeline and the data checks.
Prepared by Zhao Ming with reportgen.
"""),
        ({"region": "华南", "supervisor": "林晓峰", "target": None, "target_variance": None,
          "target_relative": None, "last_year": 0, "last_year_variance": yuan(142_000),
          "last_year_relative": None, "lost_clients": None, "at_risk": AT_RISK}, "zh",
         """您好：

附件为2026年10月 华南 月度经营分析，请查收。

2026年10月销售额：¥142,000
- 对比目标：2026年10月没有目标
- 对比去年同期（¥0）：+¥142,000
新客户：0
流失客户：—

危机客户（重要及次重要客户）：1
{C3_ZH}

完整数据、客户结构、商机和数据检查见附件 PDF。
林晓峰 使用 reportgen 编制。
""".replace("{C3_ZH}", C3_ZH)),
        ({"region": None, "supervisor": None, "last_year": None, "last_year_variance": None,
          "last_year_relative": None}, "en", """Hello,

Attached is the all-regions review pack for October 2026.

Sales in October 2026: ¥142,000
- against plan (¥200,000): -¥58,000 (-29.0%)
- against last year: the data hold no sales for October 2025
New clients: 0
Lost clients: 0

At-risk key accounts (Major and Named): none.

The attached PDF has the full figures, the customer base, the pipeline and the data checks.
Prepared with reportgen.
"""),
    ],
)
def test_body_text(changes, lang, expected):
    assert compose.body_text({**FACTS, **changes}, lang, "CNY") == expected


def test_body_lists_ten_at_risk_accounts_then_counts_the_rest():
    many = [{**AT_RISK[0], "client_id": f"C{i:02d}", "reasons": ["open_complaint"],
             "life": {**AT_RISK[0]["life"], "open_complaints": 2}} for i in range(12)]
    body = compose.body_text({**FACTS, "at_risk": many}, "en", "CNY")
    assert body.count("unresolved complaints: 2") == 10
    assert "At-risk key accounts (Major and Named): 12" in body
    assert "… and 2 more in the attached pack." in body


# ----------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("settings", "dry_run", "message"),
    [
        ({}, True, '[email] sender is not set; add sender = "reports@example.com" under [email] '
                   "in the settings file (reportgen.toml)"),
        ({"sender": "reports at example"}, True,
         '[email] sender = "reports at example" is not one e-mail address; write it as '
         'sender = "reports@example.com"'),
        ({"sender": USER}, False,
         '[email] host is not set; add host = "smtp.example.com" (and port, security, user) '
         "under [email] in the settings file (reportgen.toml)"),
        ({"sender": USER, "host": "smtp.example.com", "security": "none", "user": USER}, False,
         '[email] security = "none" would send the password unencrypted to smtp.example.com; '
         'use security = "starttls" or "ssl", or remove user for a relay that needs no login'),
    ],
)
def test_email_settings_are_checked(settings, dry_run, message):
    with pytest.raises(ConfigError) as caught:
        smtp.check_email_settings(EmailConfig(**settings), dry_run=dry_run)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "settings",
    [
        {"sender": USER},
        {"sender": f"Reports <{USER}>", "host": "localhost", "security": "none", "user": USER},
        {"sender": USER, "host": "127.0.0.1", "security": "none", "user": USER},
    ],
)
def test_email_settings_that_are_fine(settings):
    smtp.check_email_settings(EmailConfig(**settings), dry_run="host" not in settings)


def test_password_comes_from_the_environment_only():
    config = EmailConfig(user=USER, password_env="MY_SMTP")
    assert smtp.password_for(config, {"MY_SMTP": PASSWORD}) == PASSWORD
    assert smtp.password_for(EmailConfig(), {}) is None
    with pytest.raises(EnvironmentFailure) as caught:
        smtp.password_for(config, {})
    assert caught.value.message == (
        "the mail server password is not set: put it in the environment variable MY_SMTP "
        "(reportgen never reads it from the settings file)")


def test_a_password_in_the_settings_file_is_refused(tmp_path):
    from reportgen.inputs.config import load_config

    path = tmp_path / "reportgen.toml"
    path.write_text('[email]\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, explicit=True)
    assert "email.password: unknown setting" in caught.value.message
    assert "hunter2" not in caught.value.message


# ----------------------------------------------------------------------------- failures in words


def _mailer(**settings: Any) -> smtp.Mailer:
    config = EmailConfig(**{"host": "smtp.example.com", "port": 587, "user": USER, **settings})
    return smtp.Mailer(config, PASSWORD)


@pytest.mark.parametrize(
    ("error", "reason", "fatal"),
    [
        (smtplib.SMTPAuthenticationError(
            535, f"5.7.8 bad credentials {PASSWORD} {base64.b64encode(PASSWORD.encode())!r}"
            .encode()),
         "the mail server smtp.example.com:587 refused the login for reports@example.com "
         "(code 535); check user under [email] and the password in the environment variable "
         "REPORTGEN_SMTP_PASSWORD", True),
        (smtplib.SMTPRecipientsRefused({"a@x.com": (550, b"no such user")}),
         "the mail server refused every recipient: a@x.com (550 no such user); correct the "
         "addresses", False),
        (smtplib.SMTPDataError(554, f"rejected, you said {PASSWORD}".encode()),
         "the mail server refused the message (554 rejected, you said ***)", False),
        (smtplib.SMTPSenderRefused(530, b"5.7.0 Authentication required", USER),
         "the mail server smtp.example.com:587 wants a login; set user under [email] and put "
         "the password in the environment variable REPORTGEN_SMTP_PASSWORD", True),
        (smtplib.SMTPServerDisconnected("gone"),
         "the mail server smtp.example.com:587 closed the connection; try again later", True),
        (ConnectionRefusedError(111, "Connection refused"),
         "cannot reach the mail server smtp.example.com:587 (connection refused); check host "
         "and port under [email], or try again when the server is up", True),
        (TimeoutError("timed out"),
         "the mail server smtp.example.com:587 did not answer within 30 seconds; check host "
         "and port under [email]", True),
    ],
)
def test_failures_are_one_line_without_the_password(error, reason, fatal):
    user = "" if isinstance(error, smtplib.SMTPSenderRefused) else USER
    assert _mailer(user=user).describe(error) == (reason, fatal)


def test_base64_forms_of_the_password_are_blanked_too():
    login = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    text = _mailer()._text(f"500 cannot decode {login}".encode())
    assert text == "500 cannot decode ***"


# ----------------------------------------------------------------------------- the ledger


def test_ledger_unions_deliveries_and_survives_a_reread(tmp_path):
    ledger = read_ledger(tmp_path, MONTH)
    assert ledger.delivered("East") == []
    ledger.record({"key": "East", "recipients": ["a@x.com"], "sha256": "1", "sent": "t1"})
    ledger.record({"key": "East", "recipients": ["b@x.com", "a@x.com"], "sha256": "2",
                   "sent": "t2"})
    again = read_ledger(tmp_path, MONTH)
    assert again.delivered("East") == ["a@x.com", "b@x.com"]
    assert again.last("East")["sha256"] == "2"
    assert again.delivered("") == []


def test_an_unreadable_ledger_stops_everything(tmp_path):
    (tmp_path / LEDGER_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_ledger(tmp_path, MONTH)
    assert caught.value.message.startswith(
        f"the send ledger {tmp_path / LEDGER_NAME} cannot be read (")
    assert caught.value.message.endswith(
        "it records what was already sent, so nothing was sent. Restore it from a backup, or "
        "delete it if you are sure nothing of this month was sent")


# ----------------------------------------------------------------------------- the whole command

def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def attachments(message: email.message.EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True)
            for part in message.iter_attachments()}


C3_EN = ("- 广州新华贸易有限公司 (C3, Major account, ¥600,000 over the last 12 months): "
         "last 3 months' sales at 33% of a year before")
EAST_BODY = """Hello,

Attached is the review pack of East for October 2026.

Sales in October 2026: ¥142,000
- against plan (¥200,000): -¥58,000 (-29.0%)
- against last year (¥130,000): +¥12,000 (+9.2%)
New clients: 0
Lost clients: 0

At-risk key accounts (Major and Named): none.

The attached PDF has the full figures, the customer base, the pipeline and the data checks.
Prepared by Zhao Ming with reportgen.
"""
# 华南: October 2026 C3 20,000 + C4 5,000; October 2025 C3 60,000 + C4 5,000. C3 is at risk:
# August-October 2026 sell 60,000 against 180,000 a year before (33%). Its current value is
# November 2025 - July 2026 (9 x 60,000) plus August - October 2026 (3 x 20,000) = 600,000;
# it ranks second of four (C1 1,398,000, C2 240,000, C4 60,000), inside class A, with a high
# potential: a Major account.
SOUTH_BODY = """Hello,

Attached is the review pack of 华南 for October 2026.

Sales in October 2026: ¥25,000
- against plan (¥100,000): -¥75,000 (-75.0%)
- against last year (¥65,000): -¥40,000 (-61.5%)
New clients: 0
Lost clients: 0

At-risk key accounts (Major and Named): 1
{C3_EN}

The attached PDF has the full figures, the customer base, the pipeline and the data checks.
Prepared by 林晓峰 with reportgen.
""".replace("{C3_EN}", C3_EN)
# All regions: 142,000 + 25,000 against 300,000 (-44.3%) and 130,000 + 65,000 (-14.4%).
ALL_BODY = """Hello,

Attached is the all-regions review pack for October 2026.

Sales in October 2026: ¥167,000
- against plan (¥300,000): -¥133,000 (-44.3%)
- against last year (¥195,000): -¥28,000 (-14.4%)
New clients: 0
Lost clients: 0

At-risk key accounts (Major and Named): 1
{C3_EN}

The attached PDF has the full figures, the customer base, the pipeline and the data checks.
Prepared with reportgen.
""".replace("{C3_EN}", C3_EN)
EXPECTED = {
    "East": (EAST_TO, "East review pack, October 2026", EAST_BODY,
             "2026-10 East review pack.pdf", "packs/East.pdf"),
    SOUTH: (SOUTH_TO, "华南 review pack, October 2026", SOUTH_BODY,
            "2026-10 华南 review pack.pdf", f"packs/{SOUTH}.pdf"),
    "": (LEADERSHIP, "All regions review pack, October 2026", ALL_BODY,
         "2026-10 All regions review pack.pdf", "packs/all-regions.pdf"),
}


def check_message(message: email.message.EmailMessage, key: str, folder: Path) -> None:
    to, subject, body, name, pdf = EXPECTED[key]
    assert message["To"] == ", ".join(to)
    assert message["From"] == USER
    assert message["Subject"] == subject
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
    assert attachments(message) == {name: (folder / pdf).read_bytes()}


@pytest.mark.slow
def test_dry_run_writes_one_eml_per_region_and_the_leadership_one(work):
    work.settings(sender=USER, leadership=LEADERSHIP)
    result = run_cli(send, work.args("--dry-run"))
    assert result.exit_code == 0, result.output
    outbox = work.folder / compose.OUTBOX_NAME
    assert sorted(p.name for p in outbox.iterdir()) == ["East.eml", "all-regions.eml",
                                                        f"{SOUTH}.eml"]
    check_message(parse(outbox / "East.eml"), "East", work.folder)
    check_message(parse(outbox / f"{SOUTH}.eml"), SOUTH, work.folder)
    check_message(parse(outbox / "all-regions.eml"), "", work.folder)
    raw = (outbox / f"{SOUTH}.eml").read_bytes()
    # RFC 2231, on one line, for the non-ASCII name.
    assert (b"Content-Disposition: attachment; "
            b"filename*=utf-8''2026-10%20%E5%8D%8E%E5%8D%97%20review%20pack.pdf\r\n") in raw
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert "3 message(s) written; nothing was sent (--dry-run)." in result.output
    assert work.ledger() == []


@pytest.mark.slow
def test_dry_run_in_chinese(chinese_pack, tmp_path):
    work = workdir(chinese_pack, tmp_path)
    work.settings(sender=USER, leadership=LEADERSHIP)
    result = run_cli(send, work.args("--dry-run", "--region", SOUTH))
    assert result.exit_code == 0, result.output
    raw = (work.folder / compose.OUTBOX_NAME / f"{SOUTH}.eml").read_bytes()
    message = parse(work.folder / compose.OUTBOX_NAME / f"{SOUTH}.eml")
    assert message["Subject"] == "2026年10月 华南 月度经营分析"
    assert (b"filename*=utf-8''2026%E5%B9%B410%E6%9C%88%20%E5%8D%8E%E5%8D%97%20%E6%9C%88%E5%BA"
            b"%A6%E7%BB%8F%E8%90%A5%E5%88%86%E6%9E%90.pdf") in raw
    assert attachments(message) == {
        "2026年10月 华南 月度经营分析.pdf": (work.folder / f"packs/{SOUTH}.pdf").read_bytes()}
    body = message.get_body(("plain",)).get_content()
    assert "2026年10月销售额：¥25,000\n" in body.replace("\r\n", "\n")
    assert ("- 广州新华贸易有限公司（C3，重要客户，近12个月销售额¥600,000）："
            "近3个月销售额为去年同期的33%\n") in body.replace("\r\n", "\n")


@pytest.mark.slow
def test_send_delivers_each_message_once_and_resend_sends_again(work):
    recorder = Recorder()
    outbox = work.folder / compose.OUTBOX_NAME
    with smtp_server(recorder) as port:
        plain_settings(work, port)
        assert run_cli(send, work.args("--dry-run")).exit_code == 0
        assert len(list(outbox.iterdir())) == 3
        first = run_cli(send, work.args("--yes"))
        assert first.exit_code == 0, first.output
        assert [r.recipients for r in recorder.received] == [EAST_TO, SOUTH_TO, LEADERSHIP]
        for got, key in zip(recorder.received, ["East", SOUTH, ""], strict=True):
            assert got.sender == USER
            check_message(got.message, key, work.folder)
        assert first.output.splitlines()[-4:] == [
            f"East: sent to {', '.join(EAST_TO)}",
            f"{SOUTH}: sent to {SOUTH_TO[0]}",
            f"All regions: sent to {LEADERSHIP[0]}",
            f"3 message(s) sent; {work.folder / LEDGER_NAME} records them.",
        ]
        ledger = work.ledger()
        assert [(e["key"], e["recipients"]) for e in ledger] == [
            ("East", EAST_TO), (SOUTH, SOUTH_TO), ("", LEADERSHIP)]
        import hashlib

        assert ledger[0]["sha256"] == hashlib.sha256(
            (work.folder / "packs/East.pdf").read_bytes()).hexdigest()

        again = run_cli(send, work.args("--yes"))
        assert again.exit_code == 0, again.output
        assert len(recorder.received) == 3
        assert "Nothing to send." in again.output
        assert "East: already sent on " in again.output
        # A dry run now has nothing to write, and clears the earlier one's messages.
        dry = run_cli(send, work.args("--dry-run"))
        assert "0 message(s) written; nothing was sent (--dry-run)." in dry.output
        assert list(outbox.iterdir()) == []

        resent = run_cli(send, work.args("--yes", "--resend", "East"))
        assert resent.exit_code == 0, resent.output
        assert len(recorder.received) == 4
        assert recorder.received[-1].recipients == EAST_TO
        assert len(work.ledger()) == 4


@pytest.mark.slow
def test_confirmation_lists_what_goes_to_whom(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        plain_settings(work, port)
        declined = run_cli(send, work.args(), input="n\n")
        assert declined.exit_code == 1
        assert declined.output.splitlines()[:4] == [
            f"About to send 3 message(s) from {USER} through 127.0.0.1:{port} (none):",
            f'  East → {", ".join(EAST_TO)}: "2026-10 East review pack.pdf" '
            f"({(work.folder / 'packs/East.pdf').stat().st_size / 1024:,.0f} KB)",
            f'  {SOUTH} → {SOUTH_TO[0]}: "2026-10 {SOUTH} review pack.pdf" '
            f"({(work.folder / f'packs/{SOUTH}.pdf').stat().st_size / 1024:,.0f} KB)",
            f'  All regions → {LEADERSHIP[0]}: "2026-10 All regions review pack.pdf" '
            f"({(work.folder / 'packs/all-regions.pdf').stat().st_size / 1024:,.0f} KB)",
        ]
        assert "Error: nothing was sent" in declined.output
        assert recorder.received == [] and work.ledger() == []
        accepted = run_cli(send, work.args(), input="y\n")
        assert accepted.exit_code == 0, accepted.output
        assert len(recorder.received) == 3


@pytest.mark.slow
def test_login_over_starttls_with_a_verified_certificate(work, tls):
    server_context, ca = tls
    recorder = Recorder()
    with smtp_server(recorder, auth=True, starttls=server_context) as port:
        work.settings(host="127.0.0.1", port=port, security="starttls", user=USER,
                      sender=USER, leadership=LEADERSHIP, attach_html=True)
        env = {"REPORTGEN_SMTP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(ca)}
        result = run_cli(send, work.args("--yes", "--region", "East"), env=env)
        assert result.exit_code == 0, result.output
        assert PASSWORD not in result.output
        [got] = recorder.received
        assert got.recipients == EAST_TO
        assert attachments(got.message) == {
            "2026-10 East review pack.pdf": (work.folder / "packs/East.pdf").read_bytes(),
            "2026-10 East review pack.html": (work.folder / "packs/East.html").read_bytes(),
        }


@pytest.mark.slow
# aiosmtpd counts only STARTTLS as TLS, and warns about AUTH over its implicit TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls(work, tls):
    server_context, ca = tls
    recorder = Recorder()
    with smtp_server(recorder, auth=True, implicit_tls=server_context) as port:
        work.settings(host="127.0.0.1", port=port, security="ssl", user=USER, sender=USER,
                      leadership=LEADERSHIP)
        env = {"REPORTGEN_SMTP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(ca)}
        result = run_cli(send, work.args("--yes", "--region", "ALL"), env=env)
        assert result.exit_code == 0, result.output
        assert [r.recipients for r in recorder.received] == [LEADERSHIP]


@pytest.mark.slow
def test_an_untrusted_certificate_sends_nothing(work, tls):
    server_context, _ca = tls
    recorder = Recorder()
    with smtp_server(recorder, auth=True, starttls=server_context) as port:
        work.settings(host="127.0.0.1", port=port, security="starttls", user=USER,
                      sender=USER, leadership=LEADERSHIP)
        env = {"REPORTGEN_SMTP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(work.root / "none")}
        result = run_cli(send, work.args("--yes"), env=env)
        assert result.exit_code == 3
        reason = (f"the certificate of the mail server 127.0.0.1:{port} cannot be trusted "
                  "(unable to get local issuer certificate); ask your IT for the right host "
                  "name, or, for a relay on this machine with its own certificate, set "
                  "verify_tls = false under [email]")
        assert result.output.splitlines()[-4:] == [
            f"East: not sent — {reason}",
            f"{SOUTH}: not sent — {reason}",
            f"All regions: not sent — {reason}",
            "Error: 3 of 3 message(s) were not sent; the ledger records what was, so "
            "`reportgen send` again sends only the rest",
        ]
        assert recorder.received == [] and work.ledger() == []
        # The explicit opt-out for a relay with its own certificate.
        work.settings(host="127.0.0.1", port=port, security="starttls", user=USER,
                      sender=USER, leadership=LEADERSHIP, verify_tls=False)
        relaxed = run_cli(send, work.args("--yes", "--region", "East"), env=env)
        assert relaxed.exit_code == 0, relaxed.output
        assert "warning: the certificate of 127.0.0.1 is not checked (verify_tls = false)" in (
            relaxed.output)
        assert len(recorder.received) == 1


@pytest.mark.slow
def test_a_wrong_password_is_refused_without_echoing_it(work, tls):
    server_context, ca = tls
    recorder = Recorder()
    with smtp_server(recorder, auth=True, starttls=server_context) as port:
        work.settings(host="127.0.0.1", port=port, security="starttls", user=USER,
                      sender=USER, leadership=LEADERSHIP)
        wrong = "wrong-Password-42"
        env = {"REPORTGEN_SMTP_PASSWORD": wrong, "SSL_CERT_FILE": str(ca)}
        result = run_cli(send, work.args("--yes"), env=env)
        assert result.exit_code == 3
        assert wrong not in result.output
        assert base64.b64encode(wrong.encode()).decode() not in result.output
        assert (f"East: not sent — the mail server 127.0.0.1:{port} refused the login for "
                f"{USER} (code 535); check user under [email] and the password in the "
                "environment variable REPORTGEN_SMTP_PASSWORD") in result.output
        assert work.ledger() == []
        missing = run_cli(send, work.args("--yes"), env={"SSL_CERT_FILE": str(ca),
                                                          "REPORTGEN_SMTP_PASSWORD": ""})
        assert missing.exit_code == 3
        assert missing.output.strip().endswith(
            "Error: the mail server password is not set: put it in the environment variable "
            "REPORTGEN_SMTP_PASSWORD (reportgen never reads it from the settings file)")


@pytest.mark.slow
def test_starttls_never_falls_back_to_clear_text(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:  # a server without STARTTLS
        work.settings(host="127.0.0.1", port=port, security="starttls", sender=USER,
                      leadership=LEADERSHIP)
        result = run_cli(send, work.args("--yes", "--region", "ALL"))
        assert result.exit_code == 3
        assert (f"All regions: not sent — the mail server 127.0.0.1:{port} does not offer "
                "STARTTLS, and reportgen does not send in clear text; set security = \"ssl\" "
                "(port 465) or ask your IT which to use") in result.output
        assert recorder.received == []


@pytest.mark.slow
def test_server_down(work):
    port = free_port()
    plain_settings(work, port)
    result = run_cli(send, work.args("--yes"))
    assert result.exit_code == 3
    reason = (f"cannot reach the mail server 127.0.0.1:{port} (connection refused); check host "
              "and port under [email], or try again when the server is up")
    lines = result.output.splitlines()
    assert [line for line in lines if " not sent — " in line] == [
        f"East: not sent — {reason}", f"{SOUTH}: not sent — {reason}",
        f"All regions: not sent — {reason}"]
    assert work.ledger() == []


@pytest.mark.slow
def test_the_server_going_away_midway_leaves_the_ledger_true(work):
    recorder = Recorder(hang_up_after=1)
    with smtp_server(recorder) as port:
        plain_settings(work, port)
        result = run_cli(send, work.args("--yes"))
        assert result.exit_code == 3
        assert f"East: sent to {', '.join(EAST_TO)}" in result.output
        assert (f"{SOUTH}: not sent — the mail server 127.0.0.1:{port} closed the connection; "
                "try again later") in result.output
        assert f"All regions: not sent — the mail server 127.0.0.1:{port} closed" in (
            result.output)
        assert [e["key"] for e in work.ledger()] == ["East"]
        recorder.hang_up_after = None
        rest = run_cli(send, work.args("--yes"))
        assert rest.exit_code == 0, rest.output
        assert [r.recipients for r in recorder.received] == [EAST_TO, SOUTH_TO, LEADERSHIP]


@pytest.mark.slow
def test_refused_recipients_are_retried_and_only_they(work):
    recorder = Recorder(refuse={SOUTH_TO[0], EAST_TO[1]})
    with smtp_server(recorder) as port:
        plain_settings(work, port)
        result = run_cli(send, work.args("--yes"))
        assert result.exit_code == 3
        assert (f"East: delivered to {EAST_TO[0]}, but the mail server refused "
                f"{EAST_TO[1]} (550 5.1.1 <{EAST_TO[1]}>: mailbox unavailable); correct the "
                "address(es)") in result.output
        assert (f"{SOUTH}: not sent — the mail server refused every recipient: {SOUTH_TO[0]} "
                f"(550 5.1.1 <{SOUTH_TO[0]}>: mailbox unavailable); correct the addresses") in (
            result.output)
        assert f"All regions: sent to {LEADERSHIP[0]}" in result.output
        assert [(e["key"], e["recipients"]) for e in work.ledger()] == [
            ("East", [EAST_TO[0]]), ("", LEADERSHIP)]
        recorder.refuse.clear()
        rest = run_cli(send, work.args(), input="y\n")
        assert rest.exit_code == 0, rest.output
        assert [r.recipients for r in recorder.received[2:]] == [[EAST_TO[1]], SOUTH_TO]
        assert f"  East → {EAST_TO[1]} (already sent to {EAST_TO[0]}): " in rest.output


@pytest.mark.slow
def test_a_region_without_addresses_is_a_warning(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        plain_settings(work, port, regions={SOUTH: [], "Nowhere": ["x@example.com"]})
        result = run_cli(send, work.args("--yes"))
        assert result.exit_code == 0, result.output
        assert (f"warning: {SOUTH}: no leadership address, so its pack is not sent; fill in "
                f"leadership_emails for {SOUTH} in the Regions sheet, or add \"{SOUTH}\" = "
                '["someone@example.com"] under [email.regions] in the settings file') in (
            result.output)
        assert ('warning: Nowhere: [email.regions] names "Nowhere", which is not a region of '
                f"2026-10 (the regions are East, {SOUTH}); correct the name in the settings "
                "file") in result.output
        assert [r.recipients for r in recorder.received] == [EAST_TO, LEADERSHIP]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("no-run", "Error: the documents of 2026-10 have not been made in {out}; run "
                   "`reportgen run --month 2026-10` first"),
        ("errors", "Error: the run of 2026-10 had 2 error(s), so its packs are not sent; "
                   "correct them, run `reportgen run --month 2026-10` again, then send"),
        ("inputs", "Error: the inputs in {inputs} have changed since the documents of 2026-10 "
                   "were made (changed: sales-east.xlsx), so the packs do not show them and "
                   "nothing was sent; make them again with `reportgen run --inputs {inputs} "
                   "--out {out} --month 2026-10`, then send"),
        ("lang", "Error: the packs of 2026-10 are in English; make them in Chinese first with "
                 "`reportgen pack --month 2026-10 --lang zh`, then send"),
        ("region", "Error: --region North: no such region; the regions are East, 华南 (and ALL "
                   "for the all-regions pack)"),
    ],
)
def test_what_was_not_made_properly_is_not_sent(work, spoil, message):
    work.settings(sender=USER, leadership=LEADERSHIP)
    extra: list[str] = []
    manifest_path = work.folder / "manifest.json"
    if spoil == "no-run":
        shutil.rmtree(work.folder)
    elif spoil == "errors":
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["counts"]["errors"] = 2
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    elif spoil == "inputs":
        write_xlsx(work.inputs / "sales-east.xlsx",
                   {"Sales": [["date", "client_id", "amount"], ["2026-10-01", "C1", 1]]})
    elif spoil == "lang":
        extra = ["--lang", "zh"]
    elif spoil == "region":
        extra = ["--region", "North"]
    result = run_cli(send, work.args("--dry-run", "--month", MONTH, *extra))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == message.format(out=work.out,
                                                                     inputs=work.inputs)
    assert not (work.folder / compose.OUTBOX_NAME).exists()


@pytest.mark.slow
def test_a_missing_pdf_holds_back_that_pack_only(work):
    (work.folder / f"packs/{SOUTH}.pdf").unlink()
    work.settings(sender=USER, leadership=LEADERSHIP)
    result = run_cli(send, work.args("--dry-run"))
    assert result.exit_code == 1
    assert (f"error: {SOUTH}: there is no PDF of this pack (packs/{SOUTH}.pdf) from the run; "
            "run `reportgen pack --month 2026-10 --format pdf` first") in result.output
    assert sorted(p.name for p in (work.folder / compose.OUTBOX_NAME).iterdir()) == [
        "East.eml", "all-regions.eml"]
    assert result.output.strip().endswith(
        "Error: 1 pack(s) could not be sent; see the messages above")


@pytest.mark.slow
def test_a_pack_changed_after_sending_is_not_sent_by_itself(work):
    recorder = Recorder()
    with smtp_server(recorder) as port:
        plain_settings(work, port)
        assert run_cli(send, work.args("--yes", "--region", "East")).exit_code == 0
        pdf = work.folder / "packs/East.pdf"
        pdf.write_bytes(pdf.read_bytes() + b"\n% changed\n")
        result = run_cli(send, work.args("--yes", "--region", "East"))
        assert result.exit_code == 0
        assert "the pack has changed since — --resend East sends the new version to everyone" in (
            result.output)
        assert len(recorder.received) == 1
        sent = dt.datetime.fromisoformat(work.ledger()[0]["sent"])
        assert abs(dt.datetime.now(dt.UTC) - sent) < dt.timedelta(minutes=5)
