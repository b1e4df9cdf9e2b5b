"""Every dialog's interactive widgets have accessible names, for screen readers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.values import BackupSummary
from app.services.editions import EditionReport, PlacedHighlight, Placement, VersionSummary
from app.ui.backups_dialog import BackupsDialog
from app.ui.editions import ReviewDialog, VersionsDialog
from tests.gui.accessibility import unnamed_controls

NOW = datetime(2026, 1, 1)


@pytest.mark.parametrize(
    "make",
    [
        lambda: BackupsDialog([BackupSummary("/tmp/b.sqlite", NOW, 1, 2)]),
        lambda: ReviewDialog(EditionReport(1, 2, 2, NOW, (PlacedHighlight(1, Placement.APPROXIMATE, "old", "new"),))),
        lambda: VersionsDialog([VersionSummary(1, 1, NOW, "ab" * 32, 10, 1, True)], "T"),
    ],
)
def test_dialogs_name_their_controls(qtbot: QtBot, make: Callable[[], QDialog]) -> None:
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed_controls(dialog) == []
