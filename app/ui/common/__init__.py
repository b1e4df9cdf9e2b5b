"""What every part of the window uses: accessibility, keys, speech, preferences, file dialogs."""
