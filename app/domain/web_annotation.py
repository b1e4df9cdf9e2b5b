"""Highlights as W3C Web Annotations (JSON-LD), for other annotation tools."""

from __future__ import annotations

import uuid
from typing import Any

from app.domain.export import ExportSet, dump_json, iso

GENERATOR = {"id": "urn:marginalia:software", "type": "Software", "name": "Marginalia"}


def render_w3c(export: ExportSet) -> str:
    """W3C Web Annotation JSON-LD: an AnnotationCollection with quote and position selectors.

    TextPositionSelector offsets count code points, as the W3C model requires and as
    Marginalia stores them. The collection and its one page have ids of their own (a
    UUID made from what is exported and when, so that the same export has the same id);
    an annotation with neither themes nor a note has no body, as the model asks.
    """
    ids = ",".join(str(h.id) for doc in export.documents for h in doc.highlights)
    collection = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'marginalia:{iso(export.exported_at)}:{ids}')}"
    page = f"{collection}#page-1"
    creator = {"type": "Person", "name": export.creator} if export.creator else None
    items: list[dict[str, Any]] = []
    for doc in export.documents:
        target_base: dict[str, Any] = {"source": f"urn:marginalia:document:{doc.id}", "format": "text/plain"}
        if doc.language:
            target_base["language"] = doc.language
        for h in doc.highlights:
            bodies: list[dict[str, Any]] = [
                {"type": "TextualBody", "purpose": "tagging", "value": t.path} for t in h.tags
            ]
            if export.include_notes and h.note:
                bodies.append({"type": "TextualBody", "purpose": "commenting", "value": h.note, "format": "text/plain"})
            item: dict[str, Any] = {
                "id": f"urn:marginalia:highlight:{h.id}",
                "type": "Annotation",
                "motivation": "commenting" if export.include_notes and h.note else "highlighting",
                "created": iso(h.created_at),
                "modified": iso(h.updated_at),
                "generator": GENERATOR,
            }
            # Who made the highlight, where it is recorded; else who exports it.
            if h.author:
                item["creator"] = {"type": "Person", "name": h.author}
            elif creator is not None:
                item["creator"] = creator
            if bodies:
                item["body"] = bodies
            item["target"] = {
                **target_base,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": h.exact, "prefix": h.prefix, "suffix": h.suffix},
                    {"type": "TextPositionSelector", "start": h.start, "end": h.end},
                ],
            }
            items.append(item)
    return dump_json(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": collection,
            "type": "AnnotationCollection",
            "label": export.documents[0].title if len(export.documents) == 1 else "Marginalia export",
            "total": len(items),
            "generator": GENERATOR,
            "generated": iso(export.exported_at),
            "first": {"id": page, "type": "AnnotationPage", "partOf": collection, "startIndex": 0, "items": items},
            "last": page,
        }
    )
