"""KOReader's Lua data files are read as data: every literal form, and nothing that would run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.importers.lua_data import LuaDataError, loads

# What KOReader's serialiser writes: keys in brackets, %q-style strings (a newline as a
# backslash before a real newline), decimal escapes for bytes.
SIDECAR = r"""-- we can read Lua syntax here!
return {
    ["annotations"] = {
        [1] = {
            ["chapter"] = "Chapter \"One\"",
            ["note"] = "line one\
line two \\ done",
            ["pageno"] = 12,
            ["text"] = "dash \226\128\148 and \u{1F600}",
            ["pos0"] = -1.5e3,
        },
        [2] = { text = 'single', flag = true, gone = nil; },
    },
    ["doc_props"] = { ["title"] = [[Long
string]], ["size"] = 0x1F, },
}
"""


def test_a_sidecar_reads_with_every_escape() -> None:
    assert loads(SIDECAR) == {
        "annotations": [
            {
                "chapter": 'Chapter "One"',
                "note": "line one\nline two \\ done",
                "pageno": 12,
                "text": "dash — and 😀",
                "pos0": -1500.0,
            },
            {"text": "single", "flag": True},
        ],
        "doc_props": {"title": "Long\nstring", "size": 31},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('os.execute("rm -rf ~")', "is not a value"),
        ("return function() end", "is not a value"),
        ("return {", "not closed"),
        ('return {["a"] = 1 ["b"] = 2}', "separated by , or ;"),
        (r'return "\q"', r"\\q is no escape"),
        (r'return "\300"', "past 255"),
        (r'return "\255"', "bad escape"),  # a byte that is not UTF-8
        ('return "open', "not closed on its line"),
        ("return {} {}", "more follows"),
        ("return " + "{" * 200 + "}" * 200, "nested too deep"),
        ("return {[nil] = 1}", "cannot be nil"),
    ],
)
def test_anything_but_data_is_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(LuaDataError, match=message):
        loads(text)


def _lua(value: object) -> str:
    """Write a value as KOReader's serialiser would."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\\n").replace("\r", "\\r")
        return f'"{escaped}"'
    if isinstance(value, list):
        return "{" + ", ".join(f"[{i}] = {_lua(v)}" for i, v in enumerate(value, 1)) + "}"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"


_SCALARS = (
    st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, min_size=1, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_whatever_is_written_reads_back(value: object) -> None:
    assert loads("return " + _lua(value)) == value
