import datetime as dt

from partez.imports import dedup

D = dt.date


def household(id, *members, caf="", phone="", email="", address=""):
    return dedup.HouseholdFacts(
        id=id, members=tuple(members), caf_number=caf, phone=phone, email=email, address=address
    )


def m(last, first, born, head=False):
    return dedup.Member(last, first, born, head)


def test_the_strong_key_caf_number_and_head_birth_date():
    [c] = dedup.find(
        [
            household(1, m("dupont", "sylvie", D(1987, 5, 3), True), caf="1234567"),
            household(2, m("martin", "sylvie", D(1987, 5, 3), True), caf="1234567"),
        ]
    )
    assert (c.a, c.b, c.score) == (1, 2, 100) and "n° allocataire" in c.reasons[0]


def test_a_person_in_both_households():
    [c] = dedup.find(
        [
            household(3, m("lefevre", "marc", D(1958, 11, 21), True)),
            household(9, m("lefevre", "marc", D(1958, 11, 21), True), m("lefevre", "anne", D(1960, 1, 1))),
        ]
    )
    assert c.score == 80 and "Marc Lefevre (21/11/1958)" in c.reasons[0]


def test_a_maiden_name_with_a_shared_address():
    [c] = dedup.find(
        [
            household(1, m("courtois", "genevieve", D(1982, 7, 22), True), address="11 rue thibault"),
            household(2, m("briand", "genevieve", D(1982, 7, 22), True), address="11 rue thibault"),
        ]
    )
    assert c.score == 70 and "sous deux noms" in c.reasons[0]


def test_a_couple_sharing_one_phone_and_email_is_not_flagged():
    assert (
        dedup.find(
            [
                household(
                    1, m("roux", "julie", D(1990, 1, 1), True), phone="+33600000001", email="roux@example.org"
                ),
                household(
                    2, m("roux", "karim", D(1988, 3, 4), True), phone="+33600000001", email="roux@example.org"
                ),
            ]
        )
        == []
    )


def test_phone_and_first_name_with_the_birth_date():
    [c] = dedup.find(
        [
            household(1, m("petit", "nadia", D(1992, 12, 12), True), phone="+33600000002"),
            household(2, m("petit-benali", "nadia", D(1992, 12, 12), True), phone="+33600000002"),
        ]
    )
    assert c.score == 60 and "même téléphone" in c.reasons[0]


def test_only_pairs_with_the_households_asked_and_crowded_keys_ignored():
    many = [household(i, m("x", "alix", D(2000, 1, 1), True), caf="0") for i in range(1, 5)]
    assert {(c.a, c.b) for c in dedup.find(many, among={4})} == {(1, 4), (2, 4), (3, 4)}
    crowd = [
        household(i, m(f"n{i}", "alix", D(2000, 1, 1), True), phone="+33300000000")
        for i in range(dedup.MAX_BLOCK + 5)
    ]
    assert dedup.find(crowd) == []
