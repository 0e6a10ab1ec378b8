"""Reading a data folder's YAML files: what cannot be read, or would remove rows by accident, is a
row error naming the file, never an exception or a silent deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.domain.datafiles import RawRow
from firstmate.domain.intake import RowError

BOMB = """config:
  a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def _read(folder: Path, name: str, text: str) -> dict[str, list[RawRow]]:
    """The data folder's rows once `name` holds `text` (that it reads is part of the test)."""
    (folder / name).write_text(text, encoding="utf-8")
    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    return raw


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("business.yaml", "", "is empty: delete the file to keep what is stored"),
        ("business.yaml", "# cash: 12000\n# goals: []\n", "is empty: delete the file to keep what is stored"),
        ("infrastructure.yaml", "\n", "is empty: write [] to remove every service"),
        ("business.yaml", "as_of: 2026-02-30\ncash: 1000\n", "line 1 has a value that is not a real date or time"),
        ("infrastructure.yaml", f"- id: web\n  name: Web\n  kind: hosting\n  {BOMB}", "uses aliases (*name)"),
    ],
)
def test_a_yaml_file_that_would_remove_rows_by_accident_or_cannot_be_read_is_a_row_error(
    tmp_path: Path, name: str, text: str, says: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = read_data_folder(tmp_path)
    assert isinstance(result, list) and len(result) == 1
    [error] = result
    assert isinstance(error, RowError) and error.where.startswith(name) and says in f"{error.where} {error.problem}"


def test_an_explicit_empty_list_still_removes_every_service(tmp_path: Path) -> None:
    (tmp_path / "infrastructure.yaml").write_text("[]\n", encoding="utf-8")
    assert read_data_folder(tmp_path) == {"infrastructure.yaml": []}


def test_a_csv_header_with_a_misspelt_column_is_said_once_for_the_file(tmp_path: Path) -> None:
    """It was said twice for every row: the misspelt column unknown, the one meant missing."""
    rows = "".join(f"INV-{n},keel-advisory,Example Client Co,2026-09-20,2026-10-20,4200.00\n" for n in range(30))
    (tmp_path / "invoices.csv").write_text("# invoices\nid,entity,client,issued,due,amout\n" + rows, encoding="utf-8")
    assert read_data_folder(tmp_path) == [
        RowError(
            "invoices.csv line 2",
            "the header has unknown columns: amout; missing columns: amount; "
            "the columns are: id, entity, client, issued, due, amount, paid_on, paid_amount",
        )
    ]


def test_an_invoice_with_a_paid_on_date_alone_or_nothing_paid_is_paid_in_full(tmp_path: Path) -> None:
    """It imported as nothing paid: the billing report chased an invoice its owner had marked paid."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "invoices.csv",
        "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
        "KA-1,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,4200.00,2026-10-03,\n"
        "KA-2,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,4200.00,,1000.00\n"
        "KA-3,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,4200.00,,\n"
        "KA-4,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,4200.00,2026-10-03,0\n",  # the admin form's 0
    )
    checked = check_rows(raw, ["keel-advisory"], [])
    assert not isinstance(checked, list), checked
    invoices = checked.rows["invoices"]
    assert [invoices[i].open_amount for i in ("KA-1", "KA-2", "KA-3", "KA-4")] == [0, 3200, 4200, 0]


def test_an_occupancy_above_the_nights_there_are_is_refused_by_row(tmp_path: Path) -> None:
    """A typo imported without a word showed "111%" occupancy and a RevPAN above the ADR."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "occupancy.csv",
        "asset,month,nights_available,nights_booked,revenue\n"
        "loft-unit,2026-02,28,31,4000\nloft-unit,2026-04,31,20,3000\nloft-unit,2026-05,31,31,5000\n",
    )
    assert check_rows(raw, [], ["loft-unit"]) == [
        RowError("occupancy.csv row 1 (line 2)", "nights_booked (31) is more than nights_available (28)"),
        RowError("occupancy.csv row 2 (line 3)", "nights_available is 31; April 2026 has 30 nights"),
    ]


