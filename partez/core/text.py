import unicodedata


def normalise(text: str) -> str:
    """Lower case, accents and punctuation spacing removed: « Lefèvre-Noël » → « lefevre-noel ».
    Used for searches that must find « Léa » when a social worker types « lea »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())
