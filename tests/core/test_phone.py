"""French phone numbers (partez.core.phone): read as typed, stored E.164, shown the French way."""

import pytest

from partez.core import phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033 3 21 00 00 00", "+33321000000"),
        ("612345678", "+33612345678"),  # a spreadsheet dropped the 0
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion
        ("", ""),
    ],
)
def test_numbers_are_stored_in_e164(typed, stored):
    assert phone.to_e164(typed) == stored


@pytest.mark.parametrize(
    "typed", ["pas un numéro", "0612", "06 12 34 56 789", "12345678901", "+44 20 7946 0958", "00 12 34 56 78"]
)
def test_what_is_not_a_phone_number_is_refused_in_french(typed):
    with pytest.raises(ValueError, match="Numéro de téléphone invalide"):
        phone.to_e164(typed)


def test_display_is_french_for_french_numbers():
    assert phone.display("+33612345678") == "06 12 34 56 78"
    assert phone.display("+262692123456") == "+262 692 12 34 56"
    assert phone.display("ancien format") == "ancien format"  # stored before validation existed
