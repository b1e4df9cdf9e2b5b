"""The codebook: finding themes by fragments, their tree, the theme map, statistics, files.

Pure functions over values; the services gather the values and store the results.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations

from rapidfuzz import fuzz, utils

from app.domain.colours import ColourError, parse_hex
from app.domain.export import Locator
from app.domain.structure import Structure
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.values import Highlight, Tag, ThemeCount

# Below this score (0-100, the mean over the typed words) a theme is not offered.
MATCH_THRESHOLD = 65
CSV_FIELDS = ("theme", "colour", "description", "highlights")
SECTIONS = 10
# Chapters make the sections when there are this many: fewer say little, more crowd the chart.
MIN_CHAPTERS, MAX_CHAPTERS = 2, 24
LABEL_CHARS = 24


# Finding themes ------------------------------------------------------------------


def rank_themes(query: str, tags: Iterable[Tag], limit: int = 20) -> list[Tag]:
    """Return the themes matching a typed fragment, best first.

    Each typed word is matched anywhere in the theme's path, allowing typos
    (``sov`` finds ``power/soviets``, ``work ctrl`` finds ``economy/workers control``).
    An empty query returns every theme by path. Ties go to the shorter path.
    """
    words = utils.default_process(query).split()
    tags = list(tags)
    if not words:
        return sorted(tags, key=lambda t: t.path.casefold())[:limit]
    scored: list[tuple[float, int, str, Tag]] = []
    for tag in tags:
        path = utils.default_process(tag.path)
        score = sum(fuzz.partial_ratio(word, path) for word in words) / len(words)
        if score >= MATCH_THRESHOLD:
            scored.append((-score, len(tag.path), tag.path.casefold(), tag))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


# Filtering highlights ---------------------------------------------------------------


def descendants(tags: Iterable[Tag]) -> dict[int, frozenset[int]]:
    """Return, for each theme id, the ids of the theme and every theme under it."""
    children: dict[int | None, list[int]] = {}
    ids = []
    for tag in tags:
        children.setdefault(tag.parent_id, []).append(tag.id)
        ids.append(tag.id)
    result: dict[int, frozenset[int]] = {}

    def walk(tag_id: int) -> frozenset[int]:
        if tag_id not in result:
            below: set[int] = {tag_id}
            stack = list(children.get(tag_id, ()))
            while stack:
                child = stack.pop()
                below.add(child)
                stack.extend(children.get(child, ()))
            result[tag_id] = frozenset(below)
        return result[tag_id]

    for tag_id in ids:
        walk(tag_id)
    return result


def map_rows(
    highlights: Sequence[Highlight], length: int, height: int, max_colours: int, untagged: str
) -> dict[int, list[str]]:
    """Return the theme colours on each row of a theme map `height` rows tall.

    A row shows the first `max_colours` different colours of the highlights that reach
    it, in their order; an untagged highlight counts as the colour `untagged`.

    Args:
        highlights: The highlights to show.
        length: The length of the text in code points; the map stands for all of it.
        height: The number of rows (pixels) of the map.
        max_colours: How many colours a row holds at most.
        untagged: The colour of a highlight without themes.

    This runs over every highlight shown whenever the filter changes, so a row that is
    full is remembered and most highlights of a long book are passed over in one test.
    """
    rows: dict[int, list[str]] = {}
    full: set[int] = set()
    scale = height / max(1, length)
    bottom = height - 1
    for h in highlights:
        first = int(h.start * scale)
        last = int((h.end - 1) * scale)
        if last <= first:
            if first in full:
                continue
            last = first
        elif last > bottom:
            last = bottom
        colours = [t.colour for t in h.tags] if h.tags else [untagged]
        for y in range(first, last + 1):
            if y in full:
                continue
            here = rows.setdefault(y, [])
            for colour in colours:
                if colour not in here:
                    here.append(colour)
                    if len(here) == max_colours:
                        full.add(y)
                        break
    return rows


# Statistics -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of a document that the distribution chart counts highlights in."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class ThemeStatistics:
    """What the statistics view draws for one document.

    Attributes:
        counts: Highlights per theme in the document, most used first.
        same_highlight: How often two themes were given to the same highlight.
        same_paragraph: How often two themes occur in the same paragraph.
        sections: The document's sections, in order.
        distribution: For each theme path, highlights starting in each section.
    """

    counts: list[tuple[Tag, int]]
    same_highlight: dict[tuple[str, str], int]
    same_paragraph: dict[tuple[str, str], int]
    sections: list[Section]
    distribution: dict[str, list[int]] = field(default_factory=dict)


def even_sections(text: str, parts: int = SECTIONS) -> list[Section]:
    """Cut a text without headings into `parts` stretches, each starting at a paragraph."""
    if not text:
        return []
    starts = [0]
    for i in range(1, parts):
        at = _break_near(text, len(text) * i // parts, max(1, len(text) // (parts * 4)))
        if at > starts[-1] and at < len(text):
            starts.append(at)
    ends = [*starts[1:], len(text)]
    return [
        Section(f"{round(100 * s / len(text))}–{round(100 * e / len(text))}%", s, e)
        for s, e in zip(starts, ends, strict=True)
    ]


def _break_near(text: str, mark: int, slack: int) -> int:
    """Return where to cut near `mark`: a paragraph start, else a sentence's, else a word's.

    Snapping to the next paragraph alone made a short text of long paragraphs come out
    as "89-99%, 99-100%"; a cut further than `slack` from the mark looks for a smaller break.
    """
    low, high = max(0, mark - slack), min(len(text), mark + slack)
    for separator in ("\n\n", ". ", " "):
        cuts = []
        at = text.find(separator, max(0, low - len(separator)), high)
        while at >= 0:
            cuts.append(at + len(separator))
            at = text.find(separator, at + 1, high)
        if cuts:
            return min(cuts, key=lambda cut: abs(cut - mark))
    return mark


def chapter_sections(text: str, structure: Structure) -> list[Section]:
    """Cut a text at its chapters (its top-level headings), or evenly when it has too few or too many.

    Text before the first chapter (a preface, front matter) is a section of its own.
    """
    if not structure.headings:
        return even_sections(text)
    top = min(h.level for h in structure.headings)
    chapters = [h for h in structure.headings if h.level == top]
    if not MIN_CHAPTERS <= len(chapters) <= MAX_CHAPTERS:
        return even_sections(text)
    bounds = [(h.title, h.start) for h in chapters]
    if text[: chapters[0].start].strip():
        bounds.insert(0, ("(before)", 0))
    ends = [start for _title, start in bounds[1:]] + [len(text)]
    return [
        Section(title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…", start, end)
        for (title, start), end in zip(bounds, ends, strict=True)
    ]


def statistics(text: str, highlights: Sequence[Highlight], sections: Sequence[Section]) -> ThemeStatistics:
    """Count themes, their co-occurrences and their spread over `sections` of `text`."""
    counts: Counter[int] = Counter()
    by_id: dict[int, Tag] = {}
    same_highlight: Counter[tuple[str, str]] = Counter()
    paragraphs: dict[int, set[str]] = {}
    locator = Locator(text)
    starts = [s.start for s in sections]
    distribution: dict[str, list[int]] = {}
    for h in highlights:
        paths = sorted({t.path for t in h.tags})
        for tag in h.tags:
            counts[tag.id] += 1
            by_id[tag.id] = tag
        same_highlight.update(combinations(paths, 2))
        paragraphs.setdefault(locator.locate(h.start).paragraph, set()).update(paths)
        if sections:
            index = max(0, _section_of(starts, h.start))
            for path in paths:
                distribution.setdefault(path, [0] * len(sections))[index] += 1
    same_paragraph: Counter[tuple[str, str]] = Counter()
    for paths_here in paragraphs.values():
        same_paragraph.update(combinations(sorted(paths_here), 2))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], by_id[item[0]].path.casefold()))
    return ThemeStatistics(
        counts=[(by_id[i], n) for i, n in ranked],
        same_highlight=dict(same_highlight),
        same_paragraph=dict(same_paragraph),
        sections=list(sections),
        distribution=distribution,
    )


def _section_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


# Codebook files -----------------------------------------------------------------------


class CodebookFormat(StrEnum):
    """The codebook file formats."""

    MARKDOWN = "markdown"
    CSV = "csv"


class CodebookFileError(ValueError):
    """A codebook file cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    """One theme read from a codebook file: its path, colour (if given) and description."""

    path: str
    colour: str | None
    description: str


