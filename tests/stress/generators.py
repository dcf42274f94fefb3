"""Generators of hostile import files and of messy consent data, with the checks that judge what
cxray made of them. Shared by the standing tests (tests/test_fuzz_import.py,
tests/test_consent_property.py) and the stress script (tests/stress/fuzz_stress.py), so both run
the same cases; the expected values come from how each cell was generated, never from cxray.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import strategies as st

from cxray.errors import CxrayError

# --- import files ------------------------------------------------------------------------------

REJECT = "reject"  # a cell that must get its row rejected
NBSP, NNBSP = "\u00a0", "\u202f"
CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
# text cells: letters, digits, the delimiters, quotes and line breaks a cell may hold
TEXT_ALPHABET = "abcXYZ019" + CYRILLIC[:12] + "«»№ ;,\t\"'\n" + NBSP
# numbers that are no finite number: nan / inf spelled every way, beyond a double, not numbers
JUNK_NUMBERS = [
    "abc", "12 руб", "1,2,3", "1.2.3", "nan", "NaN", "inf", "-inf", "Infinity", "-Infinity",
    "1_000", "1e309", "-1e309", "9" * 400, "--1", "1e", ".", "0x1A", "½",
]  # fmt: skip
JUNK_DATES = ["31.02.2024", "2024-13-01", "вчера", "15.03.202", "2024.03.15", "0000-00-00"]
JUNK_LINE_NOS = ["1e20", "x", "1.5", "99999999999999999999", "-"]
# header names of cxray's own working columns and other columns the orders table ignores
NOISE_HEADERS = [
    "_problem", "_row", "_extra", "_value", "_column", "t:amount", "Комментарий", "manager"
]  # fmt: skip
# a canonical column as exports spell it
SPELLINGS = {
    "order_id": ["order_id", "Order ID", "ORDER_ID"],
    "customer_id": ["customer_id", "Customer Id", "customer-id"],
    "order_date": ["order_date", "Order Date"],
    "amount": ["amount", "Amount", " amount "],
    "quantity": ["quantity", "Quantity"],
    "price": ["price", "PRICE"],
    "line_no": ["line_no", "Line No"],
    "sku": ["sku", "SKU"],
    "channel": ["channel"],
}


@dataclass
class Row:
    """One data row: its cells by canonical name (noise columns by header) and what each checked
    cell must become (a value, None for empty, or :data:`REJECT`)."""

    cells: dict[str, str]
    expected: dict[str, object]
    must_reject: bool
    stray: bool = False  # written with a stray quote (no CSV quoting)


@dataclass
class ImportCase:
    """A generated orders file before it is written: :meth:`render` gives its bytes, with each
    row's marker (in the ``channel`` column, unique in the run) put in."""

    header: list[tuple[str, str]]  # (canonical name or noise header, header text)
    rows: list[Row]
    sep: str
    encoding: str
    newline: str

    def markers(self, prefix: str) -> list[str]:
        return [f"~{prefix}r{i:02d}~" for i in range(len(self.rows))]

    def render(self, prefix: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.sep, lineterminator=self.newline)
        writer.writerow([text for _, text in self.header])
        for row, marker in zip(self.rows, self.markers(prefix), strict=True):
            cells = [
                f" {marker} " if name == "channel" else row.cells.get(name, "")
                for name, _ in self.header
            ]
            if row.stray:  # written by hand: the cell with the stray quote is not quoted
                out.write(self.sep.join(cells) + self.newline)
            else:
                writer.writerow(cells)
        text = out.getvalue()
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError:  # a character Windows-1251 lacks: the file is UTF-8
            return text.encode("utf-8")

    @property
    def has(self) -> set[str]:
        return {name for name, _ in self.header}


def _decimal_text(value: Decimal, places: int, decimal: str, thousands: str) -> str:
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.{places}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + thousands.join(groups) + (decimal + frac if frac else "")


