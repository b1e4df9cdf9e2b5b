"""The library search (Ctrl+K) and All my notes: finding across every document."""
