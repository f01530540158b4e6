import secrets

# No 0/O, 1/I/L: references are read aloud on the phone and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str, length: int = 6, rng=None) -> str:
    choice = rng.choice if rng is not None else secrets.choice
    return f"{prefix}-" + "".join(choice(ALPHABET) for _ in range(length))
