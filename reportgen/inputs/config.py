"""The configuration file, ``reportgen.toml``: a typed schema validated as a whole.

Every threshold of the analysis lives here with the SPEC's default, so a run without a
config file behaves exactly as SPEC describes. Unknown keys are errors (a typo must not be
silently ignored), and every problem in the file is reported at once.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from reportgen.errors import ConfigError
from reportgen.i18n import N_, Join, Text
from reportgen.inputs.schema import SHEETS, VALUE_SPELLINGS

DEFAULT_CONFIG_NAME = "reportgen.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormatConfig(_Section):
    """How values in the spreadsheets are written and how money is shown."""

    date_order: Literal["month-first", "day-first"] = "month-first"
    decimal_comma: bool = False
    currency: str = "CNY"


class TierConfig(_Section):
    """Value-tier thresholds (SPEC, "Value tiers")."""

    @model_validator(mode="after")
    def _b_after_a(self) -> TierConfig:
        if self.class_b < self.class_a:
            raise ValueError(N_("class_b must not be below class_a"))
        return self

    class_a: float = Field(0.80, gt=0, lt=1)
    class_b: float = Field(0.95, gt=0, le=1)
    capacity_major: int = Field(1, ge=0)
    capacity_named: int = Field(5, ge=0)
    capacity_non_named: int = Field(50, ge=0)
    share_of_wallet_uplift: float = Field(0.05, ge=0, le=1)
    sales_growth_target: float = Field(0.10, ge=0)


class LifecycleConfig(_Section):
    """Lifecycle-stage thresholds (SPEC, "Lifecycle stage")."""

    new_months: int = Field(3, ge=1)
    at_risk_ratio: float = Field(0.70, gt=0, le=1)
    gap_multiple: float = Field(2.0, gt=0)


class ScreenConfig(_Section):
    """Opportunity-screen settings (SPEC, "Opportunity screen")."""

    pass_mean: float = Field(3.0, ge=1, le=5)
    stage_probability: dict[str, float] = Field(
        default_factory=lambda: {
            "lead": 0.10, "qualified": 0.25, "proposal": 0.50,
            "negotiation": 0.75, "won": 1.0, "lost": 0.0,
        }
    )

    @field_validator("stage_probability")
    @classmethod
    def _known_stages(cls, value: dict[str, float]) -> dict[str, float]:
        known = set(VALUE_SPELLINGS["stage"])
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(N_("unknown stage(s) %(unknown)s; known: %(known)s",
                                unknown=", ".join(unknown), known=", ".join(known)))
        bad = sorted(k for k, v in value.items() if not 0 <= v <= 1)
        if bad:
            raise ValueError(N_("probabilities must be between 0 and 1 (%(stages)s)",
                                stages=", ".join(bad)))
        defaults = cls.model_fields["stage_probability"].default_factory()  # type: ignore[misc, call-arg]
        return {**defaults, **value}


class RagConfig(_Section):
    """Red/amber/green thresholds, as a share of the comparator."""

    green: float = Field(1.0, gt=0)
    amber: float = Field(0.9, gt=0)


class DriversConfig(_Section):
    """The bridge chart of the review pack: how many clients it names each way."""

    #: Named bars up and down: the largest positive and the largest negative contributions.
    named_bars: int = Field(5, ge=1, le=20)


class LandingConfig(_Section):
    """The year-end landing: its method (one so far, so a later one can be chosen by name)."""

    method: Literal["last_year_shape"] = "last_year_shape"


class CoverageConfig(_Section):
    """Pipeline coverage marks: green at or above ``green``, amber at or above ``amber``."""

    @model_validator(mode="after")
    def _amber_below_green(self) -> CoverageConfig:
        if self.amber > self.green:
            raise ValueError(N_("amber must not be above green"))
        return self

    green: float = Field(1.0, gt=0)
    amber: float = Field(0.7, gt=0)


class LimitsConfig(_Section):
    """Resource limits that protect a run from hostile or broken files."""

    max_file_mb: float = Field(200, gt=0)
    max_uncompressed_mb: float = Field(1024, gt=0)
    max_compression_ratio: float = Field(200, gt=1)
    max_rows: int = Field(2_000_000, gt=0)
    max_columns: int = Field(500, gt=0)
    max_sheets: int = Field(500, gt=0)
    #: Cells of one sheet's dense grid, from its first to its last used cell, blanks included.
    #: The reader holds about 32 bytes a cell, so the default is about 1 GB of memory.
    max_cells: int = Field(30_000_000, gt=0)
    #: The same for all the sheets of one workbook together.
    max_workbook_cells: int = Field(60_000_000, gt=0)
    render_seconds: float = Field(120, gt=0)


class EmailConfig(_Section):
    """SMTP settings for ``reportgen send``; the password comes from the environment only."""

    host: str = ""
    port: int = Field(587, gt=0, lt=65536)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password_env: str = "REPORTGEN_SMTP_PASSWORD"
    sender: str = ""
    leadership: list[str] = Field(default_factory=list)
    regions: dict[str, list[str]] = Field(default_factory=dict)
    verify_tls: bool = True
    attach_html: bool = False


class ReportConfig(_Section):
    """How the run speaks: the language of the documents and of every message."""

    #: "en" or "zh"; --lang overrides it, and without it the environment (LANG) decides.
    lang: Literal["en", "zh"] | None = None


class Config(_Section):
    """The whole configuration."""

    sheets: dict[str, str] = Field(default_factory=dict)
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)
    values: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    format: FormatConfig = FormatConfig()
    tiers: TierConfig = TierConfig()
    lifecycle: LifecycleConfig = LifecycleConfig()
    screen: ScreenConfig = ScreenConfig()
    rag: RagConfig = RagConfig()
    drivers: DriversConfig = DriversConfig()
    landing: LandingConfig = LandingConfig()
    coverage: CoverageConfig = CoverageConfig()
    limits: LimitsConfig = LimitsConfig()
    email: EmailConfig = EmailConfig()
    report: ReportConfig = ReportConfig()
    #: Where the configuration came from ("" for the built-in defaults).
    source: str = ""

    @field_validator("sheets")
    @classmethod
    def _known_sheet_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SHEETS))
        if unknown:
            raise ValueError(N_("unknown sheet kind(s) %(unknown)s; known: %(known)s",
                                unknown=", ".join(unknown), known=", ".join(SHEETS)))
        return value

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        problems = []
        for kind, mapping in value.items():
            if kind not in SHEETS:
                problems.append(N_("unknown sheet kind %(kind)s (known: %(known)s)",
                                   kind=repr(kind), known=", ".join(SHEETS)))
                continue
            known = {c.name for c in SHEETS[kind].columns}
            for col in mapping:
                if col not in known:
                    problems.append(N_("[columns.%(kind)s] has no column %(column)s (known: "
                                       "%(known)s)", kind=kind, column=repr(col),
                                       known=", ".join(sorted(known))))
        if problems:
            raise ValueError(Join(problems, {"en": "; ", "zh": "；"}))
        return value

    @field_validator("values")
    @classmethod
    def _known_values(
        cls, value: dict[str, dict[str, list[str]]]
    ) -> dict[str, dict[str, list[str]]]:
        enum_columns = _enum_columns()
        problems = []
        for column, spellings in value.items():
            value_set = enum_columns.get(column)
            if value_set is None:
                problems.append(N_("[values.%(column)s]: no column with a fixed set of values is "
                                   "called %(name)s (known: %(known)s)", column=column,
                                   name=repr(column), known=", ".join(sorted(enum_columns))))
                continue
            known = VALUE_SPELLINGS[value_set]
            for code in spellings:
                if code not in known:
                    problems.append(N_("[values.%(column)s] has no value %(code)s (known: "
                                       "%(known)s)", column=column, code=repr(code),
                                       known=", ".join(known)))
        if problems:
            raise ValueError(Join(problems, {"en": "; ", "zh": "；"}))
        return value

    def extra_spellings(self, value_set: str, column: str) -> dict[str, tuple[str, ...]]:
        """Spellings for ``value_set``: built-in ones plus those the config adds for ``column``."""
        merged = {code: tuple(sp) for code, sp in VALUE_SPELLINGS[value_set].items()}
        for code, extra in self.values.get(column, {}).items():
            merged[code] = merged.get(code, ()) + tuple(extra)
        return merged


def _enum_columns() -> dict[str, str]:
    """Column name → value set, for every enum, score and bool column of every sheet."""
    out: dict[str, str] = {}
    for kind in SHEETS.values():
        for col in kind.columns:
            if col.type == "enum":
                out[col.name] = col.values
            elif col.type == "score":
                out[col.name] = "answer"
            elif col.type == "bool":
                out[col.name] = "bool"
    return out


def load_config(path: Path | None, *, explicit: bool = False) -> Config:
    """Read and validate ``path``; the built-in defaults when it does not exist and was not named.

    Raises :class:`ConfigError` listing every problem in the file at once.
    """
    if path is None or (not path.exists() and not explicit):
        return Config()
    if not path.is_file():
        raise ConfigError(N_("the configuration file %(path)s does not exist", path=path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(N_("%(path)s: not a UTF-8 text file; save it as UTF-8", path=path)
                          ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(N_("%(path)s: not valid TOML: %(error)s", path=path,
                             error=_quoted(str(exc)))) from None
    except OSError as exc:
        raise ConfigError(N_("%(path)s: cannot be read: %(error)s", path=path,
                             error=_quoted(str(exc.strerror)))) from None
    try:
        return Config.model_validate({**raw, "source": str(path)})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(N_("%(setting)s: %(problem)s", setting=where,
                               problem=_problem(err)))
        raise ConfigError(N_("%(path)s has %(count)s problem(s): %(problems)s", path=path,
                             count=len(problems),
                             problems=Join(problems, {"en": "; ", "zh": "；"}))) from None


def _quoted(text: str) -> object:
    """A library's own words (TOML's parser): as they are, quoted in Chinese."""
    from reportgen.i18n import Term

    return Term(text, words={"zh": f"“{text}”"})


#: pydantic's error types → the message in reportgen's words (English as pydantic says it).
_PROBLEMS = {
    "greater_than": N_("Input should be greater than %(gt)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
    "less_than": N_("Input should be less than %(lt)s"),
    "less_than_equal": N_("Input should be less than or equal to %(le)s"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of %(class_name)s"),
    "literal_error": N_("Input should be %(expected)s"),
}


def _number(value: object) -> object:
    """A limit as pydantic writes it in its message (1.0 as "1")."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _problem(err: Any) -> str:
    """One validation error in words that can be translated; pydantic's own words otherwise."""
    if err["type"] == "extra_forbidden":
        return N_("unknown setting")
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    if err["type"] == "value_error" and isinstance(error, ValueError) and error.args and (
            isinstance(error.args[0], (Text, Join))):
        return error.args[0]  # type: ignore[return-value]  # our validators raise N_ messages
    template = _PROBLEMS.get(err["type"])
    if template is not None:
        params = {k: _quoted(str(v)) if k == "expected" else _number(v) for k, v in ctx.items()}
        try:
            text = N_(template.msgid, **params)  # type: ignore[attr-defined]
        except KeyError:
            text = None
        if text is not None and text == err["msg"]:
            return text
    return _quoted(err["msg"].removeprefix("Value error, "))  # type: ignore[return-value]
