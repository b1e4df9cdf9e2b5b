"""Lua data files (KOReader's sidecars) read as data: a parser for literals, never an interpreter.

KOReader keeps a book's highlights in `metadata.<ext>.lua`, a file of the form
`return { ["key"] = value, ... }` written by its own serialiser. Running such a file would
run whatever it holds; reading it needs only Lua's literal syntax: tables, strings (with
every escape Lua 5.1 to 5.4 knows, and long brackets), numbers, booleans and nil. The two
Python packages for this (SLPP, luadata) leave escapes undecoded or fail on exponents,
which is why this small reader exists.

A table with only the keys 1..n becomes a list; any other table a dict.
"""

from __future__ import annotations

import re

# Tokens, tried in this order at each place: blanks and comments are skipped.
_SKIP = re.compile(r"(?:\s+|--\[(=*)\[.*?\]\1\]|--[^\n]*)+", re.DOTALL)
_NUMBER = re.compile(
    r"-?(?:0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
    r"|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_LONG = re.compile(r"\[(=*)\[\n?(.*?)\]\1\]", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"', "'": "'"}
_ESCAPE = re.compile(
    r"\\(?:([ntrabfv\\\"'])|(\r\n|\n\r|\n|\r)|(\d{1,3})|x([0-9a-fA-F]{2})|z\s*|u\{([0-9a-fA-F]{1,6})\}|(.?))",
    re.DOTALL,
)
# A quoted string on one line: any character but its quote, a backslash or a line end, or
# a backslash and what it escapes (a line end included).
_STRINGS = {q: re.compile(rf"{q}((?:[^{q}\\\n]|\\(?:\r\n|[\s\S]))*){q}") for q in "\"'"}
_MAX_DEPTH = 100


class LuaDataError(ValueError):
    """The text is not a Lua data literal; the message says where."""


def loads(text: str) -> object:
    """Read `return <value>` (or a bare value) from a Lua data file.

    Raises:
        LuaDataError: If the text is not a Lua literal, naming the line.
    """
    reader = _Reader(text)
    reader.skip()
    start = reader.at
    if reader.name() != "return":
        reader.at = start
    value = reader.value(0)
    reader.skip()
    if reader.at < len(text) and text[reader.at] == ";":
        reader.at += 1
        reader.skip()
    if reader.at != len(text):
        raise reader.error("more follows the value")
    return value


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def error(self, what: str) -> LuaDataError:
        line = self.text.count("\n", 0, self.at) + 1
        return LuaDataError(f"line {line}: {what}")

    def skip(self) -> None:
        found = _SKIP.match(self.text, self.at)
        if found:
            self.at = found.end()

    def name(self) -> str | None:
        found = _NAME.match(self.text, self.at)
        if found is None:
            return None
        self.at = found.end()
        return found.group()

    def value(self, depth: int) -> object:
        if depth > _MAX_DEPTH:
            raise self.error("tables nested too deep")
        self.skip()
        if self.at >= len(self.text):
            raise self.error("the file ends where a value should stand")
        char = self.text[self.at]
        if char == "{":
            return self.table(depth + 1)
        if char in "\"'":
            return self.string(char)
        if char == "[" and (long := _LONG.match(self.text, self.at)):
            self.at = long.end()
            return long.group(2)
        number = _NUMBER.match(self.text, self.at)
        if number:
            self.at = number.end()
            return _number(number.group())
        word = self.name()
        if word in ("true", "false"):
            return word == "true"
        if word == "nil":
            return None
        raise self.error(f"{self.text[self.at : self.at + 20]!r} is not a value Lua data may hold")

    def string(self, quote: str) -> str:
        found = _STRINGS[quote].match(self.text, self.at)
        if found is None:
            raise self.error("a string is not closed on its line")
        self.at = found.end()
        try:
            return _unescape(found.group(1))
        except (ValueError, UnicodeDecodeError) as exc:
            raise self.error(f"a string with a bad escape ({exc})") from None

    def table(self, depth: int) -> list[object] | dict[object, object]:
        self.at += 1  # the opening brace
        items: dict[object, object] = {}
        next_index = 1
        while True:
            self.skip()
            if self.at >= len(self.text):
                raise self.error("a table is not closed")
            if self.text[self.at] == "}":
                self.at += 1
                break
            key, value = self.field(depth, next_index)
            if key == next_index:
                next_index += 1
            if value is not None:  # a nil field is no field, as in Lua
                items[key] = value
            self.skip()
            if self.at < len(self.text) and self.text[self.at] in ",;":
                self.at += 1
            elif self.at < len(self.text) and self.text[self.at] != "}":
                raise self.error("a table's fields must be separated by , or ;")
        if list(items) == list(range(1, len(items) + 1)):
            return list(items.values())
        return items

    def field(self, depth: int, next_index: int) -> tuple[object, object]:
        if self.text[self.at] == "[" and not _LONG.match(self.text, self.at):
            self.at += 1
            key = self.value(depth)
            self.skip()
            if not self.text.startswith("]", self.at):
                raise self.error("a key's ] is missing")
            self.at += 1
            self._equals()
            if key is None:
                raise self.error("a table key cannot be nil")
            return key, self.value(depth)
        start = self.at
        word = self.name()
        if word is not None and word not in ("true", "false", "nil"):
            self.skip()
            if self.text.startswith("=", self.at) and not self.text.startswith("==", self.at):
                self._equals()
                return word, self.value(depth)
        self.at = start
        return next_index, self.value(depth)

    def _equals(self) -> None:
        self.skip()
        if not self.text.startswith("=", self.at):
            raise self.error("a key must be followed by =")
        self.at += 1


def _number(token: str) -> int | float:
    negative = token.startswith("-")
    body = token.lstrip("-")
    if body[:2].lower() == "0x":
        value: int | float = float.fromhex(body) if re.search(r"[.pP]", body) else int(body, 16)
    elif re.search(r"[.eE]", body):
        value = float(body)
    else:
        value = int(body)
    return -value if negative else value


def _unescape(raw: str) -> str:
    """Decode Lua's escapes; decimal and hex escapes are bytes, read together as UTF-8."""
    if "\\" not in raw:
        return raw
    out = bytearray()
    at = 0
    for found in _ESCAPE.finditer(raw):
        out += raw[at : found.start()].encode("utf-8")
        simple, newline, decimal, hexa, code, unknown = found.groups()
        if unknown is not None:
            raise ValueError(f"\\{unknown} is no escape Lua knows")
        if simple:
            out += _ESCAPES[simple].encode()
        elif newline:
            out += b"\n"
        elif decimal:
            if int(decimal) > 255:
                raise ValueError(f"\\{decimal} is past 255")
            out.append(int(decimal))
        elif hexa:
            out.append(int(hexa, 16))
        elif code:
            out += chr(int(code, 16)).encode("utf-8")
        at = found.end()
    out += raw[at:].encode("utf-8")
    return out.decode("utf-8")
