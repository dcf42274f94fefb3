"""Campaign files: a complete file loads; every problem is refused with a message naming the
file and the field."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from cxray.comms.campaign import (
    Brief,
    Campaign,
    GlobalCap,
    Limits,
    Measure,
    check_campaign,
    load_campaign,
)
from cxray.comms.rules import parse_rule
from cxray.errors import CxrayError

VALID = """\
id: cheese-promo-2026-11
name: Cheese for retail chains
channel: email
start: 2026-11-10
brief:
  why: "Cheese sales to chains fell 20% this autumn"
  target: "Retail chains and HoReCa that buy from us but not cheese"
  must_not_receive: "Clients who bought cheese at full price last month"
  expected_effect: "More cheese orders; some margin lost to the discount"
  measure:
    metric: conversion
    window_days: 30
    scope: promoted
  client_benefit: "A 10% lower price on a line they do not buy yet"
promoted:
  skus: [SKU-001, 10023]
  lines: ["Сыры"]
discount: true
audience:
  - segment in ["Розничные сети", "HoReCa"]
  - active
  - not bought line "Сыры" within 90 days
exclusions:
  - region == "Москва"
holdout: 0.2
limits:
  global_cap: {sends: 4, days: 30}
  recent_optout_days: 180
  dormant_after: 5
  full_price_days: 30
