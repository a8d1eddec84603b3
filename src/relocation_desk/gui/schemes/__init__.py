"""The rate-schedule editor: drafts, items, parameters, versions and the impact preview.

May use: ``services.schemes``, ``services.calculation``, shared ``gui`` modules.
"""
