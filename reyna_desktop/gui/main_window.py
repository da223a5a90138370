"""The main window: bucket tree | blob editor | chat, with menus, toolbar, status bar and docks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QToolBar,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.backups import BackupTimer
from reyna_desktop.gui.bridge import StoreEvents
from reyna_desktop.gui.chat_pane import ChatPane
from reyna_desktop.gui.codex_panel import CodexPanel
from reyna_desktop.gui.counts import bucket_unit, compile_summary, count_text
from reyna_desktop.gui.download_resume import DownloadResumer
from reyna_desktop.gui.editor import EditorArea
from reyna_desktop.gui.folder_links import FolderLinks, LinksPanel
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.importing import Importer
from reyna_desktop.gui.jobs import JobService
from reyna_desktop.gui.jobs_panel import JobsPanel
from reyna_desktop.gui.journal_hook import JournalHook
from reyna_desktop.gui.mention_marks import MentionMarks
from reyna_desktop.gui.properties_dialog import PropertiesDialog
from reyna_desktop.gui.search_panel import SearchPanel
from reyna_desktop.gui.settings_dialog import SettingsDialog
from reyna_desktop.gui.stats_panel import StatsPanel
from reyna_desktop.gui.sync_dialog import SyncDialog
from reyna_desktop.gui.sync_status import SyncService, SyncStatusLabel
from reyna_desktop.gui.tag_editor import TagDialog
from reyna_desktop.gui.tree_model import BucketTreeModel
from reyna_desktop.gui.tree_view import BucketTreeView
from reyna_desktop.gui.window_state import window_settings
from reyna_desktop.settings import Settings

log = logging.getLogger(__name__)
FORMATS = ["epub", "pdf", "html", "md", "docx", "docx-manuscript", "songbook-pdf"]
# Dialog choices that are a format plus a built-in preset.
FORMAT_PRESETS = {"docx-manuscript": ("docx", "manuscript")}


def model_description(settings: Settings) -> str:
    llm = settings.llm
    if llm.backend == "openai":
        return f"Model: {llm.remote_model or 'server default'} @ {llm.base_url}"
    if llm.model_path:
        return f"Model: {Path(llm.model_path).name}"
    return "Model: Gemma 3 270M (embedded)"


def compile_directly(store, bucket_id: str, choice: str, out: str) -> tuple[Any, str]:
    """Off the UI thread: the compile result and the unit its count is in."""
    from reyna_desktop.export import compile_bucket

    fmt, preset = FORMAT_PRESETS.get(choice, (choice, None))
    return compile_bucket(store, bucket_id, fmt, out, preset=preset), bucket_unit(store, bucket_id)


class MainWindow(QMainWindow):
    def __init__(self, store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.setWindowTitle(self.tr("Reyna"))
        self.first_paint_callbacks: list[Any] = []
        self.events = StoreEvents(store, parent=self)
        self.journal = JournalHook(store.data_dir)
        self.jobs = JobService(store, settings, self.events, parent=self)
        self.tree_model = BucketTreeModel(store, self.events, parent=self)
        self.tree = BucketTreeView(self.tree_model)
        self.editor = EditorArea(store, self.jobs, self.journal, settings.editor.autosave_delay_ms)
        self.editor.draft.apply_font(settings.editor.font_family, settings.editor.font_size)
        self.editor.expanded.set_defaults(settings.editor.expansion_ratio, settings.editor.expansion_style)
        self.chat = ChatPane(store, self.jobs)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for widget in (self.tree, self.editor, self.chat):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 720, 340])
        self.tree.setMinimumWidth(160)  # docks opened beside it take room from the editor, not the tree
        self.setCentralWidget(self.splitter)
        self.search = SearchPanel(store)
        self.search_dock = self._dock("search", self.tr("Search"), self.search, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.jobs_panel = JobsPanel(self.jobs)
        self.jobs_dock = self._dock("jobs", self.tr("Jobs"), self.jobs_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.codex = CodexPanel(store)
        self.codex_dock = self._dock("codex", self.tr("Codex"), self.codex, Qt.DockWidgetArea.RightDockWidgetArea)
        self.mention_marks = MentionMarks(store, self.editor.draft.editor, parent=self)
        self.importer = Importer(store, self)
        self.stats = StatsPanel(store)
        self.stats_dock = self._dock("stats", self.tr("Stats"), self.stats, Qt.DockWidgetArea.RightDockWidgetArea)
        self.links = FolderLinks(store, self)
        self.links_panel = LinksPanel(self.links)
        self.links_dock = self._dock("links", self.tr("Linked folders"), self.links_panel,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        # Docks sharing a side are tabs, not a stack: shown together they would squeeze the
        # tree and the editor to nothing on a laptop screen.
        self.tabifyDockWidget(self.codex_dock, self.stats_dock)
        self.tabifyDockWidget(self.jobs_dock, self.links_dock)
        self.sync_service = SyncService(store, parent=self)
        self._build_status()
        self._build_actions()
        self._connect()
        self._restore_layout()
        self.jobs.start_in_background()
        self.backups = BackupTimer(store, settings.backup, self.show_message, parent=self)
        self.links.start()
        self.downloads = DownloadResumer(self.show_message, parent=self)
        self.downloads.start()
        self.sync_service.start()

    # -- building -------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A hidden dock; `name` (not the translated title) keys its place in the saved layout."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.hide()
        return dock

    def _build_status(self) -> None:
        self.words_label = QLabel("")
        self.model_label = QLabel(model_description(self.settings))
        self.model_label.setToolTip(self.tr("The model loads when the first job needs it, not at start-up."))
        self.jobs_label = QLabel(self.tr("No jobs running"))
        self.goals_label = QLabel("")
        self.goals_label.setToolTip(self.tr("Written today, against the book's daily and session targets "
                                            "(View → Stats)"))
        bar = self.statusBar()
        self.sync_label = SyncStatusLabel(self.sync_service)
        bar.addPermanentWidget(self.sync_label)
        bar.addPermanentWidget(self.goals_label)
        bar.addPermanentWidget(self.words_label)
        bar.addPermanentWidget(self.model_label)
        bar.addPermanentWidget(self.jobs_label)

    def _action(self, text: str, slot: Any, shortcut: Any = None, icon: QStyle.StandardPixmap | None = None,
                checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action(self.tr("&New from template…"), self.new_project, QKeySequence.StandardKey.New,
                                       sp.SP_FileIcon)
        self.save_action = self._action(self.tr("&Save"), self.save, QKeySequence.StandardKey.Save,
                                        sp.SP_DialogSaveButton)
        self.compile_action = self._action(self.tr("&Compile…"), self.compile_current, self.tr("Ctrl+Shift+E"))
        self.import_action = self._action(self.tr("&Import files…"), lambda: self._import(self.importer.choose_files),
                                          "Ctrl+I")
        self.import_folder_action = self._action(self.tr("Import a &folder…"),
                                                 lambda: self._import(self.importer.choose_folder))
        self.settings_action = self._action(self.tr("Se&ttings…"), self.open_settings,
                                            QKeySequence.StandardKey.Preferences)
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self._action(self.tr("&Undo"), lambda: self._edit_call("undo"),
                                        QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(self.tr("&Redo"), lambda: self._edit_call("redo"), self.tr("Ctrl+Y"))
        self.find_action = self._action(self.tr("&Find in text…"), self.show_find, QKeySequence.StandardKey.Find,
                                        sp.SP_FileDialogContentsView)
        self.search_action = self._action(self.tr("Search &everything…"), self.show_search, self.tr("Ctrl+Shift+F"),
                                          sp.SP_FileDialogDetailedView)
        self.expand_action = self._action(self.tr("E&xpand draft"), self.editor.expanded.expand,
                                          self.tr("Ctrl+E"), sp.SP_MediaPlay)
        self.history_action = self._action(self.tr("Version &history…"), self._history, self.tr("Ctrl+Shift+H"))
        self.chat_action = self._action(self.tr("&Chat pane"), lambda: None, self.tr("Ctrl+Shift+C"),
                                        sp.SP_MessageBoxQuestion,
                                        checkable=True)
        self.chat_action.setChecked(True)
        self.chat_action.toggled.connect(self.chat.setVisible)
        self.jobs_action = self.jobs_dock.toggleViewAction()
        self.jobs_action.setShortcut(QKeySequence("Ctrl+J"))
        self.search_dock_action = self.search_dock.toggleViewAction()
        self.links_dock_action = self.links_dock.toggleViewAction()
        self.stats_dock_action = self.stats_dock.toggleViewAction()
        self.stats_dock_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_action = self._action(self.tr("S&ync…"), self.open_sync)
        self.focus_action = self._action(self.tr("&Distraction-free"), self.toggle_focus_mode, self.tr("F11"),
                                         checkable=True)
        self.tree_focus = self._action(self.tr("Go to tree"), self.tree.setFocus, self.tr("Ctrl+1"))
        self.editor_focus = self._action(self.tr("Go to editor"), self.editor.draft.editor.setFocus, self.tr("Ctrl+2"))
        self.chat_focus = self._action(self.tr("Go to chat"), self.chat.input.setFocus, self.tr("Ctrl+3"))
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        for action in (self.new_action, self.save_action, self.import_action, self.import_folder_action,
                       self.compile_action, self.settings_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        for action in (self.undo_action, self.redo_action, self.find_action, self.search_action, self.expand_action,
                       self.history_action):
            edit_menu.addAction(action)
        view_menu = menu.addMenu(self.tr("&View"))
        for action in (self.chat_action, self.jobs_action, self.search_dock_action, self.links_dock_action,
                       self.stats_dock_action, self.codex_dock.toggleViewAction(), self.sync_action,
                       self.focus_action,
                       self.tree_focus, self.editor_focus, self.chat_focus):
            view_menu.addAction(action)
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.save_action, self.expand_action, self.search_action, self.chat_action):
            toolbar.addAction(action)
        self.find_box = QLineEdit(placeholderText=self.tr("Find in text"), clearButtonEnabled=True)
        self.find_box.setMaximumWidth(220)
        self.find_box.returnPressed.connect(self.find_next)
        self.find_box_action = toolbar.addWidget(self.find_box)
        self.find_box_action.setVisible(False)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _connect(self) -> None:
        self.tree.open_bucket.connect(self.editor.open_bucket)
        self.tree.open_bucket.connect(self.chat.follow_bucket)
        self.tree.open_blob.connect(self.editor.open_blob)
        self.tree.message.connect(self.show_message)
        self.tree.properties_requested.connect(self.open_properties)
        self.tree.compile_requested.connect(self.compile_bucket)
        self.tree.process_requested.connect(self.process)
        self.tree.conversation_requested.connect(self._conversation_about)
        self.tree_model.files_dropped.connect(self.importer.start)
        self.importer.message.connect(self.show_message)
        self.tree.link_requested.connect(self.links.choose_folder)
        self.tree.unlink_requested.connect(self.links.unlink)
        self.links.message.connect(self.show_message)
        self.links.statuses.connect(self._links_changed)
        self.tree.open_bucket.connect(self.stats.show_bucket)
        self.tree.tags_requested.connect(self.edit_tags)
        self.events.event.connect(self.stats.on_event)
        self.stats.progress.connect(self.goals_label.setText)
        self.editor.words_changed.connect(lambda n: self.words_label.setText(count_text(n, self.editor.draft.unit)))
        self.editor.error.connect(self.show_message)
        self.editor.expanded.streaming.connect(lambda on: self.show_message("Expanding…" if on else "", 0))
        self.chat.open_blob.connect(self.editor.open_blob)
        self.chat.open_passage.connect(self.editor.open_at)
        self.chat.error.connect(self.show_message)
        self.search.open_blob.connect(self.editor.open_blob)
        self.search.open_bucket.connect(self.open_bucket)
        self.events.event.connect(self.editor.on_event)
        self.events.event.connect(self.chat.on_event)
        self.jobs.changed.connect(self._jobs_changed)
        self.tree.open_bucket.connect(self.codex.follow_bucket)
        self.codex.open_bucket.connect(self.open_bucket)
        self.events.event.connect(self.codex.on_event)
        self.events.event.connect(self.mention_marks.on_event)
        self.editor.draft.loaded.connect(self.mention_marks.set_blob)
        self.jobs.unavailable.connect(self.show_message)
        self.sync_label.clicked.connect(self.open_sync)
        self.events.event.connect(self.sync_service.on_event)

    # -- layout memory --------------------------------------------------------------------

    def _restore_layout(self) -> None:
        state = window_settings()
        geometry = state.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, target in (("main/state", self.restoreState), ("main/splitter", self.splitter.restoreState),
                            ("main/editor_split", self.editor.split.restoreState)):
            value = state.value(key)
            if isinstance(value, QByteArray):
                target(value)
        chat_visible = state.value("main/chat_visible", True)
        visible = chat_visible not in (False, "false", "0")
        self.chat.setVisible(visible)
        self.chat_action.setChecked(visible)

    def save_layout(self) -> None:
        state = window_settings()
        state.setValue("main/geometry", self.saveGeometry())
        state.setValue("main/state", self.saveState())
        state.setValue("main/splitter", self.splitter.saveState())
        state.setValue("main/editor_split", self.editor.split.saveState())
        state.setValue("main/chat_visible", self.chat_action.isChecked())
        state.sync()

    # -- actions --------------------------------------------------------------------------

    def show_message(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout)

    def save(self) -> None:
        self.editor.draft.save()

    def _edit_call(self, name: str) -> None:
        widget = QApplication.focusWidget()
        if isinstance(widget, QPlainTextEdit | QLineEdit) and hasattr(widget, name):
            getattr(widget, name)()

    def show_find(self) -> None:
        self.find_box_action.setVisible(True)
        self.find_box.setFocus()
        self.find_box.selectAll()

    def find_next(self) -> None:
        editor = self.editor.draft.editor
        text = self.find_box.text()
        if text and not editor.find(text):
            cursor = editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            editor.setTextCursor(cursor)
            if not editor.find(text, QTextDocument.FindFlag(0)):
                self.show_message(fill(self.tr("“%1” is not in this text"), text))

    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search.focus()

    def _history(self) -> None:
        if self.editor.draft.blob_id:
            self.editor.show_history(self.editor.draft.blob_id)

    def open_bucket(self, bucket_id: str) -> None:
        if not self.tree.select_bucket(bucket_id):
            self.editor.open_bucket(bucket_id)

    def new_project(self) -> None:
        templates = sorted(self.store.templates.all().items())
        labels = [t.label or name for name, t in templates]
        label, ok = QInputDialog.getItem(self, self.tr("New from template"), self.tr("Template:"), labels, 0, False)
        if ok:
            name, template = templates[labels.index(label)]
            self.tree.new_from_template(name, template.label, None)

    def toggle_focus_mode(self, on: bool) -> None:
        """F11: only the draft, full screen; F11 again brings everything back."""
        self._focus_saved = getattr(self, "_focus_saved", {})
        widgets = [self.tree, self.chat, self.toolbar, self.menuBar(), self.statusBar(), self.editor.expanded,
                   self.search_dock, self.jobs_dock]
        if on:
            self._focus_saved = {w: w.isVisible() for w in widgets}
            for widget in widgets:
                widget.hide()
            self.showFullScreen()
            self.editor.draft.editor.setFocus()
        else:
            for widget, visible in self._focus_saved.items():
                widget.setVisible(visible)
            self.showNormal()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.focus_action.isChecked():
            self.focus_action.setChecked(False)
            self.toggle_focus_mode(False)
            return
        super().keyPressEvent(event)

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self)
        dialog.saved.connect(self._settings_saved)
        dialog.show()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        data_dir_changed = settings.data_dir != self.settings.data_dir
        self.settings = settings
        self.jobs.update_settings(settings)
        self.model_label.setText(model_description(settings))
        self.editor.draft.autosave.setInterval(settings.editor.autosave_delay_ms)
        self.editor.draft.apply_font(settings.editor.font_family, settings.editor.font_size)
        self.show_message("Settings saved; the next job uses them."
                          + (" The new data folder is opened at the next start." if data_dir_changed else ""))

    def open_sync(self) -> SyncDialog:
        dialog = SyncDialog(self.sync_service, self)
        dialog.show()
        self.sync_dialog = dialog
        return dialog

    def open_properties(self, bucket_id: str) -> None:
        workers.submit(self.store.buckets.get, bucket_id, on_done=self._show_properties)

    def _show_properties(self, bucket: Any) -> PropertiesDialog:
        dialog = PropertiesDialog(self.store, bucket, self)
        dialog.show()
        self._properties = dialog
        return dialog

    def process(self, processor_id: str, target_id: str, label: str) -> None:
        """Process with → …: routed as `reyna process --recursive` does; says how many jobs it queued."""
        def queued(jobs: list[Any]) -> None:
            self.show_message(self.tr("%n job(s) queued: %1", "", len(jobs)).replace("%1", label)
                              if jobs else self.tr("Nothing to do: no text here for “%1”.").replace("%1", label))

        self.jobs.process_target(target_id, processor_id, on_done=queued,
                                 on_error=lambda exc: self.show_message(f"{label}: {exc}"))
        self.jobs_dock.show()

    def edit_tags(self, kind: str, item_id: str) -> None:
        get = self.store.buckets.get if kind == "bucket" else self.store.blobs.get
        workers.submit(lambda: (get(item_id), self.store.stats.tags()),
                       on_done=lambda loaded: self._show_tags(kind, *loaded),
                       on_error=lambda exc: self.show_message(str(exc)))

    def _show_tags(self, kind: str, item: Any, known: list[str]) -> TagDialog:
        dialog = TagDialog(self.store, kind, item, known, self)
        dialog.saved.connect(lambda _item: self.show_message(self.tr("Tags saved.")))
        dialog.show()
        self.tag_dialog = dialog
        return dialog

    def _links_changed(self, statuses: list[Any]) -> None:
        self.tree.linked_buckets = {s.bucket_id for s in statuses}

    def _import(self, choose: Any) -> None:
        bucket_id = self.tree.current_bucket_id()
        if bucket_id:
            choose(bucket_id)
        else:
            self.show_message(self.tr("Choose the bucket to import into in the tree first."))

    def _conversation_about(self, bucket_id: str, name: str) -> None:
        self.chat_action.setChecked(True)
        self.chat.new_conversation_about(bucket_id, name)

    def compile_current(self) -> None:
        bucket_id = self.tree.current_bucket_id()
        if bucket_id:
            self.compile_bucket(bucket_id)
        else:
            self.show_message(self.tr("Choose a book or an album in the tree first."))

    def compile_bucket(self, bucket_id: str) -> None:
        fmt, ok = QInputDialog.getItem(self, self.tr("Compile"), self.tr("Format:"), FORMATS, 0, False)
        if not ok:
            return
        suffix = "pdf" if fmt == "songbook-pdf" else FORMAT_PRESETS.get(fmt, (fmt,))[0]
        out, _ = QFileDialog.getSaveFileName(self, self.tr("Compile to"), str(Path.home() / f"book.{suffix}"))
        if not out:
            return
        self.show_message(fill(self.tr("Compiling to %1…"), out), 0)
        workers.submit(compile_directly, self.store, bucket_id, fmt, out,
                       on_done=lambda done: self.show_message(compile_summary(*done), 0),
                       on_error=lambda exc: self.show_message(fill(self.tr("Compile failed: %1"), exc)))

    def _jobs_changed(self) -> None:
        running = self.jobs.running_count
        self.jobs_label.setText(f"{running} job{'s' if running != 1 else ''} running" if running else "No jobs running")

    # -- events ---------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.first_paint_callbacks:
            callbacks, self.first_paint_callbacks = self.first_paint_callbacks, []
            for callback in callbacks:
                QTimer.singleShot(0, callback)

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            self.editor.draft.save_now()
        except Exception:
            log.exception("saving on close failed; the text stays in the recovery journal")
        self.sync_service.close()  # after the last save, so that it goes out too
        self.save_layout()
        self.backups.on_close()
        self.events.close()
        self.links.stop()
        self.downloads.pause_all()
        workers.wait_idle(5000)  # a runner still starting must exist before it can be stopped
        self.jobs.stop()
        workers.wait_idle(5000)
        super().closeEvent(event)
