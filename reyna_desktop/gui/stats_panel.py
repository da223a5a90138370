"""The stats panel for the selected bucket (words, blobs, bytes, versions, processors used, last
activity, a 12-week activity heat map) and the writing goals of its book: daily and session
targets beside the book target, a streak, a words-per-day chart, progress for the status bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.counts import (
    bucket_unit,
    count_text,
    per_day_title,
    target_text,
    unit_name,
    unit_suffix,
    unit_title,
)
from reyna_desktop.store.stats import HEAT_MAP_DAYS, BucketStats, local_day
from reyna_desktop.store.text import WORDS

CHART_DAYS = 28
STREAK_DAYS = 366  # a streak longer than a year is shown as 366+


@dataclass
class Goals:
    book_id: str
    book_name: str
    book_words: int
    book_target: int
    daily_target: int
    session_target: int
    per_day: dict[date, int] = field(default_factory=dict)  # the last STREAK_DAYS days, oldest first
    unit: str = WORDS  # what the book counts: "words" or "characters" (gui/counts.py)

    @property
    def today(self) -> int:
        return self.per_day.get(date.today(), 0)

    def streak(self) -> int:
        """Days in a row, ending today (or yesterday while today's target is not met yet), on which
        the daily target was reached."""
        if self.daily_target <= 0:
            return 0
        day = date.today()
        if self.per_day.get(day, 0) < self.daily_target:
            day -= timedelta(days=1)
        count = 0
        while self.per_day.get(day, 0) >= self.daily_target:
            count += 1
            day -= timedelta(days=1)
        return count


@dataclass
class Loaded:
    bucket_id: str
    name: str
    stats: BucketStats
    goals: Goals | None
    unit: str = WORDS


def load_stats(store, bucket_id: str, figures: bool = True) -> Loaded:
    """Off the UI thread: the bucket's figures (left empty with figures=False: the panel is
    hidden, only the status bar's goals are wanted) and its book's goals."""
    bucket = store.buckets.get(bucket_id)
    stats = store.stats.bucket(bucket_id) if figures else BucketStats()
    book = next((b for b in [bucket, *reversed(store.buckets.ancestors(bucket_id))] if b.type == "book"), None)
    goals = None
    meta = book.metadata if book is not None else {}
    wanted = figures or bool(meta.get("daily_target_words") or meta.get("session_target_words"))
    if book is not None and wanted:  # a hidden panel works out words per day only for a book with goals
        words = stats.words if figures and book.id == bucket.id else store.stats.bucket(book.id).words
        goals = Goals(book.id, book.name, words,
                      int(meta.get("target_words") or 0), int(meta.get("daily_target_words") or 0),
                      int(meta.get("session_target_words") or 0), store.stats.words_per_day(book.id, STREAK_DAYS),
                      bucket_unit(store, book.id))
    unit = goals.unit if goals is not None and book is bucket else bucket_unit(store, bucket.id) if figures else WORDS
    return Loaded(bucket.id, bucket.name, stats, goals, unit)


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


class HeatMap(QWidget):
    """12 weeks as columns of 7 days; the more versions saved that day, the darker the cell."""

    CELL = 13

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activity: dict[date, int] = {}
        self.setMinimumSize(12 * self.CELL + 2, 7 * self.CELL + 2)
        self.setToolTip(self.tr("Versions saved per day, the last 12 weeks (today bottom right)"))

    def set_activity(self, activity: dict[date, int]) -> None:
        self.activity = activity
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        most = max(self.activity.values(), default=0)
        today = date.today()
        first = today - timedelta(days=HEAT_MAP_DAYS - 1)
        base = self.palette().highlight().color()
        empty = self.palette().alternateBase().color().darker(108)
        for i in range(HEAT_MAP_DAYS):
            day = first + timedelta(days=i)
            count = self.activity.get(day, 0)
            color = QColor(empty) if not count else QColor(base)
            if count:
                color.setAlphaF(0.25 + 0.75 * count / most)
            rect = QRectF(1 + (i // 7) * self.CELL, 1 + (i % 7) * self.CELL, self.CELL - 2, self.CELL - 2)
            painter.fillRect(rect, color)
        painter.end()


class WordsChart(QWidget):
    """Words written per day for the last CHART_DAYS days, with the daily target as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.per_day: dict[date, int] = {}
        self.target = 0
        self.setMinimumSize(CHART_DAYS * 8, 90)
        self.setToolTip(per_day_title(WORDS))

    def set_data(self, per_day: dict[date, int], target: int) -> None:
        today = date.today()
        self.per_day = {d: per_day.get(d, 0) for d in (today - timedelta(days=CHART_DAYS - 1 - i)
                                                        for i in range(CHART_DAYS))}
        self.target = target
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        top = max([*self.per_day.values(), self.target, 1])
        width, height = self.width(), self.height() - 2
        bar = width / CHART_DAYS
        good, short = self.palette().highlight().color(), self.palette().mid().color()
        for i, words in enumerate(self.per_day.values()):
            h = max(0, words) / top * height
            met = self.target and words >= self.target
            painter.fillRect(QRectF(i * bar + 1, height - h, bar - 2, h), good if met or not self.target else short)
        if self.target:
            y = height - self.target / top * height
            painter.setPen(QColor("#c0392b"))
            painter.drawLine(0, int(y), width, int(y))
        painter.end()


class StatsPanel(QWidget):
    progress = Signal(str)  # the status bar's goals text

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bucket_id: str | None = None
        self.loaded: Loaded | None = None
        self._session_start: dict[str, int] = {}  # book id -> words written today when the window opened
        self.title = QLabel("")
        self.figures: dict[str, QLabel] = {}
        form = QFormLayout()
        self.words_label = QLabel(unit_title(WORDS))  # "Characters" for a Chinese book
        for key, label in (("words", self.words_label), ("blobs", QLabel(self.tr("Blobs"))),
                           ("bytes", QLabel(self.tr("Size"))), ("versions", QLabel(self.tr("Versions"))),
                           ("processors", QLabel(self.tr("Processors used"))),
                           ("last", QLabel(self.tr("Last activity")))):
            self.figures[key] = QLabel("")
            self.figures[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, self.figures[key])
        self.heat_map = HeatMap()
        self.goals_box = QGroupBox(self.tr("Writing goals"))
        self.daily = QSpinBox(maximum=100_000, singleStep=100, suffix=unit_suffix(WORDS))
        self.session = QSpinBox(maximum=100_000, singleStep=50, suffix=unit_suffix(WORDS))
        self.book_target = QLabel("")
        self.save_goals = QPushButton(self.tr("Save targets"))
        self.save_goals.clicked.connect(self.store_targets)
        self.goal_text = QLabel("")
        self.goal_text.setWordWrap(True)
        self.chart = WordsChart()
        goals_form = QFormLayout()
        goals_form.addRow(self.tr("Book target"), self.book_target)
        goals_form.addRow(self.tr("Daily target"), self.daily)
        goals_form.addRow(self.tr("Session target"), self.session)
        goals_layout = QVBoxLayout(self.goals_box)
        goals_layout.addLayout(goals_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.goal_text, 1)
        buttons.addWidget(self.save_goals)
        goals_layout.addLayout(buttons)
        self.chart_title = QLabel(per_day_title(WORDS))
        goals_layout.addWidget(self.chart_title)
        goals_layout.addWidget(self.chart)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Activity, last 12 weeks")))
        layout.addWidget(self.heat_map)
        layout.addWidget(self.goals_box)
        layout.addStretch(1)
        self.goals_box.hide()
        self._timer = QTimer(self, singleShot=True, interval=1000)  # events come in bursts
        self._timer.timeout.connect(self.refresh)

    def show_bucket(self, bucket_id: str) -> None:
        self.bucket_id = bucket_id
        self.refresh()

    def refresh(self) -> None:
        if self.bucket_id is not None:
            wanted, figures = self.bucket_id, self.isVisible()
            workers.submit(load_stats, self.store, wanted, figures,
                           on_done=lambda loaded: self._loaded(wanted, loaded, figures),
                           on_error=lambda exc: self.title.setText(str(exc)))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()  # figures are only worked out while the panel is shown

    def on_event(self, event: Any) -> None:
        if self.bucket_id is not None and event.topic.startswith(("blob.", "bucket.")):
            self._timer.start()

    def _loaded(self, wanted: str, loaded: Loaded, figures: bool = True) -> None:
        if wanted != self.bucket_id:
            return
        self.loaded = loaded
        if figures:
            self._show_figures(loaded)
        self._show_goals(loaded.goals)

    def _show_figures(self, loaded: Loaded) -> None:
        stats = loaded.stats
        self.title.setText(f"<b>{loaded.name}</b>")
        self.words_label.setText(unit_title(loaded.unit))
        self.figures["words"].setText(f"{stats.words:,}")
        self.figures["words"].setToolTip(count_text(stats.words, loaded.unit))
        self.figures["blobs"].setText(f"{stats.blobs:,}")
        self.figures["bytes"].setText(human_bytes(stats.bytes))
        self.figures["versions"].setText(f"{stats.versions:,}")
        self.figures["processors"].setText(", ".join(f"{p} ({n})" for p, n in stats.processors.items())
                                           or self.tr("none"))
        self.figures["last"].setText(local_day(stats.last_activity).isoformat() if stats.last_activity
                                     else self.tr("never"))
        self.heat_map.set_activity(stats.activity)

    def _show_goals(self, goals: Goals | None) -> None:
        self.goals_box.setVisible(goals is not None)
        if goals is None:
            self.progress.emit("")
            return
        self._session_start.setdefault(goals.book_id, goals.today)
        self.goals_box.setTitle(self.tr("Writing goals of %1").replace("%1", goals.book_name))
        for box in (self.daily, self.session):
            box.setSuffix(unit_suffix(goals.unit))
        self.chart_title.setText(per_day_title(goals.unit))
        self.chart.setToolTip(per_day_title(goals.unit))
        self.book_target.setText(target_text(goals.book_words, goals.book_target, goals.unit) if goals.book_target
                                 else count_text(goals.book_words, goals.unit))
        if not self.daily.hasFocus():
            self.daily.setValue(goals.daily_target)
        if not self.session.hasFocus():
            self.session.setValue(goals.session_target)
        self.chart.set_data(goals.per_day, goals.daily_target)
        text = self.progress_text(goals)
        self.goal_text.setText(text)
        self.progress.emit(text)

    def session_words(self, goals: Goals) -> int:
        return goals.today - self._session_start.get(goals.book_id, goals.today)

    def progress_text(self, goals: Goals) -> str:
        today = f"{goals.today:,}" + (f"/{goals.daily_target:,}" if goals.daily_target else "")
        parts = [self.tr("Today %1 %2").replace("%1", today).replace("%2", unit_name(goals.unit))]
        if goals.session_target:
            parts.append(self.tr("session %1").replace("%1", f"{self.session_words(goals):,}/"
                                                             f"{goals.session_target:,}"))
        if goals.daily_target:
            parts.append(self.tr("%n-day streak", "", goals.streak()))
        return " · ".join(parts)

    def store_targets(self) -> None:
        if self.loaded is None or self.loaded.goals is None:
            return
        meta = {"daily_target_words": self.daily.value() or None, "session_target_words": self.session.value() or None}
        workers.submit(self.store.buckets.update, self.loaded.goals.book_id, metadata=meta, merge_metadata=True,
                       on_done=lambda _b: self.refresh(), on_error=lambda exc: self.goal_text.setText(str(exc)))
