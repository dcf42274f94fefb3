"""Communications that keep promises: campaign files, audience rules, plans, holdouts, measurement.

The campaign file format is documented in ``docs/campaign-format.md`` and implemented by
:mod:`cxray.comms.campaign`; the audience rule language by :mod:`cxray.comms.rules`.
"""
