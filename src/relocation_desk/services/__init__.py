"""services layer.

Importing it installs the audit chain's ORM hook (``services.audit``): every audit row any
use case writes is chained.
"""

from . import audit as audit
