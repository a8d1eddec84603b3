"""Exchange between team laptops and HQ, which never share a network: ``.rdpkg`` packages.

``container`` is the file format (entries, manifest, Ed25519 signature, optional password
encryption with AES-GCM and scrypt) and reads any file given to it defensively; ``keys`` makes
and names the signing keys. HQ → team: ``join`` (the join package and the laptop made from
it), ``hq_records`` (what HQ owns, read at HQ and applied on a laptop), ``hq_export`` and
``team_import`` (HQ's later packages), ``id_hashes`` (keyed hashes of other teams' ID numbers
and the editor's warning), ``rows`` (table rows as JSON values); ``demo_split`` makes the demo
as HQ and its laptops (``demo --laptops``). Team → HQ: ``bundle`` (a household and all its
records as JSON values, their hash, read and written in bulk), ``team_export`` (the laptop's
package since HQ's acknowledgement), ``hq_import`` (checks: project, kind, sequence, the
team's audit chain) and ``hq_merge`` (the merge and its conflicts).

May use: storage, domain, ``services.errors``, ``access``, ``clock``, ``audit`` and the
service features below it in the layer order (``demo`` for the split demo); the cryptography
library.
"""
