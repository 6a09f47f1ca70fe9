"""Reading the inputs folder: sheets, headers, columns, validation, derived clients."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from reportgen.inputs.config import Config, load_config
from reportgen.inputs.issues import Severity
from reportgen.inputs.load import column_letter, load_inputs
from tests.workbooks import CLIENTS, REALDATA, SALES, write_csv, write_xlsx


def issues_with(dataset, code):
    return [i for i in dataset.issues if i.code == code]


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"]


def test_reads_english_and_chinese_sheets_and_headers(tmp_path):
    write_xlsx(tmp_path / "clients.xlsx", {"客户": [
        ["客户编号", "客户名称", "大区", "业务员"],
        ["C1", "上海恒通机电有限公司", "华东", "王芳"],
        ["C2", "Northwind Trading Ltd", "华南", "Li Lei"],
    ]})
    write_xlsx(tmp_path / "sales.xlsx", {"Sales": [
        ["Date", "Client ID", "Amount", "Order-ID"],
        [dt.datetime(2026, 10, 3), "C1", 1200.5, "O1"],
        [dt.datetime(2026, 9, 15), "C2", "¥3,000.00", "O2"],
    ]})
    ds = load_inputs(tmp_path, Config())
    assert not ds.errors
    clients = ds.table("clients")
    assert clients["client_id"].tolist() == ["C1", "C2"]
    assert clients["name"].tolist() == ["上海恒通机电有限公司", "Northwind Trading Ltd"]
    assert clients["region"].tolist() == ["华东", "华南"]
    sales = ds.table("sales")
    assert sales["amount"].tolist() == [1_200_500_000, 3_000_000_000]  # millionths
    assert sales["date"].tolist() == [pd.Timestamp("2026-10-03"), pd.Timestamp("2026-09-15")]
    assert sales["_row"].tolist() == [2, 3]
    assert sales["_file"].tolist() == ["sales.xlsx", "sales.xlsx"]
    assert {f.name for f in ds.inputs} == {"clients.xlsx", "sales.xlsx"}


def test_header_below_title_rows_is_found(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {
        "Clients": CLIENTS,
        "Sales": [["East region sales, October 2026"], [], ["Prepared by the sales desk"],
                  *SALES],
    })
    ds = load_inputs(tmp_path, Config())
    sales = ds.table("sales")
    assert sales["_row"].tolist() == [5, 6]
    assert sales["client_id"].tolist() == ["C1", "C2"]


def test_several_sales_workbooks_are_concatenated(tmp_path):
    write_xlsx(tmp_path / "a-clients.xlsx", {"Clients": CLIENTS})
    write_xlsx(tmp_path / "sales-east.xlsx", {"Sales": [SALES[0], SALES[1]]})
    write_xlsx(tmp_path / "sales-south.xlsx", {"销售": [["日期", "客户编号", "金额"],
                                                      ["2026-10-05", "C2", 10]]})
    ds = load_inputs(tmp_path, Config())
    sales = ds.table("sales")
    assert sales["_file"].tolist() == ["sales-east.xlsx", "sales-south.xlsx"]
    assert sales["amount"].tolist() == [1_200_500_000, 10_000_000]


def test_lock_and_hidden_files_are_ignored(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    (tmp_path / "~$book.xlsx").write_bytes(b"locked by someone")
    (tmp_path / ".hidden.xlsx").write_bytes(b"junk")
    ds = load_inputs(tmp_path, Config())
    assert not ds.errors
    assert [f.name for f in ds.inputs] == ["book.xlsx"]


def test_unused_sheets_are_noted(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES,
                                        "Returns": [["Order ID"], ["O1"]]})
    ds = load_inputs(tmp_path, Config())
    (note,) = issues_with(ds, "unused_sheet")
    assert note.severity is Severity.INFO
    assert note.message == 'sheet "Returns" is not one reportgen uses; it was ignored'
    assert (note.file, note.sheet) == ("book.xlsx", "Returns")


def test_hidden_sheet_read_only_without_a_visible_one(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"Clients": CLIENTS, "Sales": SALES}, hidden=["Clients"])
    ds = load_inputs(tmp_path, Config())
    (warning,) = issues_with(ds, "hidden_sheet_read")
    assert warning.severity is Severity.WARNING
    assert warning.message == ('sheet "Clients" is hidden in the workbook; it was read because '
                               "no visible sheet holds the Clients")
    assert len(ds.table("clients")) == 2

    write_xlsx(tmp_path / "b.xlsx", {"客户": CLIENTS})
    ds = load_inputs(tmp_path, Config())
    assert issues_with(ds, "hidden_sheet_ignored")
    assert ds.table("clients")["_file"].unique().tolist() == ["b.xlsx"]


def test_missing_sales_sheet_names_what_was_found(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Orders": SALES})
    ds = load_inputs(tmp_path, Config())
    (err,) = ds.errors
    assert err.message == ('no Sales sheet was found; files read: book.xlsx (sheets "Clients": '
                           'Clients, "Orders": not used)')
    assert not ds.usable


def test_missing_required_column_names_it_and_what_was_found(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [
        ["date", "client_id", "order_id"], ["2026-10-01", "C1", "O1"]]})
    ds = load_inputs(tmp_path, Config())
    err = next(i for i in ds.errors if i.code == "missing_column")
    assert err.message == ("the Sales sheet lacks the required column(s) amount; "
                           "found: date, client_id, order_id")
    assert (err.file, err.sheet, err.row) == ("book.xlsx", "Sales", 1)


def test_bad_row_is_skipped_with_its_address_and_money_counted(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [
        *SALES, ["not a date", "C1", 99.99, "O3"]]})
    ds = load_inputs(tmp_path, Config())
    (skipped,) = [i for i in ds.issues if i.skipped]
    assert (skipped.file, skipped.sheet, skipped.row, skipped.column) == (
        "book.xlsx", "Sales", 4, "date")
    assert skipped.message.endswith("; the row was skipped")
    assert skipped.money == 99_990_000
    assert len(ds.table("sales")) == 2


def test_sales_for_unknown_client_and_duplicate_ids(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {
        "Clients": [*CLIENTS, ["C1", "Another name", "华北", "", None]],
        "Sales": [*SALES, ["2026-10-04", "C9", 50, "O9"]],
    })
    ds = load_inputs(tmp_path, Config())
    (dup,) = issues_with(ds, "duplicate_id")
    assert dup.message == ('duplicate client_id "C1": the same client is already at book.xlsx, '
                           'sheet "Clients", row 2; the row was skipped')
    assert dup.row == 4
    (unknown,) = issues_with(ds, "unknown_client")
    assert unknown.message == 'client_id "C9" is not in the client list; the row was skipped'
    assert (unknown.row, unknown.money) == (4, 50_000_000)
    assert ds.table("clients")["name"].tolist() == ["上海恒通机电有限公司", "Northwind Trading Ltd"]


def test_duplicate_sales_lines_are_kept_with_a_warning(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [*SALES, SALES[1]]})
    ds = load_inputs(tmp_path, Config())
    (dup,) = issues_with(ds, "duplicate_sales_line")
    assert dup.row == 4
    assert len(ds.table("sales")) == 3


def test_blank_rows_are_skipped_and_subtotal_rows_reported(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [
        SALES[0], SALES[1], [None, None, None, None], SALES[2], [None, "合计", 4200.5, None]]})
    ds = load_inputs(tmp_path, Config())
    assert ds.table("sales")["_row"].tolist() == [2, 4]
    (sub,) = issues_with(ds, "subtotal_row")
    assert sub.message == ("looks like a subtotal or total row; it was not counted; "
                           "the row was skipped")
    assert sub.row == 5
    assert sub.money is None  # a subtotal's money is already on its rows, not lost


def test_config_maps_sheets_and_columns_including_one_source_for_two(tmp_path):
    write_xlsx(tmp_path / "ledger.xlsx", {"Orders": [
        ["ORDERDATE", "CUSTOMERNAME", "SALES", "TERRITORY"],
        ["2026-10-03", "Acme", 100, "NA"],
        ["2026-10-04", "Beta", 200, "EMEA"],
    ]})
    cfg_path = tmp_path / "reportgen.toml"
    cfg_path.write_text(
        '[sheets]\nsales = "Orders"\n'
        '[columns.sales]\ndate = "ORDERDATE"\nclient_id = "CUSTOMERNAME"\n'
        'client_name = "CUSTOMERNAME"\namount = "SALES"\nregion = "TERRITORY"\n',
        encoding="utf-8")
    ds = load_inputs(tmp_path, load_config(cfg_path))
    assert ds.clients_derived
    clients = ds.table("clients")
    assert clients["client_id"].tolist() == ["Acme", "Beta"]
    assert clients["region"].tolist() == ["NA", "EMEA"]  # "NA" is text, not missing
    assert issues_with(ds, "clients_derived")


def test_derived_client_region_by_largest_recent_net_amount(tmp_path):
    write_xlsx(tmp_path / "ledger.xlsx", {"Sales": [
        ["date", "client_id", "client_name", "region", "amount"],
        # C1: East has more over all history, but South has more in the 12 months to 2026-10.
        ["2024-01-10", "C1", "Old name", "East", 1000],
        ["2026-05-10", "C1", "New name", "South", 300],
        ["2026-06-10", "C1", "New name", "East", 200],
        # C2: tie in the window (100 each); the latest purchase (West) wins.
        ["2026-03-01", "C2", "Two", "North", 100],
        ["2026-04-01", "C2", "Two", "West", 100],
        # C3: the latest line has no name; the latest name given is kept. C4 has none at all.
        ["2026-02-01", "C3", "Three", "East", 10],
        ["2026-08-01", "C3", None, "East", 10],
        ["2026-08-02", "C4", None, "East", 10],
    ]})
    ds = load_inputs(tmp_path, Config(), month=pd.Period("2026-10", "M"))
    clients = ds.table("clients").set_index("client_id")
    assert clients.loc["C1", "name"] == "New name"
    assert clients.loc["C3", "name"] == "Three"
    assert clients.loc["C4", "name"] == "C4"  # no name anywhere: the id stands in
    assert clients.loc["C1", "region"] == "South"
    assert clients.loc["C2", "region"] == "West"


def test_csv_in_gbk_and_bom_utf8(tmp_path):
    write_csv(tmp_path / "客户.csv",
              [["客户编号", "客户名称", "区域"], ["00123", "华东机电", "华东"]], encoding="gbk")
    write_csv(tmp_path / "销售.csv",
              [["日期", "客户编号", "金额"], ["2026年10月3日", "00123", "1,234.50"]],
              encoding="utf-8-sig")
    ds = load_inputs(tmp_path, Config())
    assert not ds.errors
    assert ds.table("clients")["client_id"].tolist() == ["00123"]
    assert ds.table("sales")["amount"].tolist() == [1_234_500_000]
    assert ds.table("sales")["date"].tolist() == [pd.Timestamp("2026-10-03")]


def test_unreadable_file_is_an_error_and_others_still_read(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a workbook")
    ds = load_inputs(tmp_path, Config())
    (err,) = ds.errors
    assert err.file == "broken.xlsx"
    assert len(ds.table("sales")) == 2


def test_inputs_are_never_modified(tmp_path):
    paths = [write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES}),
             write_csv(tmp_path / "extra.csv", [["x"], ["1"]])]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    load_inputs(tmp_path, Config())
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} == before


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["Abhishake22__Sample - Superstore.xlsx",
                                  "apress_jumpstart-tableau__Sample - Superstore.xls"])
def test_superstore_with_a_mapping_derives_clients(tmp_path, name):
    source = REALDATA / "sales" / name
    if not source.exists():
        pytest.skip("../shared/realdata is not available")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copyfile(source, inputs / name)  # a link out of the folder is not read
    cfg = tmp_path / "reportgen.toml"
    cfg.write_text(
        '[sheets]\nsales = "Orders"\nregions = "People"\n'
        '[columns.sales]\ndate = "Order Date"\nclient_id = "Customer ID"\n'
        'client_name = "Customer Name"\nregion = "Region"\namount = "Sales"\n'
        'order_id = "Order ID"\nprofit = "Profit"\n'
        '[columns.regions]\nsupervisor = "Person"\n', encoding="utf-8")
    ds = load_inputs(inputs, load_config(cfg))
    assert not ds.errors
    assert ds.clients_derived
    assert len(ds.table("clients")) == 793
    assert len(ds.table("sales")) == 9994
    assert sorted(ds.table("regions")["supervisor"]) == [
        "Anna Andreadi", "Cassandra Brandow", "Chuck Magee", "Kelly Williams"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(("lang", "line"), [
    ("en", 'error: sales-b.xlsx, sheet "Sales", column "金额": the amounts of this sheet add '
           "up to more than 2,305,843,009,213, more than reportgen can add exactly; nothing was "
           "computed — check the amounts for extra digits, or split the ledger by year"),
    ("zh", "错误：sales-b.xlsx，工作表“Sales”，“金额”列：此工作表的金额合计超过 "
           "2,305,843,009,213，超出 reportgen 能精确相加的范围；未计算任何数字——请检查金额是否"
           "多打了位数，或按年份拆分台账"),
])
def test_amounts_that_could_overflow_a_sum_are_refused(tmp_path, lang, line):
    # Each line is under the trillion a line may hold; three of them add up to 3e12 units,
    # past the 2**61 millionths (2.3e12) the sums may reach. The sheet holding them is named,
    # and its column as its header writes it.
    big = 999_999_999_999
    write_xlsx(tmp_path / "clients.xlsx", {"Clients": CLIENTS})
    write_xlsx(tmp_path / "sales-a.xlsx", {"Sales": [["date", "client_id", "amount"],
                                                     ["2026-10-01", "C1", 5]]})
    write_xlsx(tmp_path / "sales-b.xlsx", {"Sales": [
        ["日期", "客户编号", "金额"], *[[f"2026-10-0{d}", "C1", big] for d in (1, 2, 3)]]})
    result = CliRunner().invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", lang])
    assert result.exit_code == 1
    assert line in result.output.splitlines()
    (issue,) = load_inputs(tmp_path, Config()).errors
    assert (issue.code, issue.file, issue.sheet, issue.column) == (
        "amounts_too_large", "sales-b.xlsx", "Sales", "金额")
    # Two such lines (2e12 units) are still added exactly.
    write_xlsx(tmp_path / "sales-b.xlsx", {"Sales": [
        ["date", "client_id", "amount"], *[[f"2026-10-0{d}", "C1", big] for d in (1, 2)]]})
    sales = load_inputs(tmp_path, Config()).table("sales")
    assert int(sales["amount"].sum()) == (5 + 2 * big) * 1_000_000
