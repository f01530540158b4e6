"""Invitation codes: made, normalised and displayed (pure: no ORM)."""

from __future__ import annotations

import secrets

from partez.core.codes import ALPHABET

CODE_LENGTH = 10  # 31^10 ≈ 8·10^14 codes: not guessable, short enough to type


def normalise_code(raw: str) -> str:
    """What a person types or a scanner sends → the stored code (upper case, no separators)."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_code(rng=None) -> str:
    choice = rng.choice if rng is not None else secrets.choice
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """« ABCDE-FGHJK »: read aloud and typed in two halves."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code