def number_cell(rng: random.Random, *, empty: bool = True) -> tuple[str, object]:
    """(cell text, expected float or REJECT or None for an empty cell)."""
    kind = rng.choice(["clean"] * 6 + ["exp", "junk", "junk"] + (["empty"] if empty else []))
    if kind == "empty":
        return rng.choice(["", " "]), None
    if kind == "junk":
        return rng.choice(JUNK_NUMBERS), REJECT
    if kind == "exp":
        mantissa = Decimal(rng.randint(-999, 999)).scaleb(-rng.randint(0, 2))
        power = rng.randint(-10, 300)
        text = f"{mantissa}".replace(".", rng.choice(".,")) + rng.choice("eE") + str(power)
        return text, float(mantissa.scaleb(power))
    places = rng.randint(0, 3)
    value = Decimal(rng.randint(-(10**10), 10**10)).scaleb(-places)
    # a thousands separator only where it cannot be read as the decimal mark
    styles = [(",", ""), (".", ""), (",", " "), (",", NBSP), (",", NNBSP), (".", " ")]
    decimal, thousands = rng.choice(styles + ([(",", "."), (".", ",")] if places else []))
    text = _decimal_text(value, places, decimal, thousands)
    if value >= 0 and not thousands and rng.random() < 0.3:
        text = "+" + text
    return rng.choice(["{}", " {} "]).format(text), float(value)


def text_cell(rng: random.Random, *, required: bool) -> tuple[str, object]:
    """(cell text, REJECT when a required cell is empty, else "text")."""
    if rng.randint(0, 19) == 0:
        return rng.choice(["", "  "]), REJECT if required else None
    core = "".join(rng.choice(TEXT_ALPHABET) for _ in range(rng.randint(0, 8)))
    if rng.randint(0, 9) == 0:  # a description of three lines, a delimiter on the inner one
        core += "\n" + rng.choice(["x; y", "x, y", "x\ty", "1;2,3"]) + "\n" + rng.choice(["z", ""])
    letter = rng.choice(["a", "Ж", "7", "«"])
    pad = rng.choice(["", " "])
    return pad + letter + core + letter + pad, "text"


DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M"]
FIRST_DAY = dt.date(1970, 1, 1)


def date_cell(rng: random.Random) -> tuple[str, object]:
    kind = rng.choice(["clean"] * 8 + ["junk", "empty"])
    if kind == "empty":
        return "", REJECT
    if kind == "junk":
        return rng.choice(JUNK_DATES), REJECT
    day = FIRST_DAY + dt.timedelta(days=rng.randint(0, 33000))  # to 2060
    when = dt.datetime.combine(day, dt.time(13, 45))
    return when.strftime(rng.choice(DATE_FORMATS)), day


def line_no_cell(rng: random.Random) -> tuple[str, object]:
    kind = rng.choice(["clean"] * 8 + ["junk", "empty"])
    if kind == "empty":
        return "", REJECT
    if kind == "junk":
        return rng.choice(JUNK_LINE_NOS), REJECT
    n = rng.randint(1, 4)
    return rng.choice(["{}", " {} "]).format(n), n


class Near(float):
    """An expected number known to about 12 significant digits (a product in doubles)."""


def _amount_of(quantity: object, price: object) -> object:
    """Quantity x price: to the cent, half away from zero (as an invoice), while both and the
    product stay below 10^15; beyond that the product of doubles; not finite: rejected."""
    if quantity is REJECT or price is REJECT or quantity is None or price is None:
        return REJECT
    product = quantity * price
    if not math.isfinite(product):
        return REJECT
    if max(abs(quantity), abs(price), abs(product)) >= 1e15:
        return Near(product)
    exact = Decimal(repr(quantity)) * Decimal(repr(price))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


ORDER_IDS = ["1", "2", "3", "0007", "З-1", 'a"b', "x;y", "p\nq"]


