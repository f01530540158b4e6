"""French grammar of generated text (partez.core.french, pure) and the French order of names in
the database (partez.core.collation), on SQLite and PostgreSQL alike."""

import pytest

from partez.core import french
from partez.core.collation import french_order
from partez.territory.models import Commune
from tests import factories


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lens", "de Lens"),
        ("Avion", "d'Avion"),
        ("Aix-Noulette", "d'Aix-Noulette"),
        ("Éleu-dit-Leauwette", "d'Éleu-dit-Leauwette"),
        ("Hénin-Beaumont", "d'Hénin-Beaumont"),  # mute h
        ("Harnes", "de Harnes"),  # aspirated h
        ("Le Portel", "du Portel"),
        ("Les Attaques", "des Attaques"),
        ("La Couture", "de La Couture"),
        ("Aide aux vacances de la CAF", "de l'aide aux vacances de la CAF"),
        ("Séjour individuel", "du séjour individuel"),
        ("Bourse Solidarité Vacances", "de la Bourse Solidarité Vacances"),
        ("", "de"),
    ],
)
def test_de_elides_and_contracts(name, expected):
    assert french.de(name) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Avis d'imposition", "manquant"),
        ("Justificatif de domicile", "manquant"),
        ("Pièce d'identité", "manquante"),
        ("Attestation CAF", "manquante"),
    ],
)
def test_agree_follows_the_first_noun(label, expected):
    assert french.agree("manquant", label) == expected


def test_sort_key_puts_eleu_among_the_e():
    names = ["Lens", "Éleu-dit-Leauwette", "Estevelles", "Avion", "Evin-Malmaison", "Écourt-Saint-Quentin"]
    assert sorted(names, key=french.sort_key) == [
        "Avion",
        "Écourt-Saint-Quentin",
        "Éleu-dit-Leauwette",
        "Estevelles",
        "Evin-Malmaison",
        "Lens",
    ]


@pytest.mark.django_db
def test_the_database_orders_communes_like_sort_key():
    names = ["Éleu-dit-Leauwette", "Zutkerque", "Estevelles", "Avion", "Œuf-en-Ternois", "Drocourt"]
    for i, name in enumerate(names):
        factories.CommuneFactory(name=name, insee_code=f"9{i:04d}")
    ordered = list(
        Commune.objects.filter(insee_code__startswith="9")
        .order_by(french_order("name"))
        .values_list("name", flat=True)
    )
    assert ordered == sorted(names, key=french.sort_key)
    assert ordered.index("Éleu-dit-Leauwette") < ordered.index("Estevelles") < ordered.index("Zutkerque")
