"""A batch of web events as a site's pages send it to the collector (``POST /e``), checked and
turned into rows of the canonical ``web_events`` table. Pure: bytes in, rows out, no I/O.

The body is JSON (see the README's "Web events"): ``{"v": 1, "visitor_id": "v_...", "events":
[{"event_id": "e_...", "ts": <epoch ms>, "type": "click", "url": "...", ...}, ...]}``. A batch is
taken whole or refused whole: :func:`parse_batch` raises CxrayError ``bad_batch`` naming the
first bad event (its index in ``events``) and field, and what the field must be. Text longer
than its limit (:data:`LIMITS`) is cut, not refused; fields the format does not know are
ignored, so that a newer snippet can send more.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cxray.errors import CxrayError
from cxray.ingest.schema import TABLES

MAX_BYTES = 64 * 1024
"""The largest body accepted (bytes)."""
MAX_EVENTS = 50
"""The most events one batch may carry."""
VERSION = 1
TYPES = TABLES["web_events"].column("type").choices
LIMITS = {"url": 2048, "referrer": 2048, "href": 2048, "css_path": 1000, "classes": 500,
          "text": 200, "customer_id": 128, "tag": 64, "fields": 2048}  # fmt: skip
"""The longest text kept per column (characters); longer text is cut."""
OPTIONAL_TEXT = ("referrer", "tag", "text", "classes", "css_path", "href")
NUMBERS = {"scroll_depth": 100, "viewport_w": 100_000, "viewport_h": 100_000}
"""Whole-number columns and their largest value (the smallest is 0)."""
MAX_TS = 32_503_680_000_000  # 3000-01-01 in epoch milliseconds
COLUMNS = TABLES["web_events"].names

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _bad(event: int | None, field: str, problem: str, **params: object) -> CxrayError:
    where = field if event is None else f"events[{event}].{field}"
    return CxrayError("bad_batch", where=where, event=event, field=field,
                      problem={"key": problem, "params": params})  # fmt: skip


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object, limit: int, event: int, field: str) -> str | None:
    """An optional text: a string (cut to ``limit``; empty means none) or null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(event, field, "batch_expect_text")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no text can hold it
            raise _bad(event, field, "batch_expect_text") from None
    return value[:limit] or None


def _event(raw: object, i: int, visitor_id: str, received_at: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad(i, "-", "batch_expect_event")
    event_id = raw.get("event_id")
    if not isinstance(event_id, str) or not _ID.fullmatch(event_id):
        raise _bad(i, "event_id", "batch_expect_id")
    ts = raw.get("ts")
    if not _is_int(ts) or not 0 <= ts <= MAX_TS:
        raise _bad(i, "ts", "batch_expect_ts")
    kind = raw.get("type")
    if kind not in TYPES:
        raise _bad(i, "type", "batch_expect_type", types=", ".join(TYPES))
    url = _text(raw.get("url"), LIMITS["url"], i, "url")
    if url is None:
        raise _bad(i, "url", "batch_expect_url")
    row: dict[str, Any] = {"event_id": event_id, "visitor_id": visitor_id, "ts": ts,
                           "type": kind, "url": url}  # fmt: skip
    for name in OPTIONAL_TEXT:
        row[name] = _text(raw.get(name), LIMITS[name], i, name)
    if row["tag"] is not None:
        row["tag"] = row["tag"].lower()
    fields = raw.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise _bad(i, "fields", "batch_expect_fields")
        fields = _text(",".join(fields), LIMITS["fields"], i, "fields")
    row["fields"] = fields
    for name, top in NUMBERS.items():
        value = raw.get(name)
        if value is not None and (not _is_int(value) or not 0 <= value <= top):
            raise _bad(i, name, "batch_expect_number", max=top)
        row[name] = value
    customer = _text(raw.get("customer_id"), LIMITS["customer_id"], i, "customer_id")
    customer = customer.strip() or None if customer is not None else None
    if kind == "identify" and customer is None:
        raise _bad(i, "customer_id", "batch_expect_customer")
    row["customer_id"] = customer
    row["received_at"] = received_at
    return row


def parse_batch(body: bytes, received_at: int) -> list[dict[str, Any]]:
    """The rows of a batch's JSON ``body`` (:data:`COLUMNS`; ``ts`` and ``received_at`` in
    epoch milliseconds, UTC; ``received_at`` as given), or CxrayError ``bad_batch`` (parameters
    ``where``, ``event`` -- the index of the bad event, None for the batch itself --, ``field``
    and ``problem``, a nested text). The size limit (:data:`MAX_BYTES`) is the caller's: it
    stops reading before."""
    try:
        batch = json.loads(body)
    except (ValueError, UnicodeDecodeError):  # not JSON, or not UTF-8
        raise _bad(None, "body", "batch_expect_json") from None
    if not isinstance(batch, dict):
        raise _bad(None, "body", "batch_expect_json")
    if batch.get("v") != VERSION or isinstance(batch.get("v"), bool):
        raise _bad(None, "v", "batch_expect_version", version=VERSION)
    visitor_id = batch.get("visitor_id")
    if not isinstance(visitor_id, str) or not _ID.fullmatch(visitor_id):
        raise _bad(None, "visitor_id", "batch_expect_id")
    events = batch.get("events")
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise _bad(None, "events", "batch_expect_events", most=MAX_EVENTS)
    return [_event(raw, i, visitor_id, received_at) for i, raw in enumerate(events)]


def journal_line(rows: list[dict[str, Any]]) -> bytes:
    """The rows of one batch as one line of a journal (JSON, UTF-8, ending in a newline)."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def journal_rows(data: bytes) -> list[dict[str, Any]]:
    """The rows of the lines of a journal segment (:func:`journal_line`). A last line without
    its newline (a write cut short) is skipped, and so is a line that does not read."""
    rows: list[dict[str, Any]] = []
    for line in data.split(b"\n")[:-1]:
        try:
            batch = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(batch, list):
            rows.extend(r for r in batch if isinstance(r, dict) and r.get("event_id"))
    return rows


def rows_table(rows: list[dict[str, Any]]):  # -> pyarrow.Table (imported lazily)
    """Rows of :func:`parse_batch` as an Arrow table of the canonical columns (timestamps from
    epoch milliseconds, UTC)."""
    import pyarrow as pa

    types = {"ts": pa.timestamp("ms"), "received_at": pa.timestamp("ms"),
             **{name: pa.int64() for name in NUMBERS}}  # fmt: skip
    schema = pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])
    return pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS} for r in rows], schema=schema)
