"""A small ESC/POS tokenizer for tests: bytes → readable tokens.

Only the commands the kiosk sends are known; anything else raises, so a test notices when
the printer gets a command nobody meant to send.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    name: str  # "ESC @", "FS C", "TEXT", "LF", "GS ( k", "GS v 0", "GS V", …
    args: tuple[int, ...] = ()
    data: bytes = b""

    def __str__(self) -> str:
        if self.name == "TEXT":
            return f"TEXT {self.data.decode('cp932')}"
        parts = [self.name, *(str(a) for a in self.args)]
        if self.data:
            parts.append(self.data.hex() if self.name == "GS v 0" else repr(self.data))
        return " ".join(parts)


# command prefix → number of one-byte arguments
_FIXED: dict[bytes, tuple[str, int]] = {
    b"\x1b@": ("ESC @", 0),
    b"\x1bt": ("ESC t", 1),
    b"\x1bR": ("ESC R", 1),
    b"\x1b!": ("ESC !", 1),
    b"\x1bE": ("ESC E", 1),
    b"\x1ba": ("ESC a", 1),
    b"\x1bd": ("ESC d", 1),
    b"\x1c&": ("FS &", 0),
    b"\x1c.": ("FS .", 0),
    b"\x1cC": ("FS C", 1),
    b"\x1c!": ("FS !", 1),
    b"\x1d!": ("GS !", 1),
    b"\x10\x04": ("DLE EOT", 1),
    b"\x0c": ("CLR", 0),
    b"\x1f$": ("US $", 2),
}


def _is_sjis_lead(b: int) -> bool:
    return 0x81 <= b <= 0x9F or 0xE0 <= b <= 0xFC


def tokenize(data: bytes) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    text = bytearray()

    def flush() -> None:
        if text:
            tokens.append(Token("TEXT", data=bytes(text)))
            text.clear()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush()
            tokens.append(Token("LF"))
            i += 1
            continue
        two = data[i : i + 2]
        if two in _FIXED or data[i : i + 1] in _FIXED:
            flush()
            key = two if two in _FIXED else data[i : i + 1]
            name, n = _FIXED[key]
            start = i + len(key)
            tokens.append(Token(name, tuple(data[start : start + n])))
            i = start + n
            continue
        if two == b"\x1dV":
            flush()
            m = data[i + 2]
            n = 2 if m in (65, 66) else 1
            tokens.append(Token("GS V", tuple(data[i + 2 : i + 2 + n])))
            i += 2 + n
            continue
        if data[i : i + 3] == b"\x1d(k":
            flush()
            size = data[i + 3] | data[i + 4] << 8
            body = data[i + 5 : i + 5 + size]
            tokens.append(Token("GS ( k", (body[0], body[1]), body[2:]))
            i += 5 + size
            continue
        if data[i : i + 3] == b"\x1dv0":
            flush()
            m, xl, xh, yl, yh = data[i + 3 : i + 8]
            width_bytes, height = xl | xh << 8, yl | yh << 8
            size = width_bytes * height
            tokens.append(Token("GS v 0", (m, width_bytes, height), data[i + 8 : i + 8 + size]))
            i += 8 + size
            continue
        if b < 0x20 or b == 0x7F:
            raise ValueError(f"unknown ESC/POS command at {i}: {data[i : i + 4]!r}")
        if _is_sjis_lead(b):
            text += data[i : i + 2]
            i += 2
        else:
            text.append(b)
            i += 1
    flush()
    return tokens


def dump(data: bytes) -> str:
    """One token per line (used for golden files)."""
    return "\n".join(str(t) for t in tokenize(data)) + "\n"


def texts(data: bytes) -> list[str]:
    return [t.data.decode("cp932") for t in tokenize(data) if t.name == "TEXT"]
