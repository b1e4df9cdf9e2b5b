"""Pure domain logic: text rules, anchors and value types (no Qt, no database)."""