def test_a_refund_that_names_no_sale_is_refused_by_row(tmp_path: Path) -> None:
    """Without its sale's reference a refund undid no sale: three charters and a refund read three sold."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "revenue.csv",
        "id,entity,asset,source,recorded_on,service_date,amount,deposit,reference\n"
        "R-1,tours,,direct,2026-03-01,2026-03-02,900,,\n"
        "R-2,tours,,direct,2026-03-05,2026-03-02,-900,,\n"
        "R-3,tours,,direct,2026-03-05,2026-03-02,-900,, \n"
        "R-4,tours,,direct,2026-03-06,2026-03-02,-900,,R-1\n"
        "R-5,tours,,direct,2026-03-06,2026-03-02,-900,,R-11\n",  # a typo: no sale is R-11
    )
    says = "a refund (a negative amount) needs the reference of the sale it refunds, or that sale's id, so that"
    errors = check_rows(raw, ["tours"], [])
    assert isinstance(errors, list) and [e.where for e in errors] == [
        "revenue.csv row 2 (line 3), field reference",
        "revenue.csv row 3 (line 4), field reference",
        "revenue.csv row 5 (line 6), field reference",
    ]
    assert all(e.problem.startswith(says) for e in errors[:2])
    assert errors[2].problem.startswith("the refund names 'R-11', and no sale has that reference or id")


def test_a_boat_named_as_a_business_line_or_a_business_line_as_an_asset_is_refused_by_row(tmp_path: Path) -> None:
    """Either was taken for any field: the CEO report listed a business line "sea-lark" at −$9,999."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "expenses.csv",
        "id,month,entity,category,vendor,amount,fixed,asset\n"
        "E-1,2026-03,sea-lark,fuel,Harbor Fuel,9999,false,\n"
        "E-2,2026-03,tours,fuel,Harbor Fuel,120,false,tours\n"
        "E-3,2026-03,tours,fuel,Harbor Fuel,120,false,sea-lark\n",
    )
    row = "expenses.csv row {} (line {}), field {}"
    assert check_rows(raw, ["tours"], ["sea-lark"]) == [
        RowError(row.format(1, 2, "entity"), "'sea-lark' is an asset, not a business line; known: tours"),
        RowError(row.format(2, 3, "asset"), "'tours' is a business line, not an asset; known: sea-lark"),
    ]


def test_a_cell_typed_over_several_lines_keeps_every_line_and_rows_keep_their_own_line_numbers(tmp_path: Path) -> None:
    """Lines were split before the cells: a blank line inside a quoted description was dropped with
    nothing said, and every error after it named the wrong line."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "maintenance.csv",
        "# parts and labour\n"
        "id,asset,date,description,cost\n"
        'M-1,sea-lark,2026-03-02,"Replaced:\n\n# 2 impeller\nand both belts",480\n'
        "\n"
        "M-2,sea-lark,2026-13-01,Hull cleaned,120\n"
        'M-3,sea-lark,2026-03-04,Replaced 12" prop,300\n'  # a quote inside a cell not quoted is text
        'M-4,sea-lark,2026-03-05,Fitted 14" fender,90\n',
    )
    first, second, third, fourth = raw["maintenance.csv"]
    assert first.values["description"] == "Replaced:\n\n# 2 impeller\nand both belts" and first.line == 3
    assert second.line == 8
    assert (third.values["description"], fourth.values["description"]) == ('Replaced 12" prop', 'Fitted 14" fender')
    errors = check_rows(raw, [], ["sea-lark"])
    assert isinstance(errors, list) and [e.where for e in errors] == ["maintenance.csv row 2 (line 8), field date"]
    (tmp_path / "maintenance.csv").write_text('id,asset,date,description,cost\nM-3,sea-lark,2026-03-02,"Oil\n')
    assert read_data_folder(tmp_path) == [RowError("maintenance.csv line 2", "a quote opened here is never closed")]
    bertha = 'id,asset,date,description,cost\nM-3,sea-lark,2026-03-02,"Big" Bertha,3\n'
    (tmp_path / "maintenance.csv").write_text(bertha)
    [error] = read_data_folder(tmp_path)
    assert isinstance(error, RowError) and error.where == "maintenance.csv line 2"
    assert error.problem.startswith("a cell that begins with a quote must be quoted whole")


def test_an_amount_written_with_commas_or_a_currency_sign_is_refused_saying_how_to_write_it(tmp_path: Path) -> None:
    """It said "Input should be a valid decimal", and not what was wrong with "1,200.50"."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(
        tmp_path,
        "invoices.csv",
        "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
        'KA-1,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,"1,200.50",,\n'
        "KA-2,keel-advisory,Marlow Studio,2026-09-01,2026-10-01,$50,,\n",
    )
    problems = check_rows(raw, ["keel-advisory"], [])
    assert isinstance(problems, list) and len(problems) == 2
    assert [(p.where.rsplit(", ", 1)[-1], p.problem) for p in problems] == [
        ("field amount", f"{written!r} is not a plain number: write it like 1200.50, without thousands commas or a "
         "currency sign") for written in ("1,200.50", "$50")
    ]  # fmt: skip


