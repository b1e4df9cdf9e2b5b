"""The text: the reader, its line spacing and margin, finding, the outline."""
