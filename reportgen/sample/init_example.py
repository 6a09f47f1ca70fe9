"""``reportgen init``'s example folder: a workbook whose headers explain themselves, and a config.

``write_init_workbook`` writes one sheet per kind reportgen reads, with two or three example
rows, and a note on every header cell saying what the column means, whether it is required,
what it holds and an example. ``write_init_config`` writes a reportgen.toml that lists every
setting with its default, commented out, with a line of explanation each. Both are English or
Chinese and never overwrite a file.

The workbook needs cell notes (comments), which reportgen.sample.writer does not write, so it
is written with openpyxl and its timestamps are then fixed.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from reportgen.inputs.config import Config
from reportgen.inputs.schema import SHEETS, VALUE_SPELLINGS, Column
from reportgen.sample.spelling import (
    _cell_value,
    _check_lang,
    _header,
    _sheet_name,
    _spell,
    _t,
    _yuan,
)
from reportgen.sample.writer import STAMP, display_width, write_new, zip_bytes

# What each column means, by "kind.column" or, when shared by several sheets, "column".
_COLUMN_HELP: dict[str, tuple[str, str]] = {
    "client_id": ("The client's code, the same in every sheet.", "客户编号，各表中保持一致。"),
    "clients.name": ("The client's name.", "客户名称。"),
    "region": ("The sales region.", "销售区域。"),
    "account_manager": ("The account manager responsible.", "负责的客户经理。"),
    "industry": ("The client's industry.", "客户所属行业。"),
    "size": ("The client's size.", "客户规模。"),
    "clients.relationship": ("Transactional (buys on price) or partnership (works with us).",
                             "交易型（按价格采购）或伙伴型（与我们长期合作）。"),
    "potential_value": (
        "The client's estimated yearly purchases of our kind of product, from all suppliers. "
        "Without it a client cannot become a Major account.",
        "客户每年采购此类产品的估计总额（含所有供应商）。不填则无法成为重要客户。"),
    "credit_limit": ("Credit limit granted to the client.", "给予客户的信用额度。"),
    "credit_rating": ("Credit rating, as you grade it.", "信用等级，按贵司的评级填写。"),
    "receivables": ("What the client owes now.", "客户当前的应收账款。"),
    "tier_override": ("Fill in only to set the tier by hand; it wins over the rules.",
                      "仅在需要人工指定分级时填写，优先于规则。"),
    "competitors": ("Competitors active at this client.", "在该客户处活跃的竞争对手。"),
    "created": ("The day the client was set up.", "建档日期。"),
    "sales.date": ("Date of the sale.", "销售日期。"),
    "amount": ("Line amount; negative for a return.", "行金额；退货填负数。"),
    "order_id": ("Order number; several lines may share one.", "订单号；一张订单可有多行。"),
    "product": ("Product sold.", "产品名称。"),
    "quantity": ("Quantity; negative for a return.", "数量；退货填负数。"),
    "unit_price": ("Price per unit.", "单价。"),
    "cost": ("Cost of the goods on this line, for gross profit.", "该行货物成本，用于计算毛利。"),
    "profit": ("Gross profit of this line (instead of cost).", "该行毛利（可代替成本）。"),
    "client_name": ("The client's name as the ledger shows it.", "台账上的客户名称。"),
    "sales.region": ("The line's region, when it differs from the client's.",
                     "该行所属区域（与客户所属区域不同时填写）。"),
    "sales.account_manager": ("The line's account manager, when it differs from the client's.",
                              "该行的客户经理（与客户的客户经理不同时填写）。"),
    "opp_id": ("Opportunity number; no two alike.", "商机编号，不可重复。"),
    "opportunities.title": ("What the opportunity is.", "商机名称。"),
    "value": ("Expected value of the deal.", "预计成交金额。"),
    "stage": ("Sales stage.", "销售阶段。"),
    "expected_close": ("Expected closing date.", "预计成交日期。"),
    "closed": ("Date the deal was won or lost (optional; else the expected closing date).",
               "实际赢单或丢单的日期（可不填，不填则按预计成交日期）。"),
    "probability": ("Chance of winning; blank uses the stage's default.",
                    "赢单概率；不填则按阶段的默认值。"),
    "margin_pct": ("Expected gross margin.", "预计毛利率。"),
    "competitor": ("Main competitor for this deal.", "该商机的主要竞争对手。"),
    "need_clear": ("Is the client's need clear?", "客户需求是否明确？"),
    "budget_confirmed": ("Is the budget confirmed?", "预算是否已确认？"),
    "timing_known": ("Is the purchase date known?", "采购时间是否明确？"),
    "offer_fit": ("Does our offer fit the need?", "我们的产品或方案是否匹配需求？"),
    "capability": ("Can we deliver it?", "我们是否有能力交付？"),
    "opportunities.relationship": ("Is our relationship with the client good?",
                                   "与客户的关系是否良好？"),
    "differentiation": ("Do we stand out from the competitors?",
                        "与竞争对手相比是否有差异化优势？"),
    "price_position": ("Is our price competitive?", "价格是否有竞争力？"),
    "has_supporter": ("Do we have a supporter in the buying team? Left blank, it is worked out "
                      "from the Contacts sheet.",
                      "采购团队中是否有支持者？不填则根据联系人表判断。"),
    "margin": ("Is the margin good enough? Left blank, it is worked out from margin_pct.",
               "利润是否足够？不填则根据毛利率判断。"),
    "capital_risk": ("Is the payment risk low? Left blank, it is worked out from the client's "
                     "credit limit and receivables.",
                     "回款风险是否低？不填则根据信用额度和应收账款判断。"),
    "strategic_fit": ("Does it fit our strategy?", "是否符合我们的战略？"),
    "no_conflict": ("Is it free of conflict with other business?", "是否与其他业务无冲突？"),
    "contacts.name": ("The contact's name.", "联系人姓名。"),
    "contacts.title": ("Job title.", "职务。"),
    "level": ("Level in the client's organisation (senior, middle, junior).",
              "在客户组织中的级别（高层、中层、基层）。"),
    "buying_role": ("Role in the purchase.", "在采购中的角色。"),
    "attitude": ("Attitude towards us.", "对我们的态度。"),
    "last_contact": ("Date of the last contact.", "最近一次联系日期。"),
    "feedback.date": ("Date of the feedback.", "反馈日期。"),
    "feedback.type": ("Kind of feedback.", "反馈类型。"),
    "category": ("What a complaint is about; each category goes to a department.",
                 "投诉类别，每类对应一个负责部门。"),
    "score": ("Satisfaction score, 1 to 5 (surveys).", "满意度评分，1 到 5 分（调查）。"),
    "resolved": ("Whether a complaint is resolved.", "投诉是否已解决。"),
    "note": ("Free text.", "备注。"),
    "month": ("The month the target is for.", "目标所属月份。"),
    "targets.region": ("Region the target is for (or fill in account_manager).",
                       "目标所属区域（或填写客户经理）。"),
    "targets.account_manager": ("Account manager the target is for (or fill in region).",
                                "目标所属客户经理（或填写区域）。"),
    "sales_target": ("Sales target for the month.", "当月销售目标。"),
    "new_clients_target": ("New clients targeted for the month.", "当月新客户数量目标。"),
    "action": ("What is to be done.", "行动内容。"),
    "owner": ("Who does it.", "负责人。"),
    "due": ("Due date.", "截止日期。"),
    "status": ("Where it stands (open, in progress, done).", "进展（未开始、进行中、已完成）。"),
    "regions.region": ("Region name, as written in the other sheets.", "区域名称，与其他表一致。"),
    "supervisor": ("The region's sales supervisor.", "区域销售主管。"),
    "leadership_emails": ("Who receives the region's review pack.",
                          "接收该区域经营分析报告的领导邮箱。"),
    "activities.date": ("Date of the visit or call.", "拜访或电话日期。"),
    "activities.type": ("Kind of activity.", "活动类型。"),
    "activities.account_manager": ("Who made the visit or call.", "执行人。"),
    "hours": ("Time spent, in hours.", "所用时间（小时）。"),
}
_TYPE_HELP: dict[str, tuple[str, str]] = {
    "id": ("Text code, read as written (00123 stays 00123).",
           "文本编号，按原样读取（00123 不会变成 123）。"),
    "text": ("Text.", "文本。"),
    "enum": ("One of: {values}.", "可选值：{values}。"),
    "date": ("A date: an Excel date, or text such as 2026-10-03.",
             "日期：Excel 日期，或 2026-10-03 这样的文本。"),
    "money": ("An amount; ¥ signs and thousands separators are fine.",
              "金额；可带 ¥ 符号和千位分隔符。"),
    "number": ("A number.", "数字。"),
    "int": ("A whole number.", "整数。"),
    "percent": ("A percentage: 0.25, 25% or 25.", "百分比：0.25、25% 或 25。"),
    "score": ("A score from 1 to 5, or yes / maybe / no.", "1 到 5 分，或 是 / 待定 / 否。"),
    "bool": ("yes or no.", "是 或 否。"),
    "month": ("A month, written YYYY-MM (2026-10).", "月份，格式为 YYYY-MM（如 2026-10）。"),
    "emails": ("E-mail addresses separated by , or ;", "邮箱地址，用 , 或 ; 分隔。"),
}


def _example_rows(lang: str) -> dict[str, list[dict[str, Any]]]:
    """Two or three example rows per sheet, consistent across sheets."""

    def t(en: str, zh: str) -> str:
        return _t(lang, en, zh)

    def sp(value_set: str, code: str) -> str:
        return _spell(value_set, code, lang)

    east, south, west = t("East", "华东"), t("South", "华南"), t("West", "西部")
    wang, wong, yang = "王磊", "Emily Wong", "杨帆"
    c1, c2 = t("Shanghai Hengtong Electromechanical Co., Ltd.", "上海恒通机电有限公司"), \
        "Northwind Trading Ltd"
    servo, relay = t("Servo motor SM-200", "伺服电机 SM-200"), t("Relay module", "继电器模块")
    yes, maybe, no = sp("answer", "5"), sp("answer", "3"), sp("answer", "1")
    return {
        "clients": [
            {"client_id": "C001", "name": c1, "region": east, "account_manager": wang,
             "industry": t("Automotive parts", "汽车零部件"), "size": sp("size", "large"),
             "relationship": sp("relationship", "partnership"), "potential_value": 1_200_000_000,
             "credit_limit": 200_000_000, "credit_rating": "AA", "receivables": 85_000_000,
             "competitors": "Vertex Automation", "created": date(2019, 3, 15)},
            {"client_id": "C002", "name": c2, "region": south, "account_manager": wong,
             "industry": t("Electronics", "电子制造"), "size": sp("size", "medium"),
             "relationship": sp("relationship", "transactional"), "potential_value": 300_000_000,
             "credit_limit": 50_000_000, "credit_rating": "A", "receivables": 62_000_000,
             "tier_override": sp("tier", "named"), "competitors": "锐控科技",
             "created": date(2021, 7, 1)},
            {"client_id": "C003", "name": "成都瑞丰食品有限公司", "region": west,
             "account_manager": yang, "industry": t("Food & beverage", "食品饮料"),
             "size": sp("size", "small"), "relationship": sp("relationship", "transactional"),
             "created": date(2026, 9, 20)},
        ],
        "sales": [
            {"date": date(2026, 10, 3), "client_id": "C001", "amount": 2_800_000,
             "order_id": "SO26100001", "product": servo, "quantity": 10, "unit_price": 2800.0,
             "cost": 1_904_000, "client_name": c1, "region": east, "account_manager": wang},
            {"date": date(2026, 10, 3), "client_id": "C001", "amount": 1_900_000,
             "order_id": "SO26100001", "product": relay, "quantity": 200, "unit_price": 95.0,
             "cost": 1_140_000, "client_name": c1, "region": east, "account_manager": wang},
            {"date": date(2026, 10, 12), "client_id": "C002", "amount": -560_000,
             "order_id": "SO26090417", "product": servo, "quantity": -2, "unit_price": 2800.0,
             "cost": -380_800, "client_name": c2, "region": south, "account_manager": wong},
        ],
        "opportunities": [
            {"opp_id": "OP-001", "client_id": "C001",
             "title": t("Line 2 automation retrofit", "二号产线自动化改造"),
             "value": 150_000_000, "stage": sp("stage", "proposal"),
             "expected_close": date(2026, 12, 15), "probability": 0.5, "margin_pct": 0.28,
             "competitor": "Vertex Automation", "need_clear": yes, "budget_confirmed": 4,
             "timing_known": maybe, "offer_fit": 5, "capability": 4, "relationship": 4,
             "differentiation": 3, "price_position": 3, "strategic_fit": yes,
             "no_conflict": yes},
            {"opp_id": "OP-002", "client_id": "C002",
             "title": t("Annual spare-parts framework agreement", "年度备件框架协议"),
             "value": 30_000_000, "stage": sp("stage", "lead"),
             "expected_close": date(2027, 3, 31), "need_clear": maybe, "budget_confirmed": no},
        ],
        "contacts": [
            {"client_id": "C001", "name": "张建华", "title": t("General Manager", "总经理"),
             "level": t("Senior", "高层"), "buying_role": sp("buying_role", "decision_maker"),
             "attitude": sp("attitude", "supporter"), "last_contact": date(2026, 10, 8)},
            {"client_id": "C001", "name": "李海燕", "title": t("Purchasing Manager", "采购经理"),
             "level": t("Middle", "中层"), "buying_role": sp("buying_role", "business"),
             "attitude": sp("attitude", "neutral"), "last_contact": date(2026, 9, 22)},
            {"client_id": "C002", "name": "Peter Wong",
             "title": t("Engineering Manager", "工程部经理"), "level": t("Middle", "中层"),
             "buying_role": sp("buying_role", "technical"),
             "attitude": sp("attitude", "opponent"), "last_contact": date(2026, 8, 30)},
        ],
        "feedback": [
            {"date": date(2026, 10, 9), "client_id": "C002",
             "type": sp("feedback_type", "complaint"),
             "category": sp("category", "delivery"), "resolved": sp("bool", "false"),
             "note": t("Truck arrived after the agreed window", "送货超出约定时间")},
            {"date": date(2026, 10, 15), "client_id": "C001", "type": sp("feedback_type", "praise"),
             "category": sp("category", "visit_service"),
             "note": t("Engineer solved the commissioning problem on site",
                       "工程师现场解决调试问题")},
            {"date": date(2026, 9, 30), "client_id": "C001", "type": sp("feedback_type", "survey"),
             "score": 4, "note": t("Quarterly satisfaction survey", "季度满意度调查")},
        ],
        "targets": [
            {"month": "2026-10", "region": east, "sales_target": 500_000_000,
             "new_clients_target": 2},
            {"month": "2026-10", "account_manager": wang, "sales_target": 180_000_000,
             "new_clients_target": 1},
        ],
        "actions": [
            {"client_id": "C001", "action": t("Confirm the phase-2 budget with purchasing",
                                              "与采购确认二期预算"),
             "owner": wang, "due": date(2026, 11, 15), "status": t("Open", "未开始")},
            {"client_id": "C002", "action": t("Close the open delivery complaint",
                                              "关闭未解决的配送投诉"),
             "owner": wong, "due": date(2026, 10, 31), "status": t("In progress", "进行中")},
        ],
        "regions": [
            {"region": east, "supervisor": "赵明",
             "leadership_emails": "east.director@example.com; vp.sales@example.com"},
            {"region": south, "supervisor": "林晓峰",
             "leadership_emails": "south.director@example.com"},
        ],
        "activities": [
            {"date": date(2026, 10, 8), "client_id": "C001", "type": sp("activity_type", "visit"),
             "account_manager": wang, "hours": 3},
            {"date": date(2026, 10, 10), "client_id": "C002", "type": sp("activity_type", "call"),
             "account_manager": wong, "hours": 0.5},
            {"date": date(2026, 10, 20), "client_id": "C001",
             "type": sp("activity_type", "meeting"), "account_manager": wang, "hours": 1.5},
        ],
    }


def _column_help(kind: str, column: str) -> tuple[str, str]:
    return _COLUMN_HELP.get(f"{kind}.{column}") or _COLUMN_HELP[column]


def _accepted(column: Column, lang: str) -> str:
    """The values an enum column accepts, as a person would write them."""
    codes = tuple(VALUE_SPELLINGS[column.values])
    spelled = [_spell(column.values, code, lang) for code in codes]
    if lang == "zh":
        return "、".join(spelled) + "（或 " + "、".join(codes) + "）"
    return ", ".join(spelled)


def _example_text(column: Column, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if column.type == "money":
        return f"{_yuan(value):,.2f}"
    if column.type == "percent":
        return f"{value:.0%}"
    return str(value)


def _column_note(kind: str, column: Column, example: Any, lang: str) -> str:
    """The note on a header cell of the init workbook: meaning, required, type, example."""
    meaning = _t(lang, *_column_help(kind, column.name))
    need = _t(lang, "Required.", "必填。") if column.required else _t(lang, "Optional.", "选填。")
    kind_text = _t(lang, *_TYPE_HELP[column.type])
    if column.type == "enum":
        kind_text = kind_text.format(values=_accepted(column, lang))
    lines = [meaning, need, kind_text]
    if example is not None:
        lines.append(_t(lang, "Example: ", "示例：") + _example_text(column, example))
    return "\n".join(lines)


def write_init_workbook(path: Path, *, lang: str = "en") -> None:
    """Write an example workbook whose header cells carry a note explaining each column.

    One sheet per kind reportgen reads, named and headed in English or (``lang="zh"``)
    Chinese, with two or three example rows. Raises ``FileExistsError`` if ``path`` exists.
    """
    _check_lang(lang)
    if not write_new(path, _init_workbook_bytes(lang)):
        raise FileExistsError(f"{path} already exists; reportgen init never overwrites a file")


def _init_workbook_bytes(lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    examples = _example_rows(lang)
    bold = Font(bold=True)
    for kind, sheet_kind in SHEETS.items():
        sheet = book.create_sheet(_sheet_name(kind, lang))
        rows = examples[kind]
        for n, column in enumerate(sheet_kind.columns, 1):
            cell = sheet.cell(row=1, column=n, value=_header(column, lang, canonical=True))
            cell.font = bold
            note = _column_note(kind, column, rows[0].get(column.name), lang)
            cell.comment = Comment(note, "reportgen", height=40 + 20 * note.count("\n") + 20 * (
                len(note) // 45), width=300)
            for r, row in enumerate(rows, 2):
                value = _cell_value(column, row.get(column.name))
                target = sheet.cell(row=r, column=n, value=value)
                if column.type == "money":
                    target.number_format = "#,##0.00"
                elif column.type == "percent":
                    target.number_format = "0%"
                elif isinstance(value, date):
                    target.number_format = "yyyy-mm-dd"
            width = max(display_width(sheet.cell(row=1, column=n).value), 10) + 4
            sheet.column_dimensions[get_column_letter(n)].width = min(width, 40)
        sheet.freeze_panes = "A2"
    return _openpyxl_bytes(book)


def _openpyxl_bytes(book: Any) -> bytes:
    """Save an openpyxl workbook with the fixed stamp in its properties and zip entries."""
    from openpyxl.writer.excel import ExcelWriter

    book.properties.creator = "reportgen"
    book.properties.created = book.properties.modified = STAMP
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps "modified" with the clock.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as saved:
        return zip_bytes((info.filename, saved.read(info)) for info in saved.infolist())


# One line of explanation per setting of reportgen/config.py, by "section.key".
_SETTING_HELP: dict[str, tuple[str, str]] = {
    "format.date_order": (
        "How to read text dates such as 3/4/2026 when a column cannot tell: month-first or "
        "day-first.",
        "文本日期（如 3/4/2026）无法判断时的读法：month-first（月在前）或 day-first（日在前）。"),
    "format.decimal_comma": ("Read amounts written 1.234,50 (comma as the decimal sign).",
                             "按 1.234,50 的写法读取金额（逗号为小数点）。"),
    "format.currency": ("Currency of the amounts, as shown in the documents.",
                        "金额的币种，用于报告显示。"),
    "tiers.class_a": ("Class A: the biggest clients, until their cumulative share of current value "
                      "reaches this.",
                      "A 类：按当前价值从大到小累计，累计占比达到该值之前的客户。"),
    "tiers.class_b": ("Class B: the next clients, until the cumulative share reaches this.",
                      "B 类：累计占比达到该值之前的其余客户。"),
    "tiers.capacity_major": ("How many Major accounts one account manager can cover.",
                             "每位客户经理可负责的重要客户数。"),
    "tiers.capacity_named": ("How many Named accounts one account manager can cover.",
                             "每位客户经理可负责的次重要客户数。"),
    "tiers.capacity_non_named": ("How many Non-named accounts one account manager can cover.",
                                 "每位客户经理可负责的一般重要客户数。"),
    "tiers.share_of_wallet_uplift": (
        "Major and Named plans aim at the current share of wallet plus this (0.05 = 5 points).",
        "重要客户和次重要客户计划的目标：在当前钱包份额上提高该值（0.05 即 5 个百分点）。"),
    "tiers.sales_growth_target": ("Other clients' plans aim at this sales growth.",
                                  "其他客户计划的销售增长目标。"),
    "lifecycle.new_months": ("A client is new for this many months, counting the month of its "
                             "first purchase.", "自首次购买当月起，在该月数内算新客户。"),
    "lifecycle.at_risk_ratio": (
        "At risk when the last three months' sales fall to this share of the same months a year "
        "earlier.", "近三个月销售额降至去年同期的该比例及以下时为危机客户。"),
    "lifecycle.gap_multiple": (
        "At risk when the days since the last purchase exceed this many times the usual gap.",
        "距上次购买的天数超过通常间隔的该倍数时为危机客户。"),
    "screen.pass_mean": ("A gate passes when its answers average at least this and none is a 1.",
                         "一道关卡的平均分不低于该值且没有 1 分时通过。"),
    "screen.stage_probability": ("Win probability assumed for each stage when none is given.",
                                 "未填写赢率时各阶段的默认赢率。"),
    "rag.green": ("Green at this share of the comparison figure or better.",
                  "达到对比值的该比例及以上为绿色。"),
    "rag.amber": ("Amber from this share; red below it.", "达到该比例为黄色，低于则为红色。"),
    "drivers.named_bars": (
        "Clients (or managers) the bridge chart names each way, up and down.",
        "增减桥图在增长、下降两个方向各列出的客户（或客户经理）数。"),
    "landing.method": (
        "How the year-end landing is estimated: last year's shape at this year's pace.",
        "全年预计完成的推算方法：按去年的月度走势、今年的节奏。"),
    "coverage.green": ("Pipeline coverage green at this ratio or more.",
                       "商机覆盖率达到该值及以上为绿色。"),
    "coverage.amber": ("Amber from this ratio; red below it.", "达到该值为黄色，低于则为红色。"),
    "limits.max_file_mb": ("Largest input file read, in MB.", "可读取的最大输入文件（MB）。"),
    "limits.max_uncompressed_mb": ("Largest workbook once unpacked, in MB.",
                                   "工作簿解压后的最大大小（MB）。"),
    "limits.max_compression_ratio": (
        "Refuse a workbook that unpacks to more than this many times its size.",
        "解压后超过原文件该倍数的工作簿将被拒绝。"),
    "limits.max_rows": ("Most rows read from one sheet.", "单个工作表最多读取的行数。"),
    "limits.max_columns": ("Most columns read from one sheet.", "单个工作表最多读取的列数。"),
    "limits.max_sheets": ("Most sheets read from one workbook.", "单个工作簿最多读取的工作表数。"),
    "limits.max_cells": (
        "Most cells one sheet may span, blank cells between far-apart cells included.",
        "单个工作表最多可跨越的单元格数（包括相距很远的单元格之间的空白单元格）。"),
    "limits.max_workbook_cells": ("The same for all the sheets of one workbook together.",
                                  "单个工作簿所有工作表合计的上述单元格数。"),
    "limits.render_seconds": ("Longest time one document may take to render, in seconds.",
                              "单个文档渲染的最长时间（秒）。"),
    "email.host": ("SMTP server, for example smtp.example.com.",
                   "SMTP 服务器，例如 smtp.example.com。"),
    "email.port": ("SMTP port.", "SMTP 端口。"),
    "email.security": ("starttls, ssl, or none (a local relay).",
                       "starttls、ssl，或 none（本地中继）。"),
    "email.user": ("SMTP user name, if the server asks for one.",
                   "SMTP 用户名（服务器需要时填写）。"),
    "email.password_env": (
        "The environment variable that holds the SMTP password; never write the password here.",
        "保存 SMTP 密码的环境变量名；切勿把密码写在这里。"),
    "email.sender": ("The From address.", "发件人地址。"),
    "email.leadership": ("Who receives the all-regions pack.", "接收全区域汇总报告的领导邮箱。"),
    "email.regions": ("Per region, who receives its pack (instead of the Regions sheet's list).",
                      "按区域指定报告收件人（代替区域表中的领导邮箱）。"),
    "email.verify_tls": ("Check the mail server's certificate; leave this on.",
                         "校验邮件服务器证书；请保持开启。"),
    "email.attach_html": ("Attach the HTML pack as well as the PDF.",
                          "除 PDF 外同时附上 HTML 报告。"),
}
_SECTION_HELP: dict[str, tuple[str, str]] = {
    "format": ("How values in the spreadsheets are written and how money is shown.",
               "表格中数值的写法，以及金额的显示方式。"),
    "tiers": ("Value tiers: ABC classes, coverage per account manager, plan goals.",
              "价值分级：ABC 分类、每位客户经理的覆盖能力、计划目标。"),
    "lifecycle": ("Lifecycle stages: new and at-risk clients.", "客户生命周期：新客户与危机客户。"),
    "screen": ("The opportunity screen.", "商机筛选。"),
    "rag": ("Red/amber/green marks, as a share of the comparison figure.",
            "红/黄/绿标记，按占对比值的比例。"),
    "drivers": ("The bridges of the review pack: what drove the month.",
                "经营分析报告中的增减桥：本月业绩的驱动因素。"),
    "landing": ("The year-end landing.", "全年预计完成。"),
    "coverage": ("Pipeline coverage of the rest of the year's target.",
                 "在途商机对全年剩余目标的覆盖率。"),
    "limits": ("Limits that protect a run from broken or hostile files.",
               "防止损坏或恶意文件的限制。"),
    "email": ("E-mail for reportgen send.", "reportgen send 的邮件设置。"),
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def init_config_text(lang: str = "en") -> str:
    """The text of the commented reportgen.toml that ``reportgen init`` writes."""
    _check_lang(lang)
    region = _t(lang, "East", "华东")
    lines = [
        _t(lang, "# reportgen settings. Every setting is shown with its default value, commented "
                 "out:", "# reportgen 设置。每项设置都以默认值列出并已注释："),
        _t(lang, "# to change one, remove the \"# \" in front of it and edit the value. For the "
                 "examples", "# 如需修改，删除该行前的 \"# \" 再修改数值。示例部分（[columns.…]、"),
        _t(lang, "# under [columns.…] and [values.…], also remove it in front of the [section] "
                 "line.", "# [values.…]）还需删除 [节名] 那一行前的 \"# \"。"),
        "",
        _t(lang, "# The language of the documents and of every message reportgen prints: "
                 '"en" (English) or "zh" (Simplified Chinese).',
           "# 文档和 reportgen 所有提示信息的语言：\"zh\"（简体中文）或 \"en\"（英文）。"),
        _t(lang, "# Without it, the system's language decides (LANG); --lang on the command "
                 "line wins.", "# 不设置时按系统语言（LANG）决定；命令行中的 --lang 优先。"),
        "[report]",
        # A Chinese folder is set up to speak Chinese, whatever the machine's language.
        'lang = "zh"' if lang == "zh" else '# lang = "en"',
        "",
        _t(lang, "# Which sheet holds which kind of table, when its name is not one reportgen "
                 "knows.", "# 工作表名称不是 reportgen 认识的名称时，指定哪个工作表是哪类表格。"),
        "[sheets]",
        _t(lang, '# sales = "Orders"                 # the sheet that holds sales lines',
           '# sales = "Orders"                 # 存放销售明细的工作表'),
        '# regions = "People"',
        "",
        _t(lang, "# Which column holds which field, when its header is not one reportgen knows.",
           "# 列名不是 reportgen 认识的名称时，指定哪一列对应哪个字段。"),
        "# [columns.sales]",
        '# date = "Order Date"',
        '# client_id = "Customer ID"',
        _t(lang, '# client_name = "Customer Name"    # a sales ledger may carry the client\'s name '
                 'and region', '# client_name = "Customer Name"    # 销售台账可带客户名称和区域'),
        '# region = "Region"',
        '# amount = "Sales"',
        '# order_id = "Order ID"',
        '# profit = "Profit"',
        "",
        "# [columns.regions]",
        '# supervisor = "Person"',
        "",
        _t(lang, "# Extra spellings for a column's values.", "# 为某列的取值增加其他写法。"),
        "# [values.attitude]",
        '# supporter = ["coach", "champion"]',
    ]
    defaults = Config()
    for name in Config.model_fields:
        if name not in _SECTION_HELP:
            continue
        section = getattr(defaults, name)
        lines += ["", f"# {_t(lang, *_SECTION_HELP[name])}", f"[{name}]"]
        nested = []
        for key in type(section).model_fields:
            value = getattr(section, key)
            if isinstance(value, dict) and not value:
                nested.append(key)  # an empty table reads better as a [section.key] example
                continue
            lines += [f"# {_t(lang, *_SETTING_HELP[f'{name}.{key}'])}",
                      f"# {key} = {_toml_value(value)}"]
        for key in nested:
            example = f'# "{region}" = ["east-director@example.com"]'
            lines += ["", f"# {_t(lang, *_SETTING_HELP[f'{name}.{key}'])}", f"[{name}.{key}]",
                      example]
    return "\n".join(lines) + "\n"


def write_init_config(path: Path, *, lang: str = "en") -> None:
    """Write a reportgen.toml listing every setting with its default, commented out.

    Raises ``FileExistsError`` if ``path`` exists: a user's settings are never replaced.
    """
    if not write_new(path, init_config_text(lang).encode("utf-8")):
        raise FileExistsError(f"{path} already exists; reportgen init never overwrites a file")
