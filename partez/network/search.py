"""The words of a text as the library's search reads them: lower case, no accents, one space.
Pure: the same folding is applied to a resource's text when it is saved and to the query."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """« Été à Berck-sur-Mer ! » → « ete a berck sur mer »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", bare).strip()


def words(query: str, limit: int = 8) -> list[str]:
    """The query's distinct words (at most ``limit``), in their order."""
    seen: list[str] = []
    for word in fold(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:limit]
