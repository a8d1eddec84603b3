"""Identities and sign-in: who is at the keyboard.

``service`` holds the use cases: sign in (with the lock after repeated wrong passwords), change
one's own password, an administrator's reset (changed at the next sign-in), the first
administrator of a new project, and the idle-lock setting. ``audit`` is the one place these
use cases write their audit rows. Hashing and the password rules are in ``domain.passwords``.

May use: domain, storage, ``services.errors``, ``services.settings`` and
``services.households.service`` (``OperatorRef``, ``project_id_of``).
"""
