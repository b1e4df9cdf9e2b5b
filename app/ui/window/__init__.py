"""The main window, its menus and the actions it runs."""
