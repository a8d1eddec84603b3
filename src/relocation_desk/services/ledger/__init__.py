"""Excel ledgers (台账): import with a dry run and a row report, and the full export.

``detect`` finds sheets and headers; ``values`` reads cells; ``rows`` turns rows into household
plans; ``resolve`` matches villages and groups; ``analysis`` holds what reading found;
``importer`` is the use case (all or nothing); ``write`` writes the plan in bulk; ``reimport``
finds the households a corrected ledger already has in the project and updates them; ``past``
writes what the ledger says already happened (signed agreements, payments, milestones) as
records marked as imported history; ``export`` is the full-ledger read model.

May use: domain, storage, ``services.households`` (register columns), ``services.bulk_writer``,
``services.audit`` (seals), ``services.agreements`` (agreement numbers), ``services.settings``.
"""
