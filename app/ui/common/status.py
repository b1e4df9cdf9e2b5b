"""How long a message stays in the status bar."""

STATUS_MS = 6000
