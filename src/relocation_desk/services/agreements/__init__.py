"""Agreements (协议): drafting, printing, signing and supplementary agreements.

``service`` drafts, prints, signs and opens supplementary agreements; ``content`` fills the
agreement template; ``facts`` gathers what an agreement states (amounts, reward status).

May use: domain, storage, ``services.households``, ``services.calculation``,
``services.notices`` (a figure must be posted before signing), ``services.settings``.
"""
