"""Rate schedules (补偿方案): drafts, publishing, files and the impact preview.

``service`` is the use case (published versions are immutable); ``content`` turns edited drafts
into scheme content; ``files`` reads and writes the JSON file format.

May use: domain, storage, ``services.calculation`` (the preview computes with the engine).
"""
