"""Where the bundled resources (sample texts, stylesheets) live."""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
SAMPLE_TEXT = RESOURCES_DIR / "samples" / "lenin-1917-resolution-on-the-soviets.txt"
SAMPLE_TITLE = "Resolution on the Soviets of Workers’ and Soldiers’ Deputies"
SAMPLE_AUTHOR = "V. I. Lenin"
SAMPLE_SOURCE = "Pravda No. 46, May 15 (2), 1917 (bundled sample)"
MARKDOWN_TEMPLATE = RESOURCES_DIR / "templates" / "markdown.md.j2"
BACKUP_SCHEMA = RESOURCES_DIR / "schemas" / "library-backup-1.schema.json"
DESKTOP_ID = "org.marginalia.Marginalia"
DESKTOP_DIR = RESOURCES_DIR / "desktop"
ICON = DESKTOP_DIR / f"{DESKTOP_ID}.svg"
