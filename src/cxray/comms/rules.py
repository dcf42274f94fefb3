"""The audience rule language: one readable condition per line, over customer attributes and
analytics results.

A campaign's ``audience`` is a list of rules that a customer must *all* match; its
``exclusions`` are rules of which a customer must match *none*. Each list item is one rule::

    audience:
      - segment in ["Retail chains", "HoReCa"]
      - region != "Moscow"
      - active
      - not key
      - rfm_segment in ["at_risk", "cant_lose"]
      - revenue >= 100000
      - recency_days > 60
      - bought line "Cheese" within 365 days
      - not bought sku "SKU-001" within 90 days
      - p_alive >= 0.5                 # only when CLV results are passed to the plan
    exclusions:
      - account_manager == "Ivanova"   # any column of the customers file can be used

Forms
-----

``FIELD OP VALUE``
    ``OP`` is one of ``==  !=  >  >=  <  <=``. ``VALUE`` is a number (``100``, ``0.5``,
    ``-3``) or text in double quotes (``"HoReCa"``; ``\\"`` inside the quotes is a quote;
    «guillemets» and “curly quotes” work too). Text is compared exactly (case and spaces count).
    Dates (``first_contact_date``) are compared with text in ISO form: ``first_contact_date >=
    "2025-01-01"``.

``FIELD in [V1, V2, ...]`` and ``FIELD not in [V1, V2, ...]``
    The field equals one of the listed values (or none of them).

``active``, ``regular``, ``key``, ``reachable``
    The customer's status in the client-base structure (see
    :func:`cxray.analytics.structure.customer_status`): an order in the active window (24 months
    by default); orders on at least 2 dates in every year of it; among the fewest customers
    giving 70% of the window's revenue; a current contact and an interaction in the last 365
    days. These words are reserved and stand alone (``active``, never ``active == 1``).

``bought sku "X" within N days`` and ``bought line "Y" within N days``
    An order line of SKU ``X`` (of product line ``Y``, from the products table) with a positive
    amount on a purchase day of the customer (a day whose lines net above zero: returns are
    never bought, :func:`cxray.analytics.purchases.purchase_lines`) dated within the ``N`` days
    up to and including the plan date ``as_of`` (that is in ``(as_of - N days, as_of]``). A
    list matches any of its items: ``bought sku ["A", "B"] within 30 days``. Without ``within N
    days`` any purchase up to ``as_of`` counts.

``not RULE``
    Any rule can be negated: ``not active``, ``not bought line "Cheese" within 90 days``,
    ``not segment == "HoReCa"``.

Keywords (``not``, ``in``, ``bought``, ``sku``, ``line``, ``within``, ``days``) are not case
sensitive; field names are.

Fields
------

- every column of the customers table: ``customer_id``, ``name``, ``segment``, ``region``,
  ``first_contact_date``, ``source_channel`` and any extra attribute the file had
  (``account_manager``, ``inn``, ...); extra attributes hold text;
- ``revenue``: net revenue in the active window (returns subtract), 0 without orders;
- ``rfm_segment`` (``champions``, ``loyal``, ``potential_loyalist``, ``new``, ``promising``,
  ``need_attention``, ``about_to_sleep``, ``at_risk``, ``cant_lose``, ``hibernating``, ``lost``),
  ``recency_days`` (days since the last order), ``frequency`` (distinct order dates),
  ``r_score``, ``f_score``, ``m_score`` (1-5), all over the active window
  (see :func:`cxray.analytics.rfm.rfm`); empty for customers without an order in it;
- ``clv`` and ``p_alive``: from :func:`cxray.analytics.clv.fit_clv`, available only when the
  caller passes CLV results (``plan_campaign(..., clv=...)``).

The computed fields win over customers columns of the same name.

Missing values
--------------

A customer without a value for a field (an empty segment, no RFM segment because it has no
orders) matches no comparison on that field: neither ``segment == "A"`` nor ``segment != "A"``
nor ``segment not in ["A"]``. ``not RULE`` matches exactly the customers ``RULE`` does not
match, so ``not segment == "A"`` does include customers without a segment.

Errors
------

A rule that does not parse raises :class:`cxray.errors.CxrayError` naming the rule, the position
(1-based character) and what was expected. A field that does not exist is reported when the rule
is compiled against the data (:func:`compile_rule`), with the list of known fields.

Python API::

    rule = parse_rule('not bought line "Cheese" within 90 days')
    context = rule_context(workspace.tables(), as_of=date(2026, 11, 1))
    frame = context.frame
    frame.filter(compile_rule(rule, context)).customer_id.to_pyarrow()
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from cxray.analytics.products import with_product_line
from cxray.analytics.purchases import purchase_lines
from cxray.analytics.rfm import rfm
from cxray.analytics.structure import StructureParams, customer_status
from cxray.analytics.windows import day_window
from cxray.errors import CxrayError
from cxray.ingest.schema import empty_table

__all__ = [
    "CLV_FIELDS",
    "COMPARISON_OPS",
    "COMPUTED_FIELDS",
    "STATUS_WORDS",
    "Rule",
    "RuleContext",
    "bought_ids",
    "compile_rule",
    "customer_frame",
    "empty_table",
    "parse_rule",
    "rule_context",
    "table_or_empty",
]

STATUS_WORDS: tuple[str, ...] = ("active", "regular", "key", "reachable")
"""Status words: booleans from :func:`cxray.analytics.structure.customer_status`."""

COMPARISON_OPS: tuple[str, ...] = ("==", "!=", ">", ">=", "<", "<=", "in", "not in")

COMPUTED_FIELDS: tuple[str, ...] = (
    "revenue",
    "rfm_segment",
    "recency_days",
    "frequency",
    "r_score",
    "f_score",
    "m_score",
)
"""Fields computed from orders (besides the status words and the CLV fields)."""

CLV_FIELDS: tuple[str, ...] = ("clv", "p_alive")

_KEYWORDS = {"not", "in", "within"}  # words that cannot start a comparison
_QUOTES = {'"': '"', "«": "»", "“": "”"}
_END = "<end>"


# --------------------------------------------------------------------------------------------
# rules


Value = str | int | float


@dataclass(frozen=True)
class Rule:
    """One parsed rule.

    - ``kind``: ``"compare"`` (``FIELD OP VALUE`` and the ``in`` forms), ``"status"`` or
      ``"bought"``;
    - ``field``: the field name (compare), the status word (status) or ``"sku"`` / ``"line"``
      (bought);
    - ``op``: one of :data:`COMPARISON_OPS` for compare rules, ``""`` otherwise;
    - ``values``: the value(s) compared with, or the SKUs / lines bought;
    - ``days``: the ``within N days`` window of a bought rule (``None``: any time up to as_of);
    - ``negated``: the rule had a ``not`` prefix;
    - ``text``: the rule as written; ``where``: where it came from (e.g. ``"c.yaml, audience[2]:
      "``), used as a prefix of error messages. Neither takes part in equality, so two rules that
      say the same thing compare equal.
    """

    kind: str
    field: str
    op: str = ""
    values: tuple[Value, ...] = ()
    days: int | None = None
    negated: bool = False
    text: str = field(default="", compare=False)
    where: str = field(default="", compare=False)

    def negate(self) -> Rule:
        """The same rule with the ``not`` prefix added or removed."""
        flipped = replace(self, negated=not self.negated)
        return replace(flipped, text=str(flipped))

    def __str__(self) -> str:
        """The canonical text of the rule (what :func:`parse_rule` reads back to an equal rule)."""
        prefix = "not " if self.negated else ""
        if self.kind == "status":
            return prefix + self.field
        if self.kind == "bought":
            items = _format_values(self.values, bracket=len(self.values) > 1)
            tail = f" within {self.days} days" if self.days is not None else ""
            return f"{prefix}bought {self.field} {items}{tail}"
        bracket = self.op in ("in", "not in")
        return f"{prefix}{self.field} {self.op} {_format_values(self.values, bracket=bracket)}"


def _format_value(value: Value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _format_values(values: tuple[Value, ...], *, bracket: bool) -> str:
    if not bracket:
        return _format_value(values[0])
    return "[" + ", ".join(_format_value(v) for v in values) + "]"


# --------------------------------------------------------------------------------------------
# tokenizer and parser


@dataclass(frozen=True)
class _Tok:
    kind: str  # string, number, op, punct, word, end
    value: Any
    pos: int  # 1-based character position
    raw: str


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
_NOT_NUMBER = re.compile(r"-?\d[\w.]*")
_WORD = re.compile(r"[^\W\d]\w*")
_OPS = ("==", "!=", ">=", "<=", ">", "<")


def _tokenize(text: str, where: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        pos = i + 1
        if ch in _QUOTES:
            close = _QUOTES[ch]
            j, chars = i + 1, []
            while j < n and text[j] != close:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(text[j])
                j += 1
            if j >= n:
                raise CxrayError("rule_unclosed", where=where, rule=text, pos=pos)
            toks.append(_Tok("string", "".join(chars), pos, text[i : j + 1]))
            i = j + 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            raw = m.group()
            value: Value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            toks.append(_Tok("number", value, pos, raw))
            i = m.end()
            continue
        m = _NOT_NUMBER.match(text, i)
        if m:  # digits run into letters: 30d, 1.5.2
            raise CxrayError("rule_expected_value", where=where, rule=text, pos=pos, near=m.group())
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            toks.append(_Tok("op", op, pos, op))
            i += len(op)
            continue
        if ch == "=":
            raise CxrayError("rule_single_eq", where=where, rule=text, pos=pos)
        if ch == "'":  # single quotes: say that text takes double quotes
            raise CxrayError("rule_expected_value", where=where, rule=text, pos=pos, near=text[i:])
        if ch in "[],":
            toks.append(_Tok("punct", ch, pos, ch))
            i += 1
            continue
        m = _WORD.match(text, i)
        if m:
            toks.append(_Tok("word", m.group(), pos, m.group()))
            i = m.end()
            continue
        raise CxrayError("rule_bad_char", where=where, rule=text, pos=pos, near=ch)
    toks.append(_Tok("end", None, len(text) + 1, _END))
    return toks


class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where
        self.toks = _tokenize(text, where)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, ahead: int = 1) -> _Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def advance(self) -> _Tok:
        tok = self.tok
        if tok.kind != "end":
            self.i += 1
        return tok

    def is_word(self, *words: str, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "word" and tok.value.lower() in words

    def fail(self, key: str, tok: _Tok | None = None, **params: object) -> CxrayError:
        tok = tok or self.tok
        return CxrayError(
            key, where=self.where, rule=self.text, pos=tok.pos, near=tok.raw, **params
        )

    def parse(self) -> Rule:
        negated = False
        if self.is_word("not"):
            self.advance()
            negated = True
        tok = self.tok
        if self.is_word("bought"):
            rule = self.bought()
        elif tok.kind == "word" and tok.value.lower() in STATUS_WORDS:
            word = tok.value.lower()
            self.advance()
            if self.tok.kind != "end":
                raise self.fail("rule_status_alone", tok=self.tok, word=word)
            rule = Rule("status", word)
        elif tok.kind == "word" and tok.value.lower() not in _KEYWORDS:
            rule = self.comparison()
        else:
            raise self.fail("rule_expected_start")
        if self.tok.kind != "end":
            raise self.fail("rule_trailing")
        return replace(rule, negated=negated, text=self.text, where=self.where)

    def value(self) -> Value:
        tok = self.tok
        if tok.kind not in ("string", "number"):
            raise self.fail("rule_expected_value")
        self.advance()
        return tok.value

    def value_list(self) -> tuple[Value, ...]:
        if not (self.tok.kind == "punct" and self.tok.value == "["):
            raise self.fail("rule_expected_list")
        self.advance()
        values = [self.value()]
        while self.tok.kind == "punct" and self.tok.value == ",":
            self.advance()
            values.append(self.value())
        if not (self.tok.kind == "punct" and self.tok.value == "]"):
            raise self.fail("rule_expected_list")
        self.advance()
        return tuple(values)

    def comparison(self) -> Rule:
        name = self.advance().value
        tok = self.tok
        if tok.kind == "op":
            self.advance()
            return Rule("compare", name, tok.value, (self.value(),))
        if self.is_word("in"):
            self.advance()
            return Rule("compare", name, "in", self.value_list())
        if self.is_word("not") and self.is_word("in", tok=self.peek()):
            self.advance()
            self.advance()
            return Rule("compare", name, "not in", self.value_list())
        raise self.fail("rule_expected_op", field=name)

    def bought(self) -> Rule:
        self.advance()  # bought
        if not self.is_word("sku", "line"):
            raise self.fail("rule_bought_syntax")
        what = self.advance().value.lower()
        tok = self.tok
        if tok.kind == "punct" and tok.value == "[":
            values = self.value_list()
        elif tok.kind in ("string", "number"):
            values = (self.value(),)
        else:
            raise self.fail("rule_bought_syntax")
        values = tuple(str(v) for v in values)  # SKUs and lines are text, even 10023
        days = None
        if self.is_word("within"):
            self.advance()
            tok = self.tok
            if tok.kind != "number" or not isinstance(tok.value, int) or tok.value <= 0:
                raise self.fail("rule_bad_days")
            days = self.advance().value
            if not self.is_word("days", "day"):
                raise self.fail("rule_bought_syntax")
            self.advance()
        elif self.tok.kind != "end":
            raise self.fail("rule_bought_syntax")
        return Rule("bought", what, "", values, days)


def parse_rule(text: object, *, where: str = "") -> Rule:
    """Parse one rule of the audience language (see the module notes).

    ``where`` (e.g. ``"campaign.yaml, audience[2]: "``) prefixes error messages. Raises
    :class:`CxrayError` for a rule that does not parse, naming the rule, the 1-based position
    and what was expected there. Field names are checked later, by :func:`compile_rule`.

    >>> str(parse_rule('segment in ["A", "B"]'))
    'segment in ["A", "B"]'
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise CxrayError("rule_not_text", where=where, value=repr(text))
    text = str(text).strip()
    if not text:
        raise CxrayError("rule_empty", where=where)
    return _Parser(text, where).parse()


# --------------------------------------------------------------------------------------------
# the per-customer frame rules are compiled against


def table_or_empty(tables: Mapping[str, ir.Table], name: str) -> ir.Table:
    """``tables[name]``, or an empty table with the canonical schema when it is missing."""
    table = tables.get(name)
    return table if table is not None else empty_table(name)


def _clv_table(clv: Any) -> ir.Table | None:
    """CLV results as an Ibis table ``customer_id, clv, p_alive``.

    Accepts a :class:`cxray.analytics.clv.ClvResult`, its ``customers`` DataFrame or an Ibis
    table with those columns.
    """
    if clv is None:
        return None
    if hasattr(clv, "customers") and not isinstance(clv, ir.Table | pd.DataFrame):
        clv = clv.customers
    needed = ["customer_id", "clv", "p_alive"]
    if isinstance(clv, pd.DataFrame):
        missing = [c for c in needed if c not in clv.columns]
        if missing:
            raise ValueError(f"CLV results lack column(s) {', '.join(missing)}")
        frame = pd.DataFrame(
            {
                "customer_id": clv["customer_id"].astype(str),
                "clv": clv["clv"].astype(float),
                "p_alive": clv["p_alive"].astype(float),
            }
        )
        return ibis.memtable(
            frame, schema={"customer_id": "string", "clv": "float64", "p_alive": "float64"}
        )
    if isinstance(clv, ir.Table):
        missing = [c for c in needed if c not in clv.columns]
        if missing:
            raise ValueError(f"CLV results lack column(s) {', '.join(missing)}")
        return clv.select(
            customer_id=clv.customer_id.cast("string"),
            clv=clv.clv.cast("float64"),
            p_alive=clv.p_alive.cast("float64"),
        )
    raise TypeError(f"clv must be a ClvResult, a DataFrame or an Ibis table, got {type(clv)!r}")


def customer_frame(
    tables: Mapping[str, ir.Table],
    as_of: dt.date,
    *,
    clv: Any = None,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    status: ir.Table | None = None,
) -> ir.Table:
    """One row per known customer at ``as_of`` with every field the rule language reads.

    ``tables`` maps canonical table names to Ibis tables (``Workspace.tables()``); missing
    tables count as empty. Columns: ``customer_id``; every other column of ``customers``
    (attributes); ``active``, ``regular``, ``key``, ``reachable`` (bool); ``revenue`` (float,
    active-window revenue, 0.0 without orders); ``rfm_segment``, ``recency_days``,
    ``frequency``, ``r_score``, ``f_score``, ``m_score`` (null without an order in the active
    window); and, when ``clv`` is given (a ``ClvResult``, its ``customers`` DataFrame or an Ibis
    table with ``customer_id, clv, p_alive``), ``clv`` and ``p_alive`` (null for customers the
    model did not value). A lazy Ibis table. ``status``: the
    :func:`cxray.analytics.structure.customer_status` at ``as_of``, when already computed.
    """
    customers = table_or_empty(tables, "customers")
    orders = table_or_empty(tables, "orders")
    if status is None:
        status = customer_status(
            customers,
            table_or_empty(tables, "contacts"),
            table_or_empty(tables, "interactions"),
            orders,
            as_of=as_of,
            params=params,
        )
    reserved = {"customer_id", *STATUS_WORDS, *COMPUTED_FIELDS, *CLV_FIELDS}
    attr_names = [c for c in customers.columns if c not in reserved]
    attrs = customers.filter(customers.customer_id.notnull())
    # one row per customer, should the table hold an id twice
    attrs = attrs.group_by("customer_id").aggregate(
        **{f"_a_{c}": attrs[c].max() for c in attr_names}
    )
    scores = rfm(orders, as_of=as_of, window_months=params.active_window)
    scores = scores.select(
        _r_id=scores.customer_id,
        _rfm_segment=scores.segment,
        _recency_days=scores.recency,
        _frequency=scores.frequency,
        _r_score=scores.r_score,
        _f_score=scores.f_score,
        _m_score=scores.m_score,
    )
    status = status.select("customer_id", *STATUS_WORDS, _revenue=status.window_revenue)
    joined = status.left_join(attrs, status.customer_id == attrs.customer_id)
    joined = joined.select(
        "customer_id", *STATUS_WORDS, "_revenue", *[f"_a_{c}" for c in attr_names]
    )
    joined = joined.left_join(scores, joined.customer_id == scores._r_id)
    columns: dict[str, ir.Value] = {"customer_id": joined.customer_id}
    columns.update({c: joined[f"_a_{c}"] for c in attr_names})
    columns.update({w: joined[w] for w in STATUS_WORDS})
    columns["revenue"] = joined._revenue.cast("float64")
    for name in COMPUTED_FIELDS[1:]:
        columns[name] = joined[f"_{name}"]
    frame = joined.select(**columns)
    table = _clv_table(clv)
    if table is not None:
        table = table.select(_c_id=table.customer_id, _clv=table.clv, _p_alive=table.p_alive)
        table = table.group_by("_c_id").aggregate(
            _clv=table._clv.max(), _p_alive=table._p_alive.max()
        )
        both = frame.left_join(table, frame.customer_id == table._c_id)
        frame = both.select(*frame.columns, clv=both._clv, p_alive=both._p_alive)
    return frame


@dataclass(frozen=True)
class RuleContext:
    """What rules are compiled against: the per-customer ``frame`` of :func:`customer_frame`,
    the orders and products (for ``bought`` rules), the plan date and whether CLV fields exist.
    Build it with :func:`rule_context`."""

    frame: ir.Table
    orders: ir.Table
    products: ir.Table
    as_of: dt.date
    has_clv: bool = False

    @property
    def fields(self) -> dict[str, Any]:
        """Field name -> Ibis data type, for every field a rule may name."""
        return dict(self.frame.schema().items())

    def known_fields(self) -> list[str]:
        """Field names for messages: customer attributes, status words, computed fields, and
        ``clv``, ``p_alive`` (listed even without CLV results: they then need them)."""
        names = list(self.frame.columns)
        return names + [c for c in CLV_FIELDS if c not in names]


def rule_context(
    tables: Mapping[str, ir.Table],
    as_of: dt.date,
    *,
    clv: Any = None,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    status: ir.Table | None = None,
) -> RuleContext:
    """A :class:`RuleContext` over ``tables`` at ``as_of`` (see :func:`customer_frame`)."""
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")
    return RuleContext(
        frame=customer_frame(tables, as_of, clv=clv, params=params, status=status),
        orders=table_or_empty(tables, "orders"),
        products=table_or_empty(tables, "products"),
        as_of=as_of,
        has_clv=clv is not None,
    )


# --------------------------------------------------------------------------------------------
# compilation


def bought_ids(
    orders: ir.Table,
    products: ir.Table,
    *,
    what: str,
    values: tuple[str, ...],
    as_of: dt.date,
    days: int | None,
    full_price_only: bool = False,
) -> ir.Table:
    """Ids of customers who bought (:func:`cxray.analytics.purchases.purchase_lines`: a line
    with a positive amount on a purchase day) one of the SKUs (``what="sku"``) or product lines
    (``what="line"``) in ``values``, dated in ``(as_of - days, as_of]`` (on or before ``as_of``
    when ``days`` is None). ``full_price_only`` keeps lines whose ``discount`` is null or 0. A
    one-column lazy table ``customer_id``."""
    window = None if days is None else day_window(as_of, days)
    lines = purchase_lines(orders, as_of=as_of, window=window)
    if full_price_only:
        lines = lines.filter(lines.discount.isnull() | (lines.discount == 0))
    if what == "line":
        lines = with_product_line(lines, products)
        lines = lines.filter(lines.product_line.isin(list(values)))
    else:
        lines = lines.filter(lines.sku.isin(list(values)))
    return lines.select("customer_id").distinct()


def _typed_values(rule: Rule, dtype: Any) -> list[Any]:
    err = {"where": rule.where, "rule": rule.text or str(rule), "field": rule.field}
    if dtype.is_boolean():
        raise CxrayError("rule_type_bool", **err)
    out: list[Any] = []
    for value in rule.values:
        shown = _format_value(value)
        if dtype.is_numeric():
            if not isinstance(value, int | float):
                raise CxrayError("rule_type_number", value=shown, **err)
            out.append(value)
        elif dtype.is_date() or dtype.is_timestamp():
            try:
                day = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                day = None
            if day is None:
                raise CxrayError("rule_type_date", value=shown, **err)
            out.append(day)
        else:
            if not isinstance(value, str):
                raise CxrayError("rule_type_text", value=shown, **err)
            out.append(value)
    return out


def compile_rule(rule: Rule, context: RuleContext) -> ir.BooleanValue:
    """The Ibis boolean expression, over ``context.frame``, of the customers ``rule`` matches.

    Never null: a comparison on a missing value is false, and ``not`` negates after that (see
    the module notes). Raises :class:`CxrayError` for an unknown field (listing the known ones),
    a CLV field without CLV results and a value of the wrong type for its field.
    """
    frame = context.frame
    label = rule.text or str(rule)
    if rule.kind == "status":
        expr = frame[rule.field].fill_null(False)
    elif rule.kind == "bought":
        ids = bought_ids(
            context.orders,
            context.products,
            what=rule.field,
            values=tuple(str(v) for v in rule.values),
            as_of=context.as_of,
            days=rule.days,
        )
        expr = frame.customer_id.isin(ids.customer_id)
    elif rule.kind == "compare":
        fields = context.fields
        if rule.field not in fields:
            if rule.field in CLV_FIELDS and not context.has_clv:
                raise CxrayError("rule_needs_clv", where=rule.where, rule=label, field=rule.field)
            raise CxrayError(
                "rule_unknown_field",
                where=rule.where,
                rule=label,
                field=rule.field,
                known=", ".join(context.known_fields()),
            )
        dtype = fields[rule.field]
        values = _typed_values(rule, dtype)
        col = frame[rule.field]
        if dtype.is_timestamp():
            col = col.date()
        op = rule.op
        if op == "in":
            expr = col.isin(values)
        elif op == "not in":
            expr = col.notin(values)
        else:
            v = values[0]
            expr = {
                "==": lambda: col == v,
                "!=": lambda: col != v,
                ">": lambda: col > v,
                ">=": lambda: col >= v,
                "<": lambda: col < v,
                "<=": lambda: col <= v,
            }[op]()
        # a comparison on a missing value matches nothing (not in / != included)
        expr = col.notnull() & expr
        expr = expr.fill_null(False)
    else:  # pragma: no cover - Rule objects come from parse_rule
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    return ~expr if rule.negated else expr
