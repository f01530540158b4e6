"""French text shared by every app: search normalisation, month names."""

import unicodedata

# The one list of French month names (dates in letters, PDFs, the schemes' period phrases).
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def normalise(text: str) -> str:
    """Lower case, accents and punctuation spacing removed: « Lefèvre-Noël » → « lefevre-noel ».
    Used for searches that must find « Léa » when a social worker types « lea »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())
