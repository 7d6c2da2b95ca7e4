"""Payment references: the Estonian 7-3-1 reference number and the RF creditor reference.

An Estonian reference number (viitenumber) is 2 to 20 digits: a base of 1 to 19 digits and
one check digit. The base digits are multiplied, from the right, by the weights 7, 3, 1,
7, 3, 1, ...; the check digit is what the sum lacks to the next multiple of ten (0 when it is
one already). ``1234561``: 6·7 + 5·3 + 4·1 + 3·7 + 2·3 + 1·1 = 89, so the check digit is 1.

The RF creditor reference (ISO 11649) is ``RF``, two check digits (ISO 7064 MOD 97-10) and up
to 21 letters or digits; ``stdnum.iso11649`` validates it. HostLedger builds a client's RF
reference on the same digits as the client's reference number, so both name one client.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

_WEIGHTS = (7, 3, 1)
REFERENCE_NUMBER_MIN_DIGITS = 2
REFERENCE_NUMBER_MAX_DIGITS = 20

_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9][0-9 ]{0,30}[0-9](?![0-9])")
_RF_CANDIDATE = re.compile(r"(?<![A-Z0-9])RF[0-9]{2}(?: ?[A-Z0-9]){1,21}(?![A-Z0-9])")


def reference_check_digit(base: str) -> int:
    """The 7-3-1 check digit of ``base`` (a string of digits)."""
    if not base.isdigit() or not base.isascii():
        raise ValueError(f"A reference number base is digits only, not {base!r}.")
    total = sum(
        int(digit) * _WEIGHTS[position % 3] for position, digit in enumerate(reversed(base))
    )
    return (10 - total % 10) % 10


def reference_number_from_base(base: str) -> str:
    """``base`` followed by its 7-3-1 check digit."""
    number = base + str(reference_check_digit(base))
    if not REFERENCE_NUMBER_MIN_DIGITS <= len(number) <= REFERENCE_NUMBER_MAX_DIGITS:
        raise ValueError(
            f"An Estonian reference number has {REFERENCE_NUMBER_MIN_DIGITS} to "
            f"{REFERENCE_NUMBER_MAX_DIGITS} digits; {number!r} has {len(number)}."
        )
    return number


def compact_reference_number(value: str) -> str:
    """``value`` without spaces (banks print long reference numbers in groups)."""
    return "".join(str(value).split())


def is_valid_reference_number(value: str) -> bool:
    """Whether ``value`` is an Estonian reference number with a correct 7-3-1 check digit."""
    number = compact_reference_number(value)
    if not (number.isascii() and number.isdigit()):
        return False
    if not REFERENCE_NUMBER_MIN_DIGITS <= len(number) <= REFERENCE_NUMBER_MAX_DIGITS:
        return False
    return reference_check_digit(number[:-1]) == int(number[-1])


def creditor_reference_from_base(base: str) -> str:
    """The ISO 11649 RF creditor reference whose body is ``base`` (letters or digits)."""
    body = iso11649.compact(base)
    check = mod_97_10.calc_check_digits(body + "RF")
    return iso11649.validate("RF" + check + body)


def is_valid_creditor_reference(value: str) -> bool:
    """Whether ``value`` is a valid ISO 11649 RF creditor reference (spaces allowed)."""
    return iso11649.is_valid(str(value))


def compact_creditor_reference(value: str) -> str:
    """``value`` upper-cased without spaces, as stored; raises ValueError when invalid."""
    try:
        return iso11649.validate(str(value))
    except ValidationError as error:
        raise ValueError(f"{value!r} is not an RF creditor reference: {error}") from None


def references_in_text(text: str) -> list[str]:
    """Every valid reference number and RF creditor reference found in free text, in order.

    Used on the unstructured remittance information of a bank transfer, where payers type
    "arve 1234561", "viitenumber 1234 561" or "RF18 5390 0754 7034". Digit groups separated
    by spaces are read both ways: as one number when together they make a valid one, and each
    valid group on its own. "1009 1012" is two valid numbers and, joined, a third; all three
    are returned, so a line whose readings name more than one client goes to review instead
    of being credited by a guess.
    """
    found: list[str] = []
    upper = (text or "").upper()
    for match in _RF_CANDIDATE.finditer(upper):
        candidate = match.group(0).replace(" ", "")
        if is_valid_creditor_reference(candidate) and candidate not in found:
            found.append(candidate)
    without_rf = _RF_CANDIDATE.sub(" ", upper)
    for match in _DIGIT_RUN.finditer(without_rf):
        run = match.group(0)
        joined = run.replace(" ", "")
        groups = run.split()
        candidates = [joined] if is_valid_reference_number(joined) else []
        if len(groups) > 1:
            candidates += [group for group in groups if is_valid_reference_number(group)]
        found.extend(candidate for candidate in candidates if candidate not in found)
    return found
