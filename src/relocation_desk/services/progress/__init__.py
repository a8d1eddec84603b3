"""Progress: the facts behind the dashboard and the frozen daily report.

``facts`` reads dated facts per household; ``service`` counts them per team and person as of a
cut-off; ``daily_report`` freezes and reprints a day's report; ``freshness`` says, at HQ, how
old each team's merged data is (from the exchange counters; nothing on a laptop).

May use: domain, storage, ``services.households``, ``services.clock``.
"""