def import_case_from(rng: random.Random, *, stray: bool = False) -> ImportCase:
    """A hostile orders file: random columns (some missing, some named like cxray's working
    columns), 1-30 rows of random cells (text cells spanning lines, several in a row, with
    delimiters on any line but those that make bytes a stray quote would make too), a random
    delimiter, encoding and line break. With ``stray``, one or two rows carry a stray double
    quote in an unquoted cell."""
    chosen = ["channel"]
    for name, p in [("order_id", 0.97), ("customer_id", 0.97), ("order_date", 0.97),
                    ("line_no", 0.4), ("sku", 0.3)]:  # fmt: skip
        # with stray quotes a file missing a required column would be refused before any row
        # is read: they are always there
        if rng.random() < p or (stray and p > 0.9):
            chosen.append(name)
    money = rng.choice(["amount", "amount", "amount+quantity", "quantity*price"])
    if rng.randint(0, 39) == 0 and not stray:
        money = "none"
    chosen += {"amount": ["amount"], "amount+quantity": ["amount", "quantity"],
               "quantity*price": ["quantity", "price"], "none": []}[money]  # fmt: skip
    noise = rng.sample(NOISE_HEADERS, rng.randint(0, 3))
    header = [(name, rng.choice(SPELLINGS[name])) for name in chosen]
    header += [(name, name) for name in noise]
    rng.shuffle(header)
    rows = []
    for _ in range(rng.randint(1, 30)):
        cells: dict[str, str] = {}
        expected: dict[str, object] = {}
        if "order_id" in chosen:
            cells["order_id"], expected["order_id"] = (
                (rng.choice(ORDER_IDS), "text") if rng.random() < 0.6
                else text_cell(rng, required=True)
            )  # fmt: skip
        if "customer_id" in chosen:
            cells["customer_id"], expected["customer_id"] = text_cell(rng, required=True)
        if "order_date" in chosen:
            cells["order_date"], expected["order_date"] = date_cell(rng)
        if "line_no" in chosen:
            cells["line_no"], expected["line_no"] = line_no_cell(rng)
        if "sku" in chosen:
            cells["sku"], expected["sku"] = text_cell(rng, required=False)
        for name in ("amount", "quantity", "price"):
            if name in chosen:
                required = name == "amount" or money == "quantity*price"
                cells[name], expected[name] = number_cell(rng)
                if required and expected[name] is None:
                    expected[name] = REJECT
        if money == "quantity*price":
            expected["amount"] = _amount_of(expected["quantity"], expected["price"])
        for name in noise:
            cells[name], _ = text_cell(rng, required=False)
        must_reject = any(v is REJECT for v in expected.values())
        rows.append(Row(cells, expected, must_reject))
    if stray:
        for i in rng.sample(range(len(rows)), min(len(rows), rng.randint(1, 2))):
            plain = {k: re.sub(r"[^\wА-Яа-яЁё.+-]", "", v) or "x" for k, v in rows[i].cells.items()}
            plain[rng.choice(sorted(plain))] = rng.choice(['"', 'ab"c', '"abc', 'abc"'])
            rows[i] = Row(plain, {}, False, stray=True)
    sep = rng.choice([";", ",", "\t"])
    for row in rows:
        if not row.stray:
            _unambiguous(row.cells, [name for name, _ in header], sep)
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1251"])
    newline = rng.choice(["\n", "\r\n"])
    return ImportCase(header, rows, sep, encoding, newline)


def _line_cells(cells: list[str], sep: str) -> tuple[list[int], list[tuple[int, int]]]:
    """How a row of ``cells`` written by a CSV writer lays out on lines: each line's cells read on
    its own with the quotes of the cells spanning lines read as text (one cell more than the
    delimiters in those cells' text; any other cell is one), and (first line, last line) of each
    cell spanning lines."""
    counts = [0]
    spans = []
    for cell in cells:
        parts = cell.split("\n")
        if len(parts) > 1:
            spans.append((len(counts) - 1, len(counts) + len(parts) - 2))
        counts[-1] += parts[0].count(sep) + 1 if len(parts) > 1 else 1
        for part in parts[1:]:
            counts.append(part.count(sep) + 1)
    return counts, spans


