"""Exchange between team laptops and HQ, which never share a network: ``.rdpkg`` packages.

``container`` is the file format (entries, manifest, Ed25519 signature, optional password
encryption with AES-GCM and scrypt) and reads any file given to it defensively; ``keys`` makes
and names the signing keys.

May use: ``services.errors``; the cryptography library.
"""
