"""Households: registering, editing and searching them.

``service`` is the use case the editor and importers call (one transaction per save, audit rows
of the changed fields, optimistic locking); ``values``/``store``/``write``/``lock``/``history``/
``files``/``choices`` are its parts; ``register`` and ``register_index`` answer the register
window's filters and sorts; ``drafts`` keeps unsaved editor state.

May use: domain, storage, ``services.errors``, ``services.stored_files``. Other features use
``service`` (``HouseholdService``, ``OperatorRef``, ``household_by_code``) and ``choices``.
"""