"""

MINIMAL = {
    "id": "c1",
    "channel": "sms",
    "brief": {
        "why": "w",
        "target": "t",
        "must_not_receive": "m",
        "expected_effect": "e",
        "measure": {"metric": "revenue", "window_days": 14},
        "client_benefit": "b",
    },
    "holdout": 0.1,
}


def write(tmp_path, text, name="campaign.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(**changes):
    data = copy.deepcopy(MINIMAL)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def brief(**changes):
    data = copy.deepcopy(MINIMAL["brief"])
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def refused(data, source="c.yaml") -> CxrayError:
    with pytest.raises(CxrayError) as err:
        check_campaign(data, source)
    assert str(err.value).startswith(f"{source}:") or str(err.value).startswith(source)
    return err.value


def test_valid_file_loads(tmp_path):
    path = write(tmp_path, VALID)
    campaign = load_campaign(path)
    assert campaign == Campaign(
        id="cheese-promo-2026-11",
        name="Cheese for retail chains",
        channel="email",
        start=dt.date(2026, 11, 10),
        brief=Brief(
            why="Cheese sales to chains fell 20% this autumn",
            target="Retail chains and HoReCa that buy from us but not cheese",
            must_not_receive="Clients who bought cheese at full price last month",
            expected_effect="More cheese orders; some margin lost to the discount",
            measure=Measure(metric="conversion", window_days=30, scope="promoted"),
            client_benefit="A 10% lower price on a line they do not buy yet",
        ),
        promoted_skus=("SKU-001", "10023"),  # YAML reads 10023 as a number: kept as text
        promoted_lines=("Сыры",),
        discount=True,
        audience=(
            parse_rule('segment in ["Розничные сети", "HoReCa"]'),
            parse_rule("active"),
            parse_rule('not bought line "Сыры" within 90 days'),
        ),
        exclusions=(parse_rule('region == "Москва"'),),
        holdout=0.2,
        limits=Limits(GlobalCap(4, 30), 180, 5, 30),
        source=str(path),
    )
    assert [r.text for r in campaign.audience][2] == 'not bought line "Сыры" within 90 days'
    assert campaign.promotes


def test_minimal_campaign_gets_defaults():
    campaign = check_campaign(MINIMAL, "c.yaml")
    assert campaign.limits == Limits()
    assert campaign.limits.global_cap == GlobalCap(sends=4, days=30)
    assert campaign.brief.measure == Measure("revenue", 14, "all")
    assert campaign.audience == () and campaign.exclusions == ()
    assert campaign.start is None and campaign.name is None and not campaign.discount


def test_to_dict_is_json_and_reads_back(tmp_path):
    campaign = load_campaign(write(tmp_path, VALID))
    data = campaign.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["start"] == "2026-11-10"
    assert data["audience"][0] == 'segment in ["Розничные сети", "HoReCa"]'
    assert data["limits"]["global_cap"] == {"sends": 4, "days": 30}
    source = data.pop("source")
    assert check_campaign(data, source) == campaign


def test_missing_file(tmp_path):
    with pytest.raises(CxrayError) as err:
        load_campaign(tmp_path / "nope.yaml")
    assert err.value.key == "file_not_found" and "nope.yaml" in str(err.value)


def test_not_yaml(tmp_path):
    path = write(tmp_path, "id: x\naudience: [active\nholdout: 0.2\n")
    with pytest.raises(CxrayError) as err:
        load_campaign(path)
    assert err.value.key == "campaign_not_yaml"
    assert str(path) in str(err.value) and "line" in str(err.value)


def test_impossible_date_in_yaml(tmp_path):
    path = write(tmp_path, VALID.replace("start: 2026-11-10", "start: 2026-13-01"))
    with pytest.raises(CxrayError) as err:
        load_campaign(path)
    assert err.value.key == "campaign_not_yaml" and str(path) in str(err.value)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", ""])
def test_not_a_mapping(tmp_path, text):
    with pytest.raises(CxrayError) as err:
        load_campaign(write(tmp_path, text))
    assert err.value.key == "campaign_not_mapping"


def test_unknown_top_level_key_is_named_with_the_known_ones():
    err = refused(changed(audiense=["active"], colour="red"))
    assert err.key == "campaign_unknown_keys"
    message = str(err)
    assert "audiense, colour" in message
    assert "id, name, channel, start, brief, promoted, discount, audience" in message


@pytest.mark.parametrize(
    ("data", "section", "key"),
    [
        (changed(brief=brief(budget=100)), "brief", "budget"),
        (
            changed(brief=brief(measure={"metric": "revenue", "window_days": 7, "kpi": 1})),
            "brief.measure",
            "kpi",
        ),
        (changed(promoted={"sku": ["A"]}), "promoted", "sku"),
        (changed(limits={"dormant": 3}), "limits", "dormant"),
        (changed(limits={"global_cap": {"sends": 3, "weeks": 1}}), "limits.global_cap", "weeks"),
    ],
)
def test_unknown_keys_in_sections(data, section, key):
    err = refused(data)
    assert err.key == "campaign_unknown_keys"
    assert f"{key} in {section}" in str(err)


def test_incomplete_brief_lists_every_missing_field():
    err = refused(
        changed(brief={"why": "Because", "target": "  ", "expected_effect": None}), "c.yaml"
    )
    assert err.key == "campaign_brief_incomplete"
    assert err.params["fields"] == (
        "target, must_not_receive, expected_effect, measure, client_benefit"
    )
    assert "missing: target, must_not_receive, expected_effect, measure, client_benefit" in str(err)
    assert "бриф не заполнен" in err.message("ru")


def test_missing_brief_and_missing_measure_parts():
    err = refused(changed(brief=None))
    assert err.params["fields"] == (
        "why, target, must_not_receive, expected_effect, measure, client_benefit"
    )
    err = refused(changed(brief=brief(measure={"scope": "all"}, client_benefit="")))
    assert err.params["fields"] == "measure.metric, measure.window_days, client_benefit"


@pytest.mark.parametrize("field", ["id", "channel", "holdout"])
def test_required_top_level_fields(field):
    err = refused(changed(**{field: None}))
    assert err.key == "campaign_missing_field" and field in str(err)


@pytest.mark.parametrize("value", ["2026-02-30", "next week", "10.11.2026"])
def test_bad_start_date(value):
    err = refused(changed(start=value))
    assert err.key == "campaign_bad_date"
    assert f"start '{value}'" in str(err)


def test_start_as_text_or_date():
    assert check_campaign(changed(start="2026-11-10")).start == dt.date(2026, 11, 10)
    assert check_campaign(changed(start=dt.date(2026, 11, 10))).start == dt.date(2026, 11, 10)


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, "0.2", True])
def test_holdout_outside_0_1(value):
    err = refused(changed(holdout=value))
    assert err.key == "campaign_bad_holdout" and "holdout" in str(err)


def test_discount_without_promoted_items():
    err = refused(changed(discount=True))
    assert err.key == "campaign_discount_without_promoted"
    err = refused(changed(discount=True, promoted={"skus": [], "lines": []}))
    assert err.key == "campaign_discount_without_promoted"
    assert check_campaign(changed(discount=True, promoted={"lines": ["Cheese"]})).discount


def test_discount_must_be_true_or_false():
    err = refused(changed(discount="yes"))
    assert err.key == "campaign_not_bool" and "discount" in str(err)


@pytest.mark.parametrize(
    ("measure", "key"),
    [
        ({"metric": "clicks", "window_days": 30}, "campaign_bad_metric"),
        ({"metric": "revenue", "window_days": 0}, "campaign_bad_window"),
        ({"metric": "revenue", "window_days": -5}, "campaign_bad_window"),
        ({"metric": "revenue", "window_days": "30"}, "campaign_bad_window"),
        ({"metric": "revenue", "window_days": 7.5}, "campaign_bad_window"),
        ({"metric": "revenue", "window_days": 7, "scope": "some"}, "campaign_bad_scope"),
        (
            {"metric": "revenue", "window_days": 7, "scope": "promoted"},
            "campaign_scope_without_promoted",
        ),
    ],
)
def test_bad_measure(measure, key):
    err = refused(changed(brief=brief(measure=measure)))
    assert err.key == key
    assert "brief.measure" in str(err)


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"dormant_after": -1}, "dormant_after"),
        ({"recent_optout_days": -30}, "recent_optout_days"),
        ({"full_price_days": 1.5}, "full_price_days"),
        ({"global_cap": {"sends": -1}}, "global_cap.sends"),
        ({"global_cap": {"days": -7}}, "global_cap.days"),
    ],
)
def test_negative_limits(limits, field):
    err = refused(changed(limits=limits))
    assert err.key == "campaign_bad_limit"
    assert f"limits.{field}" in str(err)


@pytest.mark.parametrize("share", [0.02, 0.05, 0, 0.6, "5%", None])
@pytest.mark.parametrize("where", ["limits", "top"])
def test_a_file_cannot_set_the_global_control_share(share, where):
    # any value, even the default or none, in limits or at the top level: it is the workspace's
    data = (
        changed(limits={"dormant_after": 3, "global_control_share": share})
        if where == "limits"
        else changed(global_control_share=share)
    )
    if where == "top" and share is None:
        data["global_control_share"] = None  # `changed` drops keys given None
    err = refused(data)
    assert err.key == "campaign_sets_global_control"
    assert str(err) == (
        "c.yaml: global_control_share is a workspace setting, not a campaign's: remove it from "
        "the file (the share for every campaign is set with "
        "`cxray settings set global_control_share 0.05`)"
    )


def test_rule_that_does_not_parse_is_named_with_its_place():
    err = refused(changed(audience=["active", 'segment = "HoReCa"']))
    assert err.key == "rule_single_eq"
    assert str(err) == (
        "c.yaml, audience[2]: rule 'segment = \"HoReCa\"', position 9: '=' is not an operator; "
        "compare with '=='"
    )
    err = refused(changed(exclusions=["region == "]))
    assert str(err).startswith("c.yaml, exclusions[1]: rule 'region =='")


def test_rules_must_be_a_list_of_text():
    err = refused(changed(audience={"segment": "retail"}))
    assert err.key == "campaign_not_list" and "audience" in str(err)
    err = refused(changed(audience=["active", {"segment": "retail"}]))
    assert err.key == "rule_not_text" and "audience[2]" in str(err)
    # a single rule written without a list is accepted
    assert len(check_campaign(changed(audience="active")).audience) == 1


def test_contradictory_rules():
    err = refused(changed(audience=["active"], exclusions=["active"]))
    assert err.key == "campaign_rule_in_both" and "'active'" in str(err)
    err = refused(changed(audience=['segment == "A"', "key", 'not  segment == "A"']))
    assert err.key == "campaign_rules_contradict"
    assert "'segment == \"A\"'" in str(err) and "'not  segment == \"A\"'" in str(err)


def test_brief_texts_must_be_text():
    err = refused(changed(brief=brief(why=["a", "b"])))
    assert err.key == "campaign_not_text" and "brief.why" in str(err)


def test_numbers_are_taken_as_text_for_ids():
    campaign = check_campaign(changed(id=2026, promoted={"skus": [10023, "A-1"]}))
    assert campaign.id == "2026" and campaign.promoted_skus == ("10023", "A-1")


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    # a "billion laughs" file: each line doubles the one before, 2^30 items from 1 KB
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(CxrayError) as err:
        load_campaign(path)
    assert err.value.key == "campaign_not_yaml"
    assert "aliases (*name) are not allowed" in str(err.value)


def test_a_campaign_file_beyond_the_size_limit_is_refused_unread(tmp_path):
    path = write(tmp_path, VALID + "#" + "x" * 1_000_000 + "\n")
    with pytest.raises(CxrayError) as err:
        load_campaign(path)
    assert err.value.key == "campaign_too_large"
    assert err.value.params["limit"] == 1_000_000


def test_an_audience_beyond_the_rule_limit_is_refused_at_once(tmp_path):
    rules = "".join(f'  - segment = "s{i}"\n' for i in range(201))
    text = VALID.replace("audience:\n", "audience:\n" + rules, 1)
    with pytest.raises(CxrayError) as err:
        load_campaign(write(tmp_path, text))
    assert err.value.key == "campaign_too_many_rules"
    # 201 added to the 3 rules of VALID
    assert (err.value.params["n"], err.value.params["limit"]) == (201 + 3, 200)
