"""Payments, deposits and reversals, the milestones that follow them, and compensation
decisions (补偿决定) for holdouts, whose deposits are paid here too.

``service`` records payments and milestones; ``balance`` says what is owed; ``rules`` are the
checks a payment must pass; ``holdouts`` lists the households past the signing deadline and
records decisions; ``register`` is the payment register's read model.

May use: domain, storage, ``services.households``, ``services.settings``.
"""
