"""The answers a web server keeps: computed once, the least recently used dropped first when too
many are kept, all dropped when the server writes."""

from __future__ import annotations

from cxray.web import state as web_state


def test_kept_answers_drop_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(web_state, "KEPT_ANSWERS", 2)
    kept = web_state.WebState(session=None)
    calls: list[str] = []

    def answer(name):
        def fn(_session):
            calls.append(name)
            return name.upper()

        return fn

    assert kept.kept("report", answer("report")) == "REPORT"
    assert kept.kept("card-1", answer("card-1")) == "CARD-1"
    assert kept.kept("report", answer("report")) == "REPORT"  # kept: not computed again
    assert kept.kept("card-2", answer("card-2")) == "CARD-2"  # full: card-1 goes, not the report
    assert kept.kept("report", answer("report")) == "REPORT"
    assert kept.kept("card-1", answer("card-1")) == "CARD-1"  # computed again
    assert calls == ["report", "card-1", "card-2", "card-1"]
    kept.changed()
    assert kept.kept("report", answer("report")) == "REPORT"
    assert calls[-1] == "report"
