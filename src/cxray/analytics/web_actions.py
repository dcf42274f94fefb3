"""Actions: named rules over web events that were already captured.

An action says which events count as, say, "add to cart": a URL pattern (``/catalog/*``), a CSS
selector over the element clicked (``button.buy``), the element's text (``В корзину``) and the
event type. It is defined after the fact, so it counts history from the first captured day.

Selectors are the part of CSS an element's recorded path can answer: compound selectors of a
tag, an ``#id`` and ``.classes`` (``button.buy.primary``, ``#order``, ``.buy``), joined by a
space (a descendant) or ``>`` (a child): ``form#order button.buy``, ``main > .card a``. They
match the ``css_path`` column the snippet records ("body > main#content > div.card >
button.btn.buy": segments joined by " > ", each ``tag[#id][.class...]`` with the classes sorted),
turned into one regular expression that the backend runs.

URL patterns use ``*`` for any run of characters. A pattern that starts with ``/`` is matched
against the path of the URL (no scheme, host, query or fragment); any other pattern against the
whole URL without its fragment. The text is compared trimmed and case-insensitively, and may use
``*`` too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from cxray.errors import CxrayError

EVENT_TYPES = ("pageview", "click", "submit", "outbound", "scroll")
CLICKS = ("click", "submit", "outbound")
"""The events an action with a selector or a text counts unless told its type: the element
events (a submit is a form's, an outbound click a link's to another site)."""
NAME = re.compile(r"[\w][\w .:/+-]{0,63}", re.UNICODE)
_COMPOUND = re.compile(r"(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?(?P<rest>(?:[#.][\w-]+)*)")
_PART = re.compile(r"([#.])([\w-]+)")


@dataclass(frozen=True)
class Action:
    """One action: its ``name`` and the rule an event must meet (every part given)."""

    name: str
    url: str | None = None
    selector: str | None = None
    text: str | None = None
    event: str | None = None  # one of EVENT_TYPES; None: pageview, or CLICKS with a selector/text

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name or ""):
            raise CxrayError("action_bad_name", name=self.name)
        if not (self.url or self.selector or self.text or self.event):
            raise CxrayError("action_needs_rule", name=self.name)
        for part in ("url", "selector", "text"):
            value = getattr(self, part) or ""
            if any(ord(c) < 32 for c in value):  # a NUL or a line break is no part of a rule
                raise CxrayError("action_bad_character", name=self.name, part=part)
        if self.event is not None and self.event not in EVENT_TYPES:
            raise CxrayError("action_bad_event", event=self.event, known=", ".join(EVENT_TYPES))
        if self.selector is not None:
            selector_regex(self.selector)  # CxrayError for what it cannot match

    @property
    def events(self) -> tuple[str, ...]:
        """The event types this action counts."""
        if self.event is not None:
            return (self.event,)
        return CLICKS if (self.selector or self.text) else ("pageview",)

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def glob_regex(pattern: str, *, any_case: bool = False) -> str:
    """A regular expression for a ``*`` pattern, matching the whole text; ``any_case``: in
    upper or lower case, written out letter by letter (``[вВ]``): regex engines do not agree
    on a flag that folds the case of Cyrillic letters."""

    def part(text: str) -> str:
        if not any_case:
            return re.escape(text)
        return "".join(
            f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in text
        )

    return "^" + ".*".join(part(p) for p in pattern.split("*")) + "$"


def _compound_regex(compound: str, selector: str) -> str:
    found = _COMPOUND.fullmatch(compound)
    if found is None or not compound or compound.count("#") > 1:
        raise CxrayError("action_bad_selector", selector=selector, part=compound)
    tag = found["tag"] if found["tag"] not in (None, "*") else None
    parts = _PART.findall(found["rest"])
    ident = next((name for mark, name in parts if mark == "#"), None)
    classes = sorted(name for mark, name in parts if mark == ".")
    any_classes = r"(?:\.[^ >.]+)*"
    out = re.escape(tag.lower()) if tag else "[a-z0-9-]+"
    out += "#" + re.escape(ident) if ident else r"(?:#[^ >.]+)?"
    out += any_classes
    for name in classes:  # the path's classes are sorted, so the wanted ones come in order
        out += r"\." + re.escape(name) + any_classes
    return out


def selector_regex(selector: str) -> str:
    """A regular expression over ``css_path`` for a CSS ``selector`` (see the module's text):
    the last compound must match the element itself, the others its ancestors in order.
    CxrayError ``action_bad_selector`` for a part it cannot match (attributes, pseudo-classes,
    ``+`` and ``~``)."""
    tokens = re.sub(r"\s*>\s*", " > ", selector.strip()).split()
    if not tokens or tokens[0] == ">" or tokens[-1] == ">":
        raise CxrayError("action_bad_selector", selector=selector, part=selector)
    out, child = "", False
    for token in tokens:
        if token == ">":
            if child:
                raise CxrayError("action_bad_selector", selector=selector, part=selector)
            child = True
            continue
        if not out:
            out = "(?:^| > )"
        elif child:
            out += " > "
        else:
            out += " > (?:.* > )?"
        out += _compound_regex(token, selector)
        child = False
    return out + "$"
