"""Wall-notice screens: post or reprint a round, verify a code, photos and objections.

May use: ``services.notices``, ``services.households``, ``gui.printing``, shared ``gui`` modules.
"""
