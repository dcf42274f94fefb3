"""Contact data shown masked to the roles that may not see it: ``i***@example.com``,
``+7 *** ***-12-34``, ``И*** П***``.

:func:`mask_payload` masks every value under a contact key (:data:`PII_KEYS`) anywhere in a
JSON-like payload, so a page or an endpoint cannot forget a field.
"""

from __future__ import annotations

import re
from typing import Any

PII_KEYS = frozenset({"email", "phone", "contact_name"})
_PREFIX = re.compile(r"\s*(\+\d{1,3})[\s(\-]")


def mask_email(email: str) -> str:
    """``ivan.petrov@example.com`` -> ``i***@example.com`` (the domain stays: it tells a
    company's mail from a private one)."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """``+7 912 345-12-34`` -> ``+7 *** ***-12-34``: the country code and the last four
    digits stay."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return "***"
    found = _PREFIX.match(phone)
    tail = f"*** ***-{digits[-4:-2]}-{digits[-2:]}"
    return f"{found.group(1)} {tail}" if found else tail


def mask_name(name: str) -> str:
    """``Иван Петров`` -> ``И*** П***``: each word's first letter."""
    return " ".join(f"{word[:1]}***" for word in name.split()) or "***"


_MASKS = {"email": mask_email, "phone": mask_phone, "contact_name": mask_name}


def mask_payload(value: Any) -> Any:
    """A copy of ``value`` (dicts, lists, scalars) with every text under a key of
    :data:`PII_KEYS` masked."""
    if isinstance(value, dict):
        return {
            k: _MASKS[k](v) if k in _MASKS and isinstance(v, str) and v else mask_payload(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_payload(v) for v in value]
    return value
