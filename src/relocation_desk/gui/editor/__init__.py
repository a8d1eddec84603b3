"""The household editor window: members, buildings, attachments, files, validation.

``window`` is the editor; ``basic``/``tables``/``cells`` its fields and tables; ``problems`` the
problems list; ``saving`` and ``drafts`` save and autosave; ``files`` photos and documents;
``actions`` lets feature packages add buttons to the editor (``gui.features``).

May use: ``services.households``, shared ``gui`` modules.
"""