def _unambiguous(cells: dict[str, str], names: list[str], sep: str) -> None:
    """Take the delimiters out of the text of the row's cells spanning lines, a cell at a time,
    while the row is written as bytes that are also those of records with stray quotes: a line
    wholly inside such a cell, or both the line where it opens and the one where it closes,
    holding as many cells as the header (see cxray.ingest.csv_checks)."""
    width = len(names)
    while True:
        counts, spans = _line_cells([cells.get(name, "") for name in names], sep)
        multi = [name for name in names if "\n" in cells.get(name, "")]
        for name, (first, last) in zip(multi, spans, strict=True):
            inner = any(counts[i] == width for i in range(first + 1, last))
            if inner or counts[first] == counts[last] == width:
                # none of them holding a delimiter, no line but the row's has its cells
                for other in [name] if sep in cells[name] else multi:
                    cells[other] = cells[other].replace(sep, " ")
                break
        else:
            return


def import_cases(*, stray: bool = False) -> st.SearchStrategy[ImportCase]:
    """Hypothesis draws a seed; the file is made from it by :func:`import_case_from` (drawing
    each cell through Hypothesis costs more than reading the file)."""
    return st.integers(0, 2**64 - 1).map(lambda n: import_case_from(random.Random(n), stray=stray))


@dataclass
class Findings:
    """What the checks found over one or more cases (every list must stay empty)."""

    cases: int = 0
    refused: int = 0  # files refused as a whole (CxrayError): allowed, the workspace unchanged
    rows: int = 0
    rejected: int = 0
    tracebacks: list[str] = field(default_factory=list)
    wrong_values: list[str] = field(default_factory=list)
    swallowed: list[str] = field(default_factory=list)  # rows lost, merged or counted wrong
    changed_on_refusal: list[str] = field(default_factory=list)

    def add(self, other: Findings) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    @property
    def problems(self) -> list[str]:
        return self.tracebacks + self.wrong_values + self.swallowed + self.changed_on_refusal


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, Near):
        return isinstance(got, float) and math.isclose(got, expected, rel_tol=1e-12)
    if isinstance(expected, float):
        return isinstance(got, float) and got == expected
    if isinstance(expected, dt.date):
        return got == expected or (isinstance(got, dt.datetime) and got.date() == expected)
    return got == expected


def judge_rows(
    case: ImportCase, prefix: str, rows_read: int, stored: list[dict], rejected: list[str]
) -> Findings:
    """Check what one read of a case gave: ``stored`` (the rows kept, canonical columns) and
    ``rejected`` (each rejected row's original cells, as text). Every marker must be in exactly
    one of them, every stored value must be the one written, and no row may be stored that has a
    cell which must be rejected."""
    found = Findings(cases=1, rows=rows_read, rejected=len(rejected))
    markers = case.markers(prefix)
    index = {m: i for i, m in enumerate(markers)}
    pattern = re.compile(re.escape(f"~{prefix}r") + r"\d\d~")
    seen: Counter[str] = Counter()
    if rows_read != len(case.rows):
        found.swallowed.append(f"{prefix}: {len(case.rows)} rows written, {rows_read} read")
    for row in stored:
        got = (row.get("channel") or "").strip()
        if got not in index:
            found.swallowed.append(f"{prefix}: stored row with marker {got!r}")
            continue
        seen[got] += 1
        want = case.rows[index[got]]
        if want.stray:
            continue
        if want.must_reject:
            found.wrong_values.append(f"{got}: stored although {want.cells} must be rejected")
            continue
        for name, value in want.expected.items():
            if name in row and value not in ("text", None) and not _same(value, row[name]):
                found.wrong_values.append(
                    f"{got}: {name} {want.cells.get(name)!r} stored as {row[name]!r}, not {value!r}"
                )
    for raw in rejected:
        hits = sorted(set(pattern.findall(raw)))  # the raw cells and the value may both hold it
        if len(hits) != 1:
            found.swallowed.append(f"{prefix}: a rejected row holds markers {hits}: {raw[:200]}")
        seen.update(hits)
    for marker in markers:
        if seen[marker] != 1:
            found.swallowed.append(f"{marker}: found {seen[marker]} times among stored + rejected")
    for row in stored:
        for name in ("amount", "quantity", "price"):
            value = row.get(name)
            if value is not None and not math.isfinite(value):
                found.wrong_values.append(f"{prefix}: {name} stored as {value}")
    return found