def test_a_row_whose_key_is_only_dots_is_refused(tmp_path: Path) -> None:
    """A review: a payout saved as "." or ".." could not be removed from the admin page (its link's path
    read "this folder" or "the folder above": 404)."""
    from firstmate.domain.datafiles import check_rows

    raw = _read(tmp_path, "payouts.csv", "id,source,paid_on,amount\n.,direct,2026-05-02,10\n..,direct,2026-05-02,10\n")
    errors = check_rows(raw, [], [])
    assert isinstance(errors, list) and [e.where for e in errors] == [
        "payouts.csv row 1 (line 2)",
        "payouts.csv row 2 (line 3)",
    ]
    assert all("is only dots" in e.problem for e in errors)


def test_a_row_whose_key_holds_a_line_break_is_refused(tmp_path: Path) -> None:
    """A review: "R-1\nR-2" (a quoted cell over two lines) was saved, and its remove button answered 404."""
    from firstmate.domain.datafiles import check_rows

    rows = ['"P-1\nP-2",direct,2026-05-02,10', "P\t3,direct,2026-05-02,10", "P 4,direct,2026-05-02,10"]
    text = "id,source,paid_on,amount\n" + "\n".join(rows) + "\n"
    errors = check_rows(_read(tmp_path, "payouts.csv", text), [], [])
    assert isinstance(errors, list) and [(e.where, e.problem) for e in errors] == [
        ("payouts.csv row 1 (line 2)", "its key 'P-1\\nP-2' holds a line break or control character"),
        ("payouts.csv row 2 (line 4)", "its key 'P\\t3' holds a line break or control character"),
    ]  # "P 4" is a key like any


_INVOICE = {"id": "INV-1", "entity": "keel-advisory", "client": "Marlow Studio", "issued": "2026-09-01",
            "due": "2026-10-01", "amount": "10"}  # fmt: skip
_JARGON = ("Input should", "String should", "Field required", "isoformat", "valid tuple", "Decimal input", "pattern")


