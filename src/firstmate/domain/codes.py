"""Short, unguessable codes in Crockford base32 (guest pages), read case-insensitively."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 10 symbols x 5 bits = 50 random bits: guessing one live code takes ~10^14 tries.
CODE_LENGTH = 10
_READ_AS = {"I": "1", "L": "1", "O": "0"}


def encode_code(random_bytes: bytes, length: int = CODE_LENGTH) -> str:
    """A code of `length` symbols from at least length*5 bits of `random_bytes`."""
    if len(random_bytes) * 8 < length * 5:
        raise ValueError(f"{length} symbols need {length * 5} random bits")
    number = int.from_bytes(random_bytes, "big")
    symbols = []
    for _ in range(length):
        number, index = divmod(number, 32)
        symbols.append(ALPHABET[index])
    return "".join(symbols)


def normalize_code(text: str) -> str | None:
    """The canonical form of a typed code (any case, hyphens and spaces ignored, I/L→1, O→0),
    or None if it cannot be a code."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    cleaned = "".join(_READ_AS.get(c, c) for c in cleaned)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def pretty_code(code: str) -> str:
    """The code as people read it aloud: two groups of five."""
    return f"{code[:5]}-{code[5:]}"
