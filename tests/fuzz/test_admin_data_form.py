"""Hostile input in the admin's business-data form (a row of any kind edited by hand): a real row of
the demo's with up to two fields made hostile is answered with the form again (422, naming the
field) or saved (303), never a crash, and nothing typed comes back as markup."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App
from firstmate.demo.business_data import write_demo_data
from firstmate.domain.datafiles import BY_KIND
from firstmate.web.routes.data import FILE_ONLY
from tests.fuzz.strategies import FUZZ, examples, hostile
from tests.security.conftest import operator

KINDS = sorted(kind for kind in BY_KIND if kind not in FILE_ONLY)
#: What a page may never contain raw: the markup in the hostile inputs, unescaped.
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def _demo_rows(tmp_path: Path) -> dict[str, dict[str, str]]:
    """A real row of each kind, from the demo's data folder: the base each submission starts from."""
    raw = read_data_folder(write_demo_data(tmp_path / "data", date(2026, 6, 1)))
    assert isinstance(raw, dict)
    first = {kind.kind: rows[0].values for kind in BY_KIND.values() if (rows := raw.get(kind.file))}
    return {kind: {k: "" if v is None else str(v) for k, v in values.items()} for kind, values in first.items()}


def test_any_row_typed_into_the_data_form_is_saved_or_refused_by_field(demo_app: App, tmp_path: Path) -> None:
    admin = operator(demo_app)
    bases = _demo_rows(tmp_path)
    answers: Counter[tuple[str, int]] = Counter()

    @settings(FUZZ, max_examples=examples(300))
    @given(kind=st.sampled_from(KINDS), data=st.data())
    def submit(kind: str, data: st.DataObject) -> None:
        fields = list(BY_KIND[kind].model.model_fields)
        base = bases.get(kind, {})
        spoilt = data.draw(st.sets(st.sampled_from(fields), max_size=2), label="hostile fields")
        form = {f: data.draw(hostile, label=f) if f in spoilt or f not in base else base[f] for f in fields}
        answer = admin.post(f"/admin/data/demo/{kind}", data=form, follow_redirects=False)
        answers[(kind, answer.status_code)] += 1
        assert answer.status_code in (303, 422), (kind, form, answer.text[:300])
        for raw in RAW_MARKUP:
            assert raw not in answer.text

    submit()
    assert {kind for kind, _ in answers} == set(KINDS)  # every kind of row was tried
    assert {status for _, status in answers} == {303, 422}  # some saved, some refused
    for kind in KINDS:  # what was saved, hostile text and all, shows escaped in the table
        table = admin.get(f"/admin/data/demo/{kind}")
        assert table.status_code == 200 and not [raw for raw in RAW_MARKUP if raw in table.text], kind
    print(f"\nadmin data form: {sum(answers.values())} rows over {len(KINDS)} kinds, {sorted(answers.items())}")


def test_an_amount_written_with_an_exponent_or_as_minus_zero_is_shown_as_a_plain_number(demo_app: App) -> None:
    """A review: "1e3" was shown as "1E+3" in the table and the edit form, and "-0.00" kept its sign."""
    import re

    admin = operator(demo_app)
    for row_id, amount in (("P-1", "1e3"), ("P-2", "-0.00"), ("P-3", "0e3"), ("P-4", "-0e2")):
        form = {"id": row_id, "source": "boatsetter", "paid_on": "2026-05-01", "amount": amount}
        assert admin.post("/admin/data/demo/payouts", data=form, follow_redirects=False).status_code == 303
    page = admin.get("/admin/data/demo/payouts").text
    shown = re.findall(r"<tr><td>(P-\d)</td><td>boatsetter</td><td>2026-05-01</td><td>([^<]*)</td>", page)
    assert shown == [("P-1", "1000"), ("P-2", "0.00"), ("P-3", "0"), ("P-4", "0")]
    assert 'value="1000"' in admin.get("/admin/data/demo/payouts?edit=P-1").text
