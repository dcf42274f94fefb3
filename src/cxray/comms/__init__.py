"""Communications that keep promises: campaign files, audience rules, plans, holdouts, measurement.

CAMPAIGN_FORMAT_PLACEHOLDER -- the shared campaign file format, implemented by campaign.py:

## The campaign file (YAML) -- shared format
```yaml
id: cheese-promo-2026-11          # required; campaign_id in the sends table
name: Cheese for retail chains    # optional
channel: email                    # required: email, sms, phone, messenger, ... (matches consents.channel / sends.channel)
start: 2026-11-10                 # send date; the measurement window starts the day after
brief:                            # all six required, non-empty
  why: "..."                      # why this campaign
  target: "..."                   # to whom, in words
  must_not_receive: "..."         # who must not get it, in words
  expected_effect: "..."          # effect expected, positive and negative
  measure:                        # how it is measured
    metric: conversion            # conversion (share of customers who buy) or revenue (per customer)
    window_days: 30               # measurement window after start
    scope: promoted               # promoted (only the promoted SKUs/lines count) or all (any purchase); default all
  client_benefit: "..."           # does the client need it: what the client gets
promoted:                         # optional; required when discount is true
  skus: [SKU-001, SKU-002]
  lines: ["Сыры"]
discount: true                    # a discount campaign: excludes recent full-price buyers of the promoted items
audience:                         # rules, ANDed, in the rule language (see rules.py docs)
  - segment in ["Розничные сети", "HoReCa"]
  - active
  - not bought line "Сыры" within 90 days
exclusions:                       # optional extra exclusions, same language: a customer matching any is removed
  - region == "Москва"
holdout: 0.2                      # share of the final audience kept as control (0 < h < 1)
limits:                           # optional; defaults shown
  global_cap: {sends: 4, days: 30}       # at most this many sends to a customer on any channel in the last N days (counting this one)
  recent_optout_days: 180                # unsubscribed or complained within N days -> excluded
  dormant_after: 5                       # the last K sends to the customer were not opened -> dormant, excluded
  full_price_days: 30                    # discount campaigns: bought a promoted SKU/line at full price (discount null or 0) within N days -> excluded
  global_control_share: 0.05             # persistent global control group share (hash of customer id), kept out of every campaign
```
"""
