"""Voice of the customer through a session: scores, say versus do, comment themes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxray.analytics import feedback as fb
from cxray.analytics import themes as th
from cxray.api.results import Notice, Result
from cxray.errors import CxrayError
from cxray.workspace import as_date

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.api.dates import DateLike

GROUPINGS = ("month", "segment", "touchpoint", "survey")
ANSWERS = ("responses",)
"""The table whose latest date is the default as-of of scores and themes (say versus do reads
the orders too: the latest date of either)."""


class FeedbackSession:
    """``session.feedback``: NPS / CSI / CES answers and what customers do after them."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def scores(
        self,
        as_of: DateLike = None,
        *,
        by: str | None = None,
        include_incentivized: bool = False,
        min_responses: int = 30,
        csi_scale: dict[str, int] | None = None,
    ) -> Result:
        """NPS with promoters / passives / detractors and a 95% interval, CSI and CES means with
        intervals, overall or ``by`` month, segment, touchpoint or survey; answers given for a
        reward apart; impossible scores and unknown customers listed. ``as_of`` defaults to
        the date of the latest answer; without a score, a notice says why."""
        if by not in (None, *GROUPINGS):
            raise CxrayError(
                "bad_parameter", detail="--by must be month, segment, touchpoint or survey"
            )
        day = self.session.resolve_as_of(as_of, reads=ANSWERS)
        tb = self.session.tables()
        rows = fb.scores(
            tb["responses"], tb["customers"], as_of=day, by=by,
            include_incentivized=include_incentivized, min_responses=min_responses,
            csi_scale=csi_scale,
        )  # fmt: skip
        invalid = fb.invalid_scores(tb["responses"], csi_scale=csi_scale).to_pyarrow().to_pylist()
        unknown = fb.unknown_customers(tb["responses"], tb["customers"], tb["orders"])
        unknown = unknown.to_pyarrow().to_pylist()
        scores = [r.to_dict() for r in rows]
        payload = {
            "as_of": day,
            "by": by,
            "scores": scores,
            "invalid": invalid,
            "unknown_customers": unknown,
        }
        tables = {"scores": scores, "invalid": invalid, "unknown_customers": unknown}
        warnings = [] if scores else self._why_empty(day)
        return Result("feedback_scores", payload, tables, value=rows, as_of=day,
                      warnings=warnings)  # fmt: skip

    def _why_empty(self, day: DateLike) -> list[Notice]:
        """Why no answer is scored as of ``day``: none imported, or none on or before it."""
        r = self.session.tables()["responses"]
        row = r.aggregate(n=r.count(), first=r.date.min(), last=r.date.max())
        found = row.to_pyarrow().to_pylist()[0]
        if not found["n"]:
            return [Notice("feedback_empty_none")]
        first, last = as_date(found["first"]), as_date(found["last"])
        return [Notice("feedback_empty_range", {"as_of": day, "first": first, "last": last})]

    def saydo(self, as_of: DateLike = None, *, months: int = 6) -> Result:
        """Revenue, orders and retention in the ``months`` before and after each customer's NPS
        answer, by answer group; promoters who stopped buying, detractors who keep growing;
        NPS of key and regular customers against the rest."""
        day = self.session.resolve_as_of(as_of, reads=(*ANSWERS, "orders"))
        tb = self.session.tables()
        result = fb.say_vs_do(
            tb["responses"], tb["orders"], tb["customers"], tb["contacts"], tb["interactions"],
            as_of=day, months=months, status=self.session.customer_status(day),
        )  # fmt: skip
        payload = result.to_dict()
        tables = {k: payload[k] for k in ("groups", "flags", "segments")}
        return Result("feedback_saydo", payload, tables, value=result, as_of=day)

    def themes(self, as_of: DateLike = None, *, top: int = 10) -> Result:
        """The most frequent lemmatized words and two-word phrases of the comments per answer
        group (promoters, passives, detractors), with examples."""
        day = self.session.resolve_as_of(as_of, reads=ANSWERS)
        found = th.themes(th.comment_groups(self.session.tables()["responses"], as_of=day), top=top)
        payload = {g: [x.to_dict() for x in items] for g, items in found.items()}
        tables = {
            "themes": [{"group": g, **x} for g, items in payload.items() for x in items],
        }
        return Result("feedback_themes", payload, tables, value=found, as_of=day)
