"""Every SPEC rule HostLedger claims to enforce has at least one test that carries its id.

A rule id is carried by a test function's name (``..._ACC_08``) or its docstring
(``ACC-08``). The list grows with each capability that lands, and holds only rules that are
fully built.
"""

import ast
import re
from pathlib import Path

ENFORCED_RULES = [
    "ABU-01",
    "ABU-02",
    "ABU-03",
    "ACC-01",
    "ACC-02",
    "ACC-03",
    "ACC-04",
    "ACC-05",
    "ACC-06",
    "ACC-07",
    "ACC-08",
    "ACC-09",
    "ACC-10",
    "ACC-11",
    "ACC-12",
    "BIL-01",
    "BIL-02",
    "BIL-03",
    "BIL-04",
    "BIL-05",
    "BIL-06",
    "BIL-08",
    "BIL-09",
    "BIL-10",
    "CAT-01",
    "CAT-02",
    "CAT-03",
    "CAT-04",
    "CAT-05",
    "CAT-06",
    "DOC-01",
    "DOC-02",
    "DOC-03",
    "DOM-01",
    "DOM-02",
    "DOM-03",
    "DOM-04",
    "ORD-01",
    "ORD-02",
    "ORD-03",
    "ORD-04",
    "ORD-05",
    "ORD-06",
    "ORD-07",
    "ORD-08",
    "PRV-01",
    "PRV-02",
    "AUT-01",
    "AUT-02",
    "AUT-03",
    "AUT-04",
    "AUT-05",
    "AUT-06",
    "BIL-07",
    "NTF-01",
    "NTF-02",
    "NTF-03",
    "SUP-01",
    "SUP-02",
    "SUP-03",
    "SUP-04",
    "SUP-05",
    "SUP-06",
    "SUP-07",
    "GDPR-01",
    "GDPR-02",
    "GDPR-03",
    "GDPR-04",
    "GDPR-05",
    "GDPR-06",
    "GDPR-07",
    "GDPR-08",
    "GDPR-09",
    "GDPR-10",
    "GDPR-11",
    "GDPR-12",
    "GDPR-13",
    "GDPR-14",
]

TESTS_ROOT = Path(__file__).parent


def _rule_ids_carried_by_tests() -> set[str]:
    carried: set[str] = set()
    pattern = re.compile(r"(?<![A-Za-z])([A-Z]{3,4})[-_](\d{2})(?!\d)")
    for path in TESTS_ROOT.rglob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                text = node.name + " " + (ast.get_docstring(node) or "")
                carried.update(f"{area}-{number}" for area, number in pattern.findall(text))
    return carried


def test_every_enforced_rule_has_a_test_carrying_its_id():
    missing = sorted(set(ENFORCED_RULES) - _rule_ids_carried_by_tests())
    assert missing == [], f"rules without a test carrying their id: {missing}"
