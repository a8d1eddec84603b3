"""Calculations with the one ruler: inputs, versions, checking, recompute, exceptions.

``service`` computes and checks one household (maker-checker); ``inputs`` reads a household's
measured data for the engine; ``store`` writes calculation versions; ``recompute`` runs the whole
project with progress and cancel; ``approvals`` are the exception requests HQ decides;
``fairness`` compares households under the same schedule.

May use: domain, storage, ``services.households``, ``services.agreements.holdouts`` (signing
deadline), shared ``services`` modules.
"""
