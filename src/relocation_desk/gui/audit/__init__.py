"""The audit log in the GUI: the read-only viewer (报表 → 审计日志) and the quick integrity
check run when a database is opened, which warns once when something does not hold.

Uses the services (``services.audit``, ``services.integrity``) and the gui package's shared
modules; no other GUI feature.
"""
