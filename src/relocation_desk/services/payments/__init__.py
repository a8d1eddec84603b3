"""Payments, deposits and reversals, and the milestones that follow them.

``service`` records payments and milestones; ``balance`` says what is owed; ``rules`` are the
checks a payment must pass; ``register`` is the payment register's read model.

May use: domain, storage, ``services.households``, ``services.agreements``.
"""
