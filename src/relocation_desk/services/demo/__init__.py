"""The demo project: a realistic project generated in parallel shards.

``generator`` is the entry point; ``plan`` lays out teams and villages; ``people`` and
``structures`` make households; ``records`` makes calculations, notices, agreements and payments;
``shard`` runs one team in a worker process; ``data`` holds names and places. Rows are written
in bulk with ``services.bulk_writer``.

May use: domain, storage, every service feature below it (to make records the way they do),
``services.bulk_writer``.
"""