def read_case(case: ImportCase, prefix: str, folder: Path, engine) -> Findings:
    """Write the case, read and check it as an import does (without storing it) and judge it."""
    from cxray.ingest.read import open_table_file
    from cxray.ingest.schema import TABLES
    from cxray.ingest.validate import validate

    path = folder / f"{prefix}.csv"
    path.write_bytes(case.render(prefix))
    try:
        checked = validate(open_table_file(path), TABLES["orders"], engine=engine)
    except CxrayError:
        return Findings(cases=1, refused=1)
    except Exception as err:  # noqa: BLE001 (any other exception is what the fuzzing looks for)
        return Findings(cases=1, tracebacks=[f"{prefix}: {type(err).__name__}: {err}"])
    try:
        stored = checked.valid().to_pylist()
        header = [c for c in checked.rejects.column_names if not c.startswith("_")]
        # the original cells and the value at fault (the rest of a row with a stray quote)
        rejected = [
            json.dumps({h: r[h] for h in header}, ensure_ascii=False) + f" {r['_value']}"
            for r in checked.rejects.to_pylist()
        ]
        if checked.valid_rows + len(rejected) != checked.rows_read:
            return Findings(cases=1, swallowed=[f"{prefix}: valid + rejected != rows read"])
        return judge_rows(case, prefix, checked.rows_read, stored, rejected)
    finally:
        checked.close()


def fingerprint(ws) -> dict[str, tuple]:
    """The contents of a workspace's tables (row count and an order-free hash of the rows)."""
    out = {}
    for name in sorted(ws.con.list_tables()):
        if name.startswith("ibis_"):
            continue
        out[name] = tuple(
            ws.con.con.execute(f'SELECT count(*), sum(hash(t)) FROM "{name}" t').fetchone()
        )
    return out


def import_case(case: ImportCase, prefix: str, folder: Path, ws) -> Findings:
    """Write the case and import it into ``ws``: the row-count invariant, every marker once
    among the stored rows and the rejects, the values, and an unchanged workspace when the
    file is refused."""
    path = folder / f"{prefix}.csv"
    path.write_bytes(case.render(prefix))
    before = fingerprint(ws)
    try:
        result = ws.import_file("orders", path)
    except CxrayError:
        after = fingerprint(ws)
        changed = [] if after == before else [f"{prefix}: refused, yet tables changed"]
        return Findings(cases=1, refused=1, changed_on_refusal=changed)
    except Exception as err:  # noqa: BLE001
        return Findings(cases=1, tracebacks=[f"{prefix}: {type(err).__name__}: {err}"])
    found = Findings()
    counted = result.new + result.updated + result.unchanged + result.rejected
    if counted != result.rows_read:
        found.swallowed.append(
            f"{prefix}: read {result.rows_read} != new {result.new} + updated {result.updated}"
            f" + unchanged {result.unchanged} + rejected {result.rejected}"
        )
    like = f"~{prefix}r%"
    stored = (
        ws.con.con.execute("SELECT * FROM orders WHERE trim(channel) LIKE ?", [like])
        .fetch_arrow_table()
        .to_pylist()
    )
    rejected = [
        f"{raw} {value}"
        for raw, value in ws.con.con.execute(
            "SELECT raw, value FROM _rejects WHERE file = ?", [str(path)]
        ).fetchall()
    ]
    found.add(judge_rows(case, prefix, result.rows_read, stored, rejected))
    bad = ws.con.con.execute(
        "SELECT count(*) FROM orders WHERE NOT isfinite(amount) OR NOT isfinite(quantity)"
        " OR NOT isfinite(price)"
    ).fetchone()[0]
    if bad:
        found.wrong_values.append(f"{prefix}: {bad} stored numbers are not finite")
    return found


# --- consent data ------------------------------------------------------------------------------

