"""Wall notices (公示): rounds posted per village, objections, verification.

``service`` posts, reprints and verifies rounds; ``rows`` builds the frozen public rows;
``records`` holds the posted sheet's photos and the objections.

May use: domain, storage, ``services.households``, shared ``services`` modules.
"""
