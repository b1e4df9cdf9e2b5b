"""The PySide6 user interface: widgets, item models and dialogs."""
