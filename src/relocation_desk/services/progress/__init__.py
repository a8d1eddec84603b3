"""Progress: the facts behind the dashboard and the frozen daily report.

``facts`` reads dated facts per household; ``service`` counts them per team and person as of a
cut-off; ``daily_report`` freezes and reprints a day's report.

May use: domain, storage, ``services.households``.
"""
