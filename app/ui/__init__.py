"""The PySide6 user interface: widgets, item models, undo commands and dialogs."""
