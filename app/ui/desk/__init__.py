"""The open document's state and the one path changes take to the views."""
