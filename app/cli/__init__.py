"""The headless command line: everything but reading, without Qt.

Errors print one line on stderr and exit non-zero; there is never a traceback.
"""
