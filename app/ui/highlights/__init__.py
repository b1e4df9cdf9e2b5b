"""The highlight panel: the open document's highlights, their themes and notes."""
