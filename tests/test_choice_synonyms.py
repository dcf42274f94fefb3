"""Choice columns read the words Russian CRMs, 1C and mailing tools export (a lead "Успешно
реализовано", a consent "Отписан") as their codes; an unknown word is still refused, naming the
row and the column, never guessed."""

from __future__ import annotations

import re

import pytest

import cxray
from cxray.errors import Reject
from cxray.ingest.schema import TABLES


def choice_columns():
    return [(t, c) for t in TABLES.values() for c in t.columns if c.synonyms]


@pytest.mark.parametrize(("table", "column"), choice_columns(), ids=lambda x: x.name)
def test_every_synonym_names_one_choice_as_the_importer_reads_it(table, column):
    spellings = [s for s, _ in column.synonyms]
    assert len(spellings) == len(set(spellings)), "a spelling names two choices"
    for spelling, choice in column.synonyms:
        assert choice in column.choices
        assert spelling not in column.choices
        # lower-cased, one space between words: the importer compares them so
        assert spelling == re.sub(r"\s+", " ", spelling.lower()).strip()


def read(path, table: str, text: str):
    path.write_bytes(text.encode("cp1251"))  # a 1C export: Windows-1251, ';'
    return cxray.import_file(table, path, workspace=path.parent / "ws")


def test_russian_lead_statuses_are_read_as_codes(tmp_path):
    result = read(
        tmp_path / "leads.csv",
        "leads",
        "lead_id;created_at;channel;status\n"
        "L1;05.01.2026 10:00;сайт;Первичный контакт\n"
        "L2;05.01.2026 11:00;сайт;В работе\n"
        "L3;06.01.2026 10:00;звонок;Успешно  реализовано\n"  # two spaces: one is meant
        "L4;06.01.2026 12:00;звонок;Закрыто и не реализовано\n"
        "L5;07.01.2026 09:00;сайт;ВЫИГРАНА\n"
        "L6;07.01.2026 10:00;сайт;может быть\n",
    )
    assert (result.new, result.rejected) == (5, 1)
    assert result.first_rejects == [Reject(7, "bad_choice", "status", "может быть")]
    with cxray.open(tmp_path / "ws") as ws:
        got = ws.sql("SELECT lead_id, status FROM leads ORDER BY lead_id").to_pylist()
    assert {r["lead_id"]: r["status"] for r in got} == {
        "L1": "new", "L2": "contacted", "L3": "won", "L4": "lost", "L5": "won",
    }  # fmt: skip


def test_consents_groups_and_points_are_read_as_codes(tmp_path):
    consents = read(
        tmp_path / "consents.csv",
        "consents",
        "customer_id;channel;status\nC1;email;Подписан\nC2;email;Отписался\nC3;sms;да\n",
    )
    # "да" could be anything: refused, never taken for a consent
    assert consents.first_rejects == [Reject(4, "bad_choice", "status", "да")]
    sends = read(
        tmp_path / "sends.csv",
        "sends",
        "campaign_id;customer_id;sent_at;group\nK1;C1;05.01.2026 10:00;Целевая группа\n"
        "K1;C2;05.01.2026 10:00;Контрольная\n",
    )
    points = read(
        tmp_path / "points.csv",
        "loyalty_rewards",
        "customer_id;date;kind;points\nC1;05.01.2026;Начисление;10\nC1;06.01.2026;Списание;5\n",
    )
    assert (consents.new, sends.new, points.new) == (2, 2, 2)
    with cxray.open(tmp_path / "ws") as ws:
        status = ws.sql("SELECT customer_id, status FROM consents").to_pylist()
        groups = ws.sql('SELECT customer_id, "group" FROM sends').to_pylist()
        kinds = ws.sql("SELECT date, kind FROM loyalty_rewards ORDER BY date").to_pylist()
    assert {r["customer_id"]: r["status"] for r in status} == {"C1": "opt_in", "C2": "opt_out"}
    assert {r["customer_id"]: r["group"] for r in groups} == {"C1": "target", "C2": "control"}
    assert [r["kind"] for r in kinds] == ["accrual", "redemption"]
