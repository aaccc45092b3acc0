"""The label's clinical rules (BESPONSA US Prescribing Information, 3/2024) as pure, typed Python.

No Django and no web app is imported here: the web layer, the API and the CLI call into this package.
Entry point for callers: `execute(operation, payload)` (see `operations`); the label tables for pages
live in `regimen`, `modifications`, `product`, `grading` and `interpretations`.
"""

from besponsa.clinical.errors import InvalidInput, UnknownOperation
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

__all__ = ["EXAMPLES", "OPERATION_NAMES", "InvalidInput", "UnknownOperation", "execute"]
