"""Replace in a whole book, or rename a codex entry everywhere: preview, apply, undo.

Nothing is written until Apply: the preview lists every change (chapter, before, after), and
Apply writes exactly those as new versions in one step; Undo then puts every text back, also
in one step. Store work runs off the UI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.forms import fill
from reyna_desktop.store.codex import Entry
from reyna_desktop.store.replace import ReplaceBatch, ReplacePlan


class ReplaceDialog(QDialog):
    def __init__(self, store: Any, book_id: str, entry: Entry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.book_id = book_id
        self.entry = entry
        self.plan: ReplacePlan | None = None
        self.batch: ReplaceBatch | None = None
        self.setWindowTitle(fill(self.tr("Rename %1 everywhere"), entry.name) if entry
                            else self.tr("Replace in the whole book"))
        self.find_text = QLineEdit(entry.name if entry else "")
        self.find_text.setReadOnly(entry is not None)
        self.new_text = QLineEdit()
        self.new_text.setPlaceholderText(self.tr("the new name") if entry else self.tr("the new text"))
        self.whole_word = QCheckBox(self.tr("Whole words only"))
        self.ignore_case = QCheckBox(self.tr("Any case (the new text follows it)"))
        for box in (self.whole_word, self.ignore_case):
            box.setChecked(entry is not None)
            box.setEnabled(entry is None)
        form = QFormLayout()
        form.addRow(self.tr("Find"), self.find_text)
        form.addRow(self.tr("Replace with"), self.new_text)
        form.addRow("", self.whole_word)
        form.addRow("", self.ignore_case)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Chapter"), self.tr("Before"), self.tr("After")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self.tr("Preview shows every change before anything is written."))
        self.status.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("Preview"))
        self.apply_button = QPushButton(self.tr("Apply"))
        self.undo_button = QPushButton(self.tr("Undo"))
        self.close_button = QPushButton(self.tr("Close"))
        self.apply_button.setEnabled(False)
        self.undo_button.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.undo_button.clicked.connect(self.undo)
        self.close_button.clicked.connect(self.accept)
        for field in (self.find_text, self.new_text):
            field.textChanged.connect(self._forget_preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(820, 480)

    def preview(self) -> None:
        self._busy(self.tr("Looking…"))
        if self.entry is not None:
            workers.submit(self.store.codex.rename_preview, self.entry.id, self.new_text.text(),
                           on_done=self._previewed, on_error=self._failed)
        else:
            workers.submit(self.store.replace.preview, self.book_id, [(self.find_text.text(), self.new_text.text())],
                           whole_word=self.whole_word.isChecked(), ignore_case=self.ignore_case.isChecked(),
                           on_done=self._previewed, on_error=self._failed)

    def apply(self) -> None:
        if self.plan is None:
            return
        self._busy(self.tr("Saving…"))
        if self.entry is not None:
            workers.submit(self.store.codex.rename, self.entry.id, self.plan, on_done=self._applied,
                           on_error=self._failed)
        else:
            workers.submit(self.store.replace.apply, self.plan, on_done=self._applied, on_error=self._failed)

    def undo(self) -> None:
        if self.batch is None:
            return
        self._busy(self.tr("Undoing…"))
        workers.submit(self.store.replace.undo, self.batch.id, on_done=self._undone, on_error=self._failed)

    # -- results ----------------------------------------------------------------------------

    def _previewed(self, plan: ReplacePlan) -> None:
        self.plan = plan
        self.table.setRowCount(len(plan.changes))
        for row, change in enumerate(plan.changes):
            for column, text in enumerate((change.section_name, change.before, change.after)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.preview_button.setEnabled(True)
        if plan.changes:
            self.status.setText(fill(self.tr("%n changes in %1 texts. Apply saves each as a new version; Undo puts "
                                             "them all back.", "", len(plan.changes)), len(plan.edits)))
        elif self.entry is not None:
            self.status.setText(self.tr("The name does not occur in the text; Apply renames the entry only."))
        else:
            self.status.setText(self.tr("No matches; nothing would be written."))
        self.apply_button.setEnabled(bool(plan.edits) or self.entry is not None)

    def _applied(self, batch: ReplaceBatch | None) -> None:
        self.batch = batch
        self.plan = None
        self.preview_button.setEnabled(True)
        self.undo_button.setEnabled(batch is not None)
        self.status.setText(self.tr("Applied: %n texts saved as new versions.", "", batch.blob_count) if batch
                            else self.tr("Nothing to do."))

    def _undone(self, batch: ReplaceBatch) -> None:
        self.batch = None
        self.preview_button.setEnabled(True)
        self.status.setText(self.tr("Undone: %n texts put back as they were.", "", batch.blob_count))

    def _failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.apply_button.setEnabled(False)
        self.status.setText(str(exc))

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        for button in (self.preview_button, self.apply_button, self.undo_button):
            button.setEnabled(False)

    def _forget_preview(self) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)
