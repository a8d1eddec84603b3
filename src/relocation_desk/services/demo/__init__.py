"""The demo project: a realistic project generated in parallel shards.

``generator`` is the entry point; ``plan`` lays out teams and villages; ``people`` and
``structures`` make households; ``records`` makes calculations, notices, agreements and payments;
``shard`` runs one team in a worker process; ``writer`` writes rows in bulk; ``data`` holds names
and places.

May use: domain, storage, ``services.agreements.content``.
"""