def codebook_csv(themes: Sequence[ThemeCount]) -> str:
    """Write the codebook as CSV: theme path, colour, description, highlight count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for theme in themes:
        writer.writerow((theme.tag.path, theme.tag.colour, theme.tag.description, theme.highlights))
    return out.getvalue()


def codebook_markdown(themes: Sequence[ThemeCount]) -> str:
    """Write the codebook as Markdown: a second-level heading per theme path.

    Under each heading: a line with the colour and the counts, then the description.
    Description lines that Markdown would read as a heading (or that start with a
    backslash) get a leading backslash, which reading the file removes again.
    """
    parts = ["# Codebook", ""]
    for theme in themes:
        tag = theme.tag
        parts += [f"## {tag.path}", "", f"Colour: `{tag.colour}` · Highlights: {theme.highlights}"]
        if theme.with_subthemes != theme.highlights:
            parts[-1] += f" ({theme.with_subthemes} with sub-themes)"
        parts.append("")
        if tag.description.strip():
            parts += [_escape_line(line) for line in tag.description.strip("\n").split("\n")]
            parts.append("")
    return "\n".join(parts)


def _escape_line(line: str) -> str:
    bare = line.strip()
    if bare.startswith(("#", "\\")) or (bare and set(bare) <= {"="}) or (bare and set(bare) <= {"-", " "}):
        return "\\" + line
    return line


def parse_codebook(text: str, fmt: CodebookFormat) -> list[CodebookEntry]:
    """Read the themes of a codebook file written by Marginalia (or by hand in its shape).

    Raises:
        CodebookFileError: If the file has no themes, or a theme path or colour is wrong;
            the message gives the line.
    """
    entries = _parse_csv(text) if fmt is CodebookFormat.CSV else _parse_markdown(text)
    if not entries:
        raise CodebookFileError("it lists no themes")
    return entries


def _checked(path: str, colour: str | None, description: str, line: int) -> CodebookEntry:
    try:
        names = parse_tag_path(path)
        if colour:
            parse_hex(colour)
    except (TagPathError, ColourError) as exc:
        raise CodebookFileError(f"line {line}: {exc}") from exc
    return CodebookEntry("/".join(names), colour.strip().lower() if colour else None, description)


def _parse_csv(text: str) -> list[CodebookEntry]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().casefold() for f in reader.fieldnames or ()]
    if "theme" not in fields:
        raise CodebookFileError("the first line must name the columns, with at least “theme”")
    reader.fieldnames = fields
    entries = []
    for row in reader:
        path = (row.get("theme") or "").strip()
        if not path and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        entries.append(
            _checked(path, (row.get("colour") or "").strip() or None, row.get("description") or "", reader.line_num)
        )
    return entries


def _parse_markdown(text: str) -> list[CodebookEntry]:
    from markdown_it import MarkdownIt  # here: only reading a codebook file needs it

    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(text)
    headings: list[tuple[int, int, str]] = []  # first line, line after the heading, path
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map is not None:
            headings.append((token.map[0], token.map[1], tokens[i + 1].content))
    entries = []
    for n, (first, after, path) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        body = lines[after:end]
        colour = None
        while body and not body[0].strip():
            body.pop(0)
        if body and body[0].strip().casefold().startswith("colour:"):
            value = body.pop(0).split(":", 1)[1].split("·", 1)[0].strip().strip("`").strip()
            colour = value or None
        description = "\n".join(line[1:] if line.startswith("\\") else line for line in body).strip("\n")
        entries.append(_checked(path, colour, description, first + 1))
    return entries