# consent and send channels as exports write them
CHANNEL_SPELLINGS = [
    "email", "E-mail", " EMAIL ", "эл. почта", "Электронная  почта", "sms", "СМС", "phone",
    "телефон", "Звонок", "fax", "пейджер", "e_mail",
]  # fmt: skip
# the oracle's own reading of them: trimmed, spaces collapsed, lower case, then this table
ORACLE_CHANNELS = {
    "e-mail": "email", "эл. почта": "email", "электронная почта": "email", "смс": "sms",
    "телефон": "phone", "звонок": "phone",
}  # fmt: skip
# promise text -> (sends allowed, period) or None when it cannot be read
PROMISES = {
    "раз в неделю": (1, "week"), "twice a month": (2, "month"), "ежемесячно": (1, "month"),
    "once a week": (1, "week"), "2/month": (2, "month"), "не чаще 3 раз в месяц": (3, "month"),
    "1/day": (1, "day"), "4 per quarter": (4, "quarter"), "0/month": (0, "month"),
    "как договоримся": None, "often": None, "раз в 2 недели": None,
}  # fmt: skip
AS_OF = dt.date(2026, 11, 1)
CAMPAIGN_CHANNELS = ["email", "E-Mail", "эл. почта", "sms", "СМС", "phone", "телефон", "fax"]


@st.composite
def consent_worlds(draw):
    """Customers, consents, sends and one campaign: messy spellings, undated rows, promises in
    words, past sends. Dates lie around :data:`AS_OF` (some after it)."""
    n = draw(st.integers(1, 25))
    ids = [f"C{i:02d}" for i in range(n)]
    days = st.one_of(
        st.none(), st.dates(AS_OF - dt.timedelta(days=400), AS_OF + dt.timedelta(days=5))
    )
    consents = []
    for _ in range(draw(st.integers(0, 3 * n))):
        consents.append({
            "customer_id": draw(st.sampled_from(ids)),
            "channel": draw(st.sampled_from(CHANNEL_SPELLINGS)),
            "status": draw(st.sampled_from(["opt_in", "opt_in", "opt_out"])),
            "contact_id": draw(st.sampled_from(["c1", "c2"])),
            "promised_frequency": draw(st.one_of(st.none(), st.sampled_from(sorted(PROMISES)))),
            "date": draw(days),
        })  # fmt: skip
    sends = []
    for i in range(draw(st.integers(0, 3 * n))):
        sends.append({
            "campaign_id": f"past{i % 3}",
            "customer_id": draw(st.sampled_from(ids)),
            "sent_at": dt.datetime.combine(
                draw(st.dates(AS_OF - dt.timedelta(days=120), AS_OF + dt.timedelta(days=3))),
                dt.time(draw(st.integers(0, 23)), 0)),
            "channel": draw(st.sampled_from(CHANNEL_SPELLINGS)),
            "group": draw(st.sampled_from([None, "target", "target", "control"])),
            "opened_at": None,
        })  # fmt: skip
    campaign = {
        "id": f"prop-{draw(st.integers(0, 10**6))}",
        "channel": draw(st.sampled_from(CAMPAIGN_CHANNELS)),
        "brief": {
            "why": "w", "target": "t", "must_not_receive": "m", "expected_effect": "e",
            "measure": {"metric": "conversion", "window_days": 30, "scope": "all"},
            "client_benefit": "b",
        },
        "holdout": draw(st.sampled_from([0.1, 0.5])),
    }  # fmt: skip
    cap = draw(st.one_of(st.none(), st.tuples(st.integers(0, 5), st.integers(0, 60))))
    if cap is not None:
        campaign["limits"] = {"global_cap": {"sends": cap[0], "days": cap[1]}}
    customers = [{"customer_id": c} for c in ids]
    return {"customers": customers, "consents": consents, "sends": sends, "campaign": campaign}


def _oracle_channel(text: str) -> str:
    plain = " ".join(text.split()).lower()
    return ORACLE_CHANNELS.get(plain, plain)


