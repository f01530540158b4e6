"""French grammar for generated text, pure (no Django): elision and contraction of « de »,
agreement of a participle with the noun it qualifies, and the alphabetical order of names.

- ``de("Lens")`` → « de Lens », ``de("Avion")`` → « d'Avion », ``de("Le Portel")`` →
  « du Portel », ``de("Les Attaques")`` → « des Attaques »;
- ``de("Aide aux vacances de la CAF")`` → « de l'aide aux vacances de la CAF » (a common noun
  takes its article: ``NOUNS`` says which and its gender);
- ``agree("manquant", "Avis d'imposition")`` → « manquant », ``agree("manquant", "Pièce
  d'identité")`` → « manquante »;
- ``sort_key("Éleu-dit-Leauwette")`` sorts Éleu among the E's, whatever the database's
  collation (``core.collation.french_order`` is the same key as a database expression).
"""

from __future__ import annotations

import unicodedata

VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœæ")
# Communes whose « h » is mute (« d'Hénin-Beaumont »); every other « h » of the territory is
# aspirated (« de Harnes », « de Houdain »), so « de » stays whole before it.
MUTE_H = frozenset({"hénin-beaumont", "hénin"})

# Common nouns that open generated labels (schemes, documents, places), with their gender: a
# name starting with one takes the definite article after « de » (« de l'aide », « du séjour »).
NOUNS: dict[str, str] = {
    "aide": "f",
    "allocation": "f",
    "attestation": "f",
    "avis": "m",
    "bourse": "f",
    "bulletin": "m",
    "carte": "f",
    "certificat": "m",
    "chèque": "m",
    "contrat": "m",
    "copie": "f",
    "courrier": "m",
    "devis": "m",
    "document": "m",
    "dossier": "m",
    "facture": "f",
    "formulaire": "m",
    "gare": "f",
    "justificatif": "m",
    "lettre": "f",
    "livret": "m",
    "notification": "f",
    "photo": "f",
    "pièce": "f",
    "place": "f",
    "quittance": "f",
    "relevé": "m",
    "rib": "m",
    "salle": "f",
    "séjour": "m",
    "stand": "m",
}

ARTICLES = {"le": "du", "les": "des"}  # « de le » and « de les » contract; « de la », « de l' » do not


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0].lower().strip(",.;:") if text.split() else ""


def starts_with_vowel_sound(word: str) -> bool:
    """Whether ``word`` elides the word before it (« d'Avion », « l'aide »)."""
    lower = word.lower()
    if not lower:
        return False
    if lower[0] in VOWELS:
        return True
    return lower[0] == "h" and any(lower.startswith(h) for h in MUTE_H)


def de(name: str) -> str:
    """« de » before ``name``, elided or contracted as French wants it."""
    name = " ".join((name or "").split())
    if not name:
        return "de"
    words = name.split(" ", 1)
    head = words[0].lower()
    rest = words[1] if len(words) > 1 else ""
    if head in ARTICLES and rest:  # « Le Portel » → « du Portel »
        return f"{ARTICLES[head]} {rest}"
    if head == "la" and rest:  # « de La Couture » (the article is part of the name), « de la gare »
        return f"de {words[0]} {rest}"
    if head.startswith(("l'", "l’")):
        return f"de {name}"
    noun = head.strip(",.;:")
    if noun in NOUNS:
        # a brand-like title keeps its capitals (« la Bourse Solidarité Vacances »), a phrase
        # does not (« l'aide aux vacances de la CAF »)
        second = rest.split(" ", 1)[0] if rest else ""
        phrase = name[0].lower() + name[1:] if not second[:1].isupper() else name
        if starts_with_vowel_sound(noun):
            return f"de l'{phrase}"
        return f"du {phrase}" if NOUNS[noun] == "m" else f"de la {phrase}"
    if starts_with_vowel_sound(name):
        return f"d'{name}"
    return f"de {name}"


def gender(noun_phrase: str) -> str:
    """« m » or « f », read from the phrase's first noun (feminine when it is not known: the
    documents and places of the operation are mostly « pièces », « attestations »)."""
    return NOUNS.get(_first_word(noun_phrase), "f")


def agree(adjective: str, noun_phrase: str) -> str:
    """The masculine ``adjective`` (a participle: « manquant », « reçu ») agreed with the phrase's
    gender. Plurals are not handled: the labels it is used on are singular."""
    if gender(noun_phrase) == "m" or adjective.endswith("e"):
        return adjective
    return adjective + "e"


# The accented letters of French and the plain letter each sorts as (ligatures spelled out).
FOLDS: dict[str, str] = {
    **dict.fromkeys("àâä", "a"),
    **dict.fromkeys("éèêë", "e"),
    **dict.fromkeys("îï", "i"),
    **dict.fromkeys("ôö", "o"),
    **dict.fromkeys("ùûü", "u"),
    "ÿ": "y",
    "ç": "c",
    "œ": "oe",
    "æ": "ae",
}
# Hyphens, apostrophes and spaces sort as one space: « Saint-Pol » and « Saint Pol » agree, and
# the database's collation (which may skip punctuation) has nothing left to decide.
SEPARATORS = "-'’"


def sort_key(name: str) -> str:
    """The key that sorts names in French dictionary order: accents folded, case ignored,
    hyphens and apostrophes read as spaces (« Éleu-dit-Leauwette » among the E's)."""
    text = unicodedata.normalize("NFC", name or "").lower()
    text = "".join(FOLDS.get(c, c) for c in text)
    for sep in SEPARATORS:
        text = text.replace(sep, " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
