"""The Excel ledger import wizard and the full-ledger export.

May use: ``services.ledger``, shared ``gui`` modules.
"""
