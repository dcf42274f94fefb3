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


def test_a_kept_answer_does_not_wait_for_a_long_question():
    import threading

    kept = web_state.WebState(session=None)
    kept.kept("report", lambda _s: "REPORT")
    started, release = threading.Event(), threading.Event()

    def long_question(_session):
        started.set()
        release.wait(60)
        return "CARD"

    card = threading.Thread(target=kept.kept, args=("card", long_question))
    card.start()
    assert started.wait(60)  # the card's question now holds the API session
    got = []
    reader = threading.Thread(target=lambda: got.append(kept.kept("report", lambda _s: "NEW")))
    reader.start()
    reader.join(60)
    finished_while_held = not reader.is_alive()
    release.set()
    card.join(60)
    reader.join(60)
    assert finished_while_held and got == ["REPORT"]
    assert kept.kept("card", lambda _s: "AGAIN") == "CARD"
