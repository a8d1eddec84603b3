"""Agreements (协议) and compensation decisions (补偿决定) for holdouts.

``service`` drafts, prints, signs and opens supplementary agreements; ``content`` fills the
agreement template; ``facts`` gathers what an agreement states; ``holdouts`` records decisions
and reads the signing deadline.

May use: domain, storage, ``services.households``, ``services.calculation``,
``services.notices`` (a figure must be posted before signing).
"""
