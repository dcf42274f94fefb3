"""The canonical schema: the tables cxray holds, their columns, types and natural keys.

Everything after ingest sees exactly these column names and types. Types are Ibis type names:
``string``, ``date``, ``timestamp``, ``float64``, ``int64``, ``boolean``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    required: bool = False
    choices: tuple[str, ...] = ()  # allowed values (after lower-casing), empty = any
    # other spellings of the choices, (spelling, choice) with the spelling lower-cased and its
    # inner spaces made one: what 1C, amoCRM or Bitrix24 exports write ("Успешно реализовано")
    synonyms: tuple[tuple[str, str], ...] = ()
    default: object = None  # value used when the column is absent from the file
    # columns from which validation computes this one when the file lacks it (amount from
    # quantity x price): a required column with all of them present is not missing
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key: re-importing rows with the same key replaces them
    extra_columns: bool = False  # keep unknown file columns as extra string attributes
    date_column: str | None = None  # the column `status` reports a range for
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return self._by_name.get(name)

    def ibis_schema(self, extra: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
        schema = {c.name: c.type for c in self.columns}
        schema.update({name: "string" for name in extra})
        return schema


S, D, TS, F, INT, B = "string", "date", "timestamp", "float64", "int64", "boolean"


def _spellings(**choices: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((spelling, choice) for choice, names in choices.items() for spelling in names)


LEAD_STATUS_SYNONYMS = _spellings(
    # amoCRM's default stages, Bitrix24's lead and deal statuses, and the plain words
    new=("новый", "новая", "новая заявка", "не обработан", "неразобранное", "первичный контакт"),
    contacted=("в работе", "контакт", "контакт установлен", "переговоры", "in progress"),
    qualified=(
        "квалифицирован",
        "квалифицирована",
        "квалифицированный",
        "качественный лид",
        "принимают решение",
        "согласование договора",
    ),
    won=(
        "выигран",
        "выиграна",
        "успешно реализовано",
        "сделка успешна",
        "успешно",
        "closed won",
        "closed-won",
    ),
    lost=(
        "проигран",
        "проиграна",
        "закрыто и не реализовано",
        "сделка провалена",
        "некачественный лид",
        "отказ",
        "closed lost",
        "closed-lost",
    ),
)
"""Lead statuses as Russian CRMs export them."""

CONSENT_SYNONYMS = _spellings(
    opt_in=(
        "opt-in",
        "opt in",
        "subscribed",
        "подписан",
        "подписана",
        "подписка",
        "согласие",
        "согласен",
        "согласна",
    ),
    opt_out=(
        "opt-out",
        "opt out",
        "unsubscribed",
        "отписан",
        "отписана",
        "отписался",
        "отписалась",
        "отказ",
        "отзыв согласия",
    ),
)
"""Consent states as mailing tools and 1C export them; an unknown word is refused, never
guessed."""

GROUP_SYNONYMS = _spellings(
    target=("целевая", "целевая группа", "target group"),
    control=("контрольная", "контрольная группа", "контроль", "holdout", "control group"),
)

POINTS_SYNONYMS = _spellings(
    accrual=("начисление", "начислено", "earn", "earned"),
    redemption=("списание", "списано", "redeem", "redeemed", "burn"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            (
                Column("customer_id", S, required=True),
                Column("name"),
                Column("segment"),
                Column("region"),
                Column("first_contact_date", D),
                Column("source_channel"),
            ),
            key=("customer_id",),
            extra_columns=True,
            date_column="first_contact_date",
        ),
        Table(
            "contacts",
            (
                Column("customer_id", S, required=True),
                Column("contact_id"),
                Column("contact_name"),
                Column("role"),
                Column("email"),
                Column("phone"),
                Column("is_current", B, default=True),
                Column("updated_at", D),
            ),
            # contact_id is derived from name/email/phone when the file has none
            key=("customer_id", "contact_id"),
            date_column="updated_at",
        ),
        Table(
            "products",
            (
                Column("sku", S, required=True),
                Column("name"),
                Column("product_line"),
                Column("category"),
                Column("brand"),
                Column("unit_cost", F),
            ),
            key=("sku",),
        ),
        Table(
            "orders",
            (
                Column("order_id", S, required=True),
                Column("customer_id", S, required=True),
                Column("order_date", D, required=True),
                Column("amount", F, required=True, derived_from=("quantity", "price")),
                Column("sku"),
                Column("quantity", F),
                Column("price", F),  # the unit price paid
                Column("list_price", F),
                Column("discount", F),
                Column("channel"),
                # numbered 1, 2, ... within each order in file order when the file has none
                Column("line_no", INT),
            ),
            key=("order_id", "line_no"),
            date_column="order_date",
        ),
        Table(
            "interactions",
            (
                Column("customer_id", S, required=True),
                Column("date", D, required=True),
                Column("channel"),
                Column("kind"),
                Column("direction"),
            ),
            key=("customer_id", "date", "channel", "kind", "direction"),
            date_column="date",
        ),
        Table(
            "consents",
            (
                Column("customer_id", S, required=True),
                Column("channel", S, required=True),
                Column(
                    "status",
                    S,
                    required=True,
                    choices=("opt_in", "opt_out"),
                    synonyms=CONSENT_SYNONYMS,
                ),
                Column("contact_id"),
                Column("promised_frequency"),
                Column("promised_content"),
                Column("source"),
                Column("date", D),
            ),
            key=("customer_id", "channel", "contact_id", "date"),
            date_column="date",
        ),
        Table(
            "sends",
            (
                Column("campaign_id", S, required=True),
                Column("customer_id", S, required=True),
                Column("sent_at", TS, required=True),
                Column("channel"),
                Column("group", S, choices=("target", "control"), synonyms=GROUP_SYNONYMS),
                Column("opened_at", TS),
                Column("clicked_at", TS),
                Column("unsubscribed_at", TS),
                Column("complained_at", TS),
            ),
            key=("campaign_id", "customer_id", "channel"),
            date_column="sent_at",
        ),
        Table(
            "responses",
            (
                Column("customer_id", S, required=True),
                Column("date", D, required=True),
                Column("metric", S, required=True, choices=("nps", "csi", "ces")),
                Column("score", F, required=True),
                Column("survey"),
                Column("touchpoint"),
                Column("comment"),
                Column("incentivized", B, default=False),
            ),
            key=("customer_id", "date", "metric", "survey"),
            date_column="date",
        ),
        Table(
            "leads",
            (
                Column("lead_id", S, required=True),
                Column("created_at", TS, required=True),
                Column("channel", S, required=True),
                Column("source"),
                Column("campaign"),
                Column("owner"),  # the manager who owns the lead; empty = nobody took it
                Column(
                    "status",
                    S,
                    choices=("new", "contacted", "qualified", "won", "lost"),
                    synonyms=LEAD_STATUS_SYNONYMS,
                ),
                Column("first_contact_at", TS),
                Column("closed_at", TS),
                Column("customer_id"),  # the customer a won lead became
                Column("lost_reason"),
            ),
            key=("lead_id",),
            date_column="created_at",
        ),
        Table(
            "channel_costs",
            (
                Column("month", D, required=True),  # any day of the month the cost is for
                Column("channel", S, required=True),
                Column("cost", F, required=True),
                Column("campaign"),
            ),
            key=("month", "channel", "campaign"),
            date_column="month",
        ),
        Table(
            "loyalty_members",
            (
                Column("customer_id", S, required=True),
                Column("joined_at", D, required=True),
                Column("card_id"),
                Column("tier"),
                Column("left_at", D),
            ),
            key=("customer_id",),
            date_column="joined_at",
        ),
        Table(
            "loyalty_rewards",
            (
                Column("customer_id", S, required=True),
                Column("date", D, required=True),
                Column(
                    "kind",
                    S,
                    required=True,
                    choices=("accrual", "redemption"),
                    synonyms=POINTS_SYNONYMS,
                ),
                Column("points", F, required=True),
                Column("value", F),  # the money the points are worth; points when absent
                Column("order_id"),  # the receipt the points were earned or spent on
            ),
            key=("customer_id", "date", "kind", "order_id", "points"),
            date_column="date",
        ),
        Table(
            "web_events",
            (
                Column("event_id", S, required=True),  # unique per event, made by the browser
                Column("visitor_id", S, required=True),  # the browser's first-party id
                Column("ts", TS, required=True),  # when the browser saw it (UTC)
                Column(
                    "type",
                    S,
                    required=True,
                    choices=("pageview", "click", "submit", "outbound", "scroll", "identify"),
                ),
                Column("url", S, required=True),
                Column("referrer"),
                Column("tag"),  # the element's tag, lower case (clicks, submits, outbound links)
                Column("text"),  # its visible text, trimmed
                Column("classes"),  # its classes, space-separated
                Column("css_path"),  # "body > div#main > form.order > button.buy"
                Column("href"),  # a link's target
                Column("fields"),  # a form's field names (never values), comma-separated
                Column("scroll_depth", INT),  # percent of the page seen (scroll events)
                Column("viewport_w", INT),
                Column("viewport_h", INT),
                Column("customer_id"),  # set by identify; earlier events of the visitor follow
                Column("received_at", TS),  # when the collector accepted it (UTC)
            ),
            key=("event_id",),
            date_column="ts",
        ),
    )
}

# Bookkeeping tables the workspace keeps beside the canonical ones.
REJECTS = "_rejects"
IMPORTS = "_imports"


def get_table(name: str) -> Table:
    """The canonical table called ``name``; raises KeyError for an unknown name."""
    return TABLES[name]


def empty_table(name: str):  # -> ibis.Table (ibis imported lazily: the schema is plain data)
    """An empty Ibis table with the canonical schema of table ``name``."""
    import ibis
    import pyarrow as pa

    schema = ibis.schema(TABLES[name].ibis_schema())
    return ibis.memtable(
        pa.table({n: pa.array([], type=t.to_pyarrow()) for n, t in schema.items()}),
        schema=schema,
    )
