"""French phone numbers: read as a social worker types them (« 06 12 34 56 78 », « +33 6… »,
« 0033… », « 612345678 » when a spreadsheet dropped the 0), validated, stored in E.164
(« +33612345678 ») and shown the French way. French means metropolitan France and the overseas
departments and collectivities (+262, +590…); a number of another country is refused."""

from __future__ import annotations

import phonenumbers

REGION = "FR"
FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"})
INVALID = "Numéro de téléphone invalide : 10 chiffres attendus, comme 06 12 34 56 78."


def to_e164(text: str) -> str:
    """The number in E.164, or ``""`` for an empty one; ``ValueError`` (French message) when it
    is not a valid phone number."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(INVALID) from exc
    if not _acceptable(number):
        raise ValueError(INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    """A valid number anywhere, or a French one of the right length: the library's list of
    allocated ranges lags behind the operators', and a family's real number must not be refused."""
    if phonenumbers.is_valid_number(number):
        return phonenumbers.region_code_for_number(number) in FRENCH_REGIONS
    metropolitan = number.country_code == phonenumbers.country_code_for_region(REGION)
    return metropolitan and phonenumbers.is_possible_number(number) and len(str(number.national_number)) == 9


def is_valid(text: str) -> bool:
    try:
        to_e164(text)
    except ValueError:
        return False
    return True


def display(e164: str) -> str:
    """« 06 12 34 56 78 » for a French number, the international form for another one; a value
    stored before validation existed is shown as it was typed."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    if not _acceptable(number):
        return e164
    national = number.country_code == phonenumbers.country_code_for_region(REGION)
    form = (
        phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, form)
