"""Documents in the window: the library list, editions, encodings, backups."""
