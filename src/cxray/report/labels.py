"""Labels the report writes for values: months in words and the placeholders of missing values.

One place for both renderers (HTML and XLSX), so every chart, table and sheet of a report says
"Dec 2010" / "дек 2010" and "(unknown)" / "(неизвестно)" the same way.
"""

from __future__ import annotations

import re

from cxray.texts import t

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

#: values analytics give to missing keys (product line, SKU, group) -> their text keys
PLACEHOLDERS = {
    "(unknown)": "label_unknown",
    "(no sku)": "label_no_sku",
    "(none)": "label_none",
    "(all)": "label_all",
}


def month_label(month: str, lang: str) -> str:
    """'2010-12' -> 'Dec 2010' (en) / 'дек 2010' (ru); anything else is returned as it is."""
    found = _MONTH.match(str(month))
    if not found:
        return str(month)
    year, number = found.groups()
    names = t("months_short", lang=lang).split()
    return t("month_label", lang=lang, month=names[int(number) - 1], year=year)


def value_label(value: object, lang: str) -> object:
    """A placeholder of a missing value in ``lang``; other values unchanged."""
    if isinstance(value, str) and value in PLACEHOLDERS:
        return t(PLACEHOLDERS[value], lang=lang)
    return value
