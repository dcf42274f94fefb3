"""A campaign seen through a session: check its brief and rules, plan its audience, export its
lists, measure its uplift (see docs/campaign-format.md for the file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.api.outputs import output_folder
from cxray.api.results import Notice, Result
from cxray.comms.campaign import Campaign, check_campaign, load_campaign
from cxray.comms.offer_relevance import REACH

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.api.dates import DateLike


READS = ("orders", "sends")
"""A campaign's default as-of: the latest date of the orders and the sends (its audience and
uplift read the orders, its frequency caps and groups the sends)."""


@dataclass(frozen=True)
class Exported:
    """What :meth:`CampaignSession.export` did: the ``plan`` and the ``export`` (files, rows)."""

    plan: Any
    export: Any


class CampaignSession:
    """``session.campaign(file_or_mapping)``: the campaign is read and checked at once
    (CxrayError naming what is wrong); the methods run it against the session's workspace.
    Without a session (``cxray.campaign(file)``) only :meth:`check` works."""

    def __init__(self, session: SessionBase | None, source: str | Path | Mapping[str, Any]) -> None:
        self.session = session
        if isinstance(source, Mapping):
            self.campaign: Campaign = check_campaign(dict(source))
        else:
            self.campaign = load_campaign(source)

    def __repr__(self) -> str:
        return f"<cxray campaign {self.campaign.id} ({self.campaign.channel})>"

    def _session(self) -> SessionBase:
        if self.session is None:
            from cxray.errors import CxrayError

            raise CxrayError("bad_parameter", detail="open a workspace to plan a campaign")
        return self.session

    def _needs_clv(self, as_of: Any) -> list[str]:
        from cxray.comms.plan import check_rules

        # no status: checking compiles the rules without running a query
        return check_rules(self.campaign, self._session().tables(), as_of=as_of)

    def check(self, *, reach: float = REACH) -> Result:
        """The brief is complete, the settings agree and (with a workspace) every rule's field
        exists; ``needs_clv`` lists the rules that need the CLV models fitted; ``offer`` is the
        lint of the campaign's ``message``. With a workspace and an offer threshold, the plan's
        ``offer_relevance`` too, and its warnings (few within ``reach``, most qualify)."""
        from cxray.api.offers import campaign_offer

        need_clv: list[str] = []
        relevance, warnings = None, []
        if self.session is not None:
            need_clv = self._needs_clv(self.session.resolve_as_of(None, reads=READS))
            if self.campaign.offer is not None:
                planned = self.plan(reach=reach)
                relevance, warnings = planned.offer_relevance, planned.warnings
        payload = {"ok": True, "campaign": self.campaign.to_dict(), "needs_clv": need_clv,
                   "offer": campaign_offer(self.campaign, self.session),
                   "offer_relevance": relevance}  # fmt: skip
        return Result("campaign_check", payload, value=self.campaign, warnings=warnings)

    def plan(self, as_of: DateLike = None, *, reach: float = REACH) -> Result:
        """The audience waterfall at ``as_of``: every audience rule, always-on exclusion and
        custom exclusion with the number removed, then the target / control split and its
        balance (CLV is fitted only when a rule needs it). The global control share and the
        extra channel spellings are the workspace's settings ``global_control_share`` and
        ``channel_synonyms``. With an offer threshold, ``offer_relevance``: the audience's
        shares that already qualify, are within ``reach`` (a share of the threshold) and are out
        of reach (:mod:`cxray.comms.offer_relevance`), with its warnings; None without one."""
        from cxray.comms.plan import plan_campaign

        session = self._session()
        day = session.resolve_as_of(as_of, reads=READS)
        clv = session.clv_fit(day) if self._needs_clv(day) else None
        plan = plan_campaign(
            self.campaign, session.tables(), as_of=day, clv=clv,
            status=session.customer_status(day),
            global_control_share=session._setting("global_control_share"),
            channel_synonyms=session._channel_synonyms(),
        )  # fmt: skip
        relevance = self._relevance(plan, reach)
        warnings = [Notice(code) for code in relevance["warnings"]] if relevance else []
        steps = [s.to_dict() for s in plan.steps]
        payload = {**plan.to_dict(), "offer_relevance": relevance}
        return Result("campaign_plan", payload, {"steps": steps}, value=plan, as_of=day,
                      warnings=warnings)  # fmt: skip

    def _relevance(self, plan: Any, reach: float) -> dict[str, Any] | None:
        from cxray.comms.offer_relevance import offer_relevance

        c = self.campaign
        if c.offer is None:
            return None
        tables = self._session().tables()
        found = offer_relevance(
            tables["orders"], tables["products"], plan.final_ids, as_of=plan.as_of,
            threshold=c.offer[0], value=c.offer[1], skus=c.promoted_skus,
            lines=c.promoted_lines, reach=reach,
        )  # fmt: skip
        return found.to_dict()

    def export(self, out: str | Path, as_of: DateLike = None, *, force: bool = False) -> Result:
        """Plan, then write ``<id>-target.csv`` (customer, contact, channel address) and
        ``<id>-control.csv`` into the folder ``out``. Either file already there is refused
        before planning (CxrayError ``output_exists``) unless ``force``."""
        from cxray.comms.export import export_lists, export_names

        out = output_folder(out, export_names(self.campaign.id).values(), force=force)
        planned = self.plan(as_of)
        result = export_lists(planned.value, self._session().tables(), out)
        payload = {"plan": planned.to_dict(), "export": result.to_dict()}
        return Result(
            "campaign_export", payload, planned.tables, value=Exported(planned.value, result),
            as_of=planned.as_of,
        )  # fmt: skip

    def measure(self, as_of: DateLike = None) -> Result:
        """Conversion and revenue per customer of target and control in the brief's window,
        uplift with 95% intervals, incremental revenue, MDE, warnings and a verdict."""
        from cxray.comms.measure import measure_from_campaign

        session = self._session()
        day = session.resolve_as_of(as_of, reads=READS)
        result = measure_from_campaign(self.campaign, session.tables(), as_of=day)
        payload = result.to_dict()
        groups = [{"group": g, **payload[g]} for g in ("target", "control") if g in payload]
        notices = [Notice(w.code, dict(w.values)) for w in result.warnings]
        return Result(
            "campaign_measure", payload, {"groups": groups}, value=result, as_of=day,
            warnings=notices,
        )  # fmt: skip