@pytest.mark.parametrize(
    ("file", "values", "where", "says"),
    [
        ("invoices.csv", {**_INVOICE, "issued": "16/11/2026"}, "field issued",
         "'16/11/2026' is not a date: write it year-month-day, like 2026-07-04"),
        # a bare number was read as seconds since 1970 (86400: 1970-01-02) and taken without a word
        ("invoices.csv", {**_INVOICE, "issued": "86400"}, "field issued",
         "'86400' is not a date: write it year-month-day, like 2026-07-04"),
        ("invoices.csv", {**_INVOICE, "issued": "20260901"}, "field issued",
         "'20260901' is not a date: write it year-month-day, like 2026-07-04"),
        ("invoices.csv", {**_INVOICE, "due": "2026-02-30"}, "field due",
         "'2026-02-30' is not a real date (no such month or day): write it year-month-day, like 2026-07-04"),
        ("invoices.csv", {**_INVOICE, "issued": "2026-09-01T10:00"}, "field issued",
         "'2026-09-01T10:00' has a time: write the date alone, like 2026-07-04"),
        ("expenses.csv", {"id": "E-1", "month": "Jan 2026", "entity": "keel-advisory", "vendor": "Harbour Ltd",
                          "amount": "5"}, "field month",
         "'Jan 2026' is not a month: write it year-month, like 2026-07"),
        ("invoices.csv", {**_INVOICE, "amount": "-5"}, "field amount", "'-5' is below 0: write 0 or more"),
        ("invoices.csv", {**_INVOICE, "amount": "10.123"}, "field amount",
         "10.123 has more decimal places than USD's 2 (business.yaml's currency): write it like 10.12"),
        ("invoices.csv", {**_INVOICE, "amount": "2000000000"}, "field amount",
         "'2000000000' is above 1000000000: write 1000000000 or less"),
        ("invoices.csv", {**_INVOICE, "client": "x" * 130}, "field client",
         "is 130 characters long: write at most 120"),
        ("invoices.csv", {k: v for k, v in _INVOICE.items() if k != "due"}, "field due",
         "is empty: every row needs one"),
        ("revenue.csv", {"id": "R-1", "entity": "keel-advisory", "recorded_on": "2026-09-01",
                         "service_date": "2026-09-01", "amount": "10", "deposit": "maybe"}, "field deposit",
         "'maybe' is not yes or no: write true or false"),
        ("occupancy.csv", {"asset": "morning-tern", "month": "2026-09", "nights_available": "30",
                           "nights_booked": "3.5", "revenue": "5"}, "field nights_booked",
         "'3.5' is not a whole number: write it like 12"),
        ("maintenance.csv", {"id": "M-1", "asset": "morning-tern", "date": "2026-09-01", "description": "Paint",
                             "cost": "1", "kind": "fix"}, "field kind",
         "'fix' is not one of planned, repair: write one of them"),
        ("channels.csv", {"entity": "keel-advisory", "channel": "Boatsetter", "status": "LIVE"}, "field status",
         "'LIVE' is not one of live, listed: write it in lower case: live"),
        ("business.yaml", {"currency": "dollars"}, "field currency",
         "'dollars' is not a currency code: write its three letters, like USD"),
        ("business.yaml", {"fixed_costs": "rent"}, "field fixed_costs",
         "'rent' is not a list: write each item on its own line, starting with '- '"),
        ("business.yaml", {"email_lists": [{"entity": "keel-advisory", "subscribers": 10, "open_rate": "40%",
                                            "click_rate": 0.1, "conversion_rate": 0.1, "average_order": 5}]},
         "field email_lists.0.open_rate", "'40%' is not a plain number: write a share as a fraction, like 0.4 for 40%"),
        ("business.yaml", {"cash": {"balance": 5, "as_of": "2026-09-01", "bank": "Harbour"}}, "field cash.bank",
         "is not a field firstmate knows here; the fields are: balance, as_of"),
    ],
)  # fmt: skip
def test_a_value_written_wrong_is_refused_in_plain_words_saying_what_was_written_and_how_to_write_it(
    file: str, values: dict[str, object], where: str, says: str
) -> None:
    """Found by a review: "16/11/2026" was refused in pydantic's words ("Input should be a valid date or datetime,
    invalid character in year") before the hint, and booleans, whole numbers, choices, amounts out of range and
    lists said "Input should be …", "Decimal input …", "valid tuple" or a pattern, never what was written."""
    from firstmate.domain.datafiles import check_rows

    problems = check_rows({file: [RawRow(file, 2, 3, values)]}, ["keel-advisory"], ["morning-tern"])
    assert isinstance(problems, list) and len(problems) == 1, problems
    [problem] = problems
    assert problem.where.endswith(where) and problem.where.startswith(file), problem
    assert problem.problem == says
    assert not any(word in problem.problem for word in _JARGON)
