"""Setting up an org from its file: the business profile and its people, checked whole, then saved.

`check_org` lists every problem of the file at once (where, and what to fix); `import_org` saves what
changed, and names what the store holds that the file no longer does (kept: bookings, trips and
sign-ins name them; a person leaves the crew with `active = false`).

- `setup`: `OrgSetup`, an org file checked, and `org_tables`, a stored org as the file's tables.
- `checking`: `check_org`, every problem of the file at once.
- `tables`: each table read as its model, its problems where they are and in the file's words.
- `importing`: `import_org` and what it did (`OrgImport`).
- `limits`: `over_new_limits`, bookings over a passenger limit the import sets or lowers.
"""

from firstmate.services.org_setup.checking import SECTIONS, STANDARD_KINDS, check_org
from firstmate.services.org_setup.importing import OrgImport, import_org
from firstmate.services.org_setup.limits import LIMIT_HORIZON, over_new_limits
from firstmate.services.org_setup.setup import OrgSetup, org_tables

__all__ = [
    "LIMIT_HORIZON",
    "SECTIONS",
    "STANDARD_KINDS",
    "OrgImport",
    "OrgSetup",
    "check_org",
    "import_org",
    "org_tables",
    "over_new_limits",
]