def _period_start(period: str, as_of: dt.date) -> dt.date:
    """Exclusive start of the promise window ending at ``as_of`` (a day, 7 days, or the same
    day of the month 1 or 3 months earlier; ``as_of`` is the first of a month)."""
    if period == "day":
        return as_of - dt.timedelta(days=1)
    if period == "week":
        return as_of - dt.timedelta(days=7)
    back = as_of.year * 12 + as_of.month - 1 - {"month": 1, "quarter": 3}[period]
    return dt.date(back // 12, back % 12 + 1, as_of.day)


def in_global_control_oracle(customer_id: str, share: float) -> bool:
    """The global control rule, written out: the first 8 bytes of SHA-256 of
    ``global-control:<id>`` as a big-endian integer, over 2**64, below the share."""
    digest = hashlib.sha256(f"global-control:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def consent_violations(world: dict, exported: list[str], as_of: dt.date, share: float) -> list[str]:
    """Why each exported customer must not have been exported (empty: none may complain)."""
    campaign = world["campaign"]
    channel = _oracle_channel(campaign["channel"])
    cap = campaign.get("limits", {}).get("global_cap", {"sends": 4, "days": 30})
    rows = [
        c for c in world["consents"]
        if _oracle_channel(c["channel"]) == channel and (c["date"] is None or c["date"] <= as_of)
    ]  # fmt: skip
    sent = [s for s in world["sends"] if s["group"] != "control" and s["sent_at"].date() <= as_of]
    out = []
    for cid in exported:
        mine = [c for c in rows if c["customer_id"] == cid]
        ins = [c for c in mine if c["status"] == "opt_in"]
        outs = [c for c in mine if c["status"] == "opt_out"]
        if not ins:
            out.append(f"{cid}: no opt-in on {channel}")
            continue
        if any(c["date"] is None for c in outs):
            out.append(f"{cid}: an undated opt-out on {channel}")
            continue
        dated_ins = [c["date"] for c in ins if c["date"] is not None]
        last_in = max(dated_ins) if dated_ins else None
        if outs and (last_in is None or max(c["date"] for c in outs) >= last_in):
            out.append(f"{cid}: the latest consent on {channel} is an opt-out")
            continue
        latest = [c for c in ins if c["date"] == last_in]
        for c in latest:
            text = c["promised_frequency"]
            if text is None:
                continue
            promise = PROMISES[text]
            if promise is None:
                out.append(f"{cid}: the promise {text!r} cannot be read")
                continue
            allowed, period = promise
            start = _period_start(period, as_of)
            n = sum(
                1 for s in sent
                if s["customer_id"] == cid and _oracle_channel(s["channel"]) == channel
                and s["sent_at"].date() > start
            )  # fmt: skip
            if n + 1 > allowed:
                out.append(f"{cid}: {n} sends since {start} and the promise {text!r}")
        if cap["sends"] and cap["days"]:
            since = as_of - dt.timedelta(days=cap["days"])
            n = sum(1 for s in sent if s["customer_id"] == cid and s["sent_at"].date() > since)
            if n + 1 > cap["sends"]:
                out.append(f"{cid}: {n} sends in {cap['days']} days, cap {cap['sends']}")
        if share and in_global_control_oracle(cid, share):
            out.append(f"{cid}: in the global control group")
    return out


def exported_ids(ws, world: dict, share: float, out: Path) -> list[str]:
    """Put ``world`` in ``ws`` (its tables replaced), set the global control share, export the
    campaign through the API at :data:`AS_OF` and return the customers of both lists."""
    import pandas as pd

    from cxray.api.session import Session

    frames = {name: pd.DataFrame(world[name]) for name in ("customers", "consents", "sends")}
    frames = {name: frame for name, frame in frames.items() if len(frame)}
    ws.replace_all(frames)
    ws.set_setting("global_control_share", share)
    result = Session(ws).campaign(world["campaign"]).export(out, as_of=AS_OF).value.export
    ids = []
    for path in (result.target_path, result.control_path):
        with Path(path).open(encoding="utf-8", newline="") as fh:
            ids += [row["customer_id"] for row in csv.DictReader(fh)]
    return ids
