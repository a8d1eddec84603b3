"""Sign-in in the desktop application: who is at the keyboard, and the window's idle lock.

``sign_in``: the sign-in dialog (login and password; the forced new password after an
administrator's reset; the unlock of an idle-locked window). ``passwords``: the dialogs to
change one's own password, to reset another operator's (administrator) and to create the
first administrator of a project. ``idle_lock``: covers every window after the project's
``idle_lock_minutes`` without input, keeping every editor's unsaved state, until the same
operator signs in again. ``flow``: signing in when a database is opened. ``feature``: the
menu actions.

May use: the domain, ``services.auth``, ``services.households.service`` (operators),
``gui.access``, ``gui.background`` and ``gui.dialogs``. No other GUI feature package.
"""
