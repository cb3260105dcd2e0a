"""Old home of the numbering-plan tables; see :mod:`fraudnum.numbers.plan`.

Kept as a re-export for one release. The CSV reader and its errors live in
``fraudnum._tables``, reason texts in :mod:`fraudnum.texts`, list files in
:mod:`fraudnum.numbers.lists`.
"""

from fraudnum._tables import TableError, data_version, read_user_file
from fraudnum.numbers.lists import load_number_list
from fraudnum.numbers.plan import (
    MAX_NUMBER_LEN,
    PREFIX_COLUMNS,
    Carrier,
    PrefixRule,
    builtin_carriers,
    builtin_dial_prefixes,
    builtin_hidden_markers,
    builtin_rules,
    load_rules,
    parse_rules,
)
from fraudnum.texts import ReasonText, builtin_reasons

__all__ = [
    "MAX_NUMBER_LEN",
    "PREFIX_COLUMNS",
    "Carrier",
    "PrefixRule",
    "ReasonText",
    "TableError",
    "builtin_carriers",
    "builtin_dial_prefixes",
    "builtin_hidden_markers",
    "builtin_reasons",
    "builtin_rules",
    "data_version",
    "load_number_list",
    "load_rules",
    "parse_rules",
    "read_user_file",
]
__moved_to__ = "fraudnum.numbers.plan"
