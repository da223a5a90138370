"""The chat pane: the conversation attached to the selected bucket (or a free one), messages
streaming in, Stop, Regenerate, edit, copy, branch; the sources a reply used open their blob."""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reyna_desktop.gui import workers
from reyna_desktop.gui.conversation_list import (
    AttachmentBar,
    ConversationIndex,
    ConversationTree,
    load_conversation_index,
)
from reyna_desktop.gui.forms import fill
from reyna_desktop.gui.jobs import JobService
from reyna_desktop.processors.chat import (
    conversations_mentioning,
    create_conversation,
    list_conversations,
    reply_alternatives,
    set_attachment,
)
from reyna_desktop.processors.chat_processor import CONVERSATION_TYPES
from reyna_desktop.processors.prompt_texts import SOURCES_LABELS

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # the HTML helpers below translate in the ChatPane context


def load_messages(store, conversation_id: str) -> list[dict[str, Any]]:
    out = []
    for blob in store.blobs.in_bucket(conversation_id, schema_ids=["message-v1"]):
        data = store.blobs.data(blob.id)
        out.append({"id": blob.id, "role": data.get("role") or ("user" if data.get("sender_id") == "me" else
                                                                 "assistant"),
                    "content": str(data.get("content", "")), "sources": data.get("sources") or [],
                    "edited": bool(data.get("edited")), "created_at": blob.created_at})
        if out[-1]["role"] == "assistant" and blob.version > 1:
            out[-1]["alternatives"] = reply_alternatives(store, blob.id)
    return out


def attached_conversation(store, bucket_id: str) -> str | None:
    """The conversation attached to this bucket or its nearest ancestor, if any."""
    bucket = store.buckets.get(bucket_id)
    if bucket.type in CONVERSATION_TYPES:
        return bucket.id
    chain = [bucket_id, *reversed(bucket.ancestor_ids)]
    conversations = list_conversations(store)
    for wanted in chain:
        for conv in conversations:
            if conv.metadata.get("attached_bucket_id") == wanted:
                return str(conv.id)
    return None


def alternatives_html(message: dict[str, Any], shown: int) -> str:
    """‹ 2/3 › for a regenerated reply: each arrow shows the previous or next text it has had."""
    count = len(message.get("alternatives") or [])
    if count < 2:
        return ""
    mid = message["id"]
    back = f"<a href='alt:{mid}:{shown - 1}'>‹</a>" if shown > 0 else "‹"
    forward = f"<a href='alt:{mid}:{shown + 1}'>›</a>" if shown < count - 1 else "›"
    return f" <small>{back} {shown + 1}/{count} {forward}</small>"


def content_html(content: str, sources: list[Any], message_id: str = "") -> str:
    """A reply's text: quoted sentences ("> …" then "— chapter") as an indented quote whose
    chapter opens the source at the quote (the n-th quote is the n-th source); the "Sources:"
    line is left to the links under the reply."""
    by_title = {s.get("title"): s.get("blob_id") for s in sources if isinstance(s, dict)}
    parts = []
    quotes = 0
    for block in content.split("\n\n"):
        if block.startswith(SOURCES_LABELS) and sources:  # "Sources: ", or "来源：" in a Chinese book
            continue
        if block.startswith("> "):
            quote, _, chapter = block[2:].partition("\n— ")
            target = (f"quote:{message_id}:{quotes}" if message_id and quotes < len(sources)
                      else f"open:{by_title.get(chapter)}")
            quotes += 1
            link = (f"<br>— <a href='{html.escape(target)}'>{html.escape(chapter)}</a>"
                    if chapter in by_title else "")
            parts.append(f"<blockquote style='margin:4px 16px'><i>{html.escape(quote)}</i>{link}</blockquote>")
        else:
            parts.append(html.escape(block).replace("\n", "<br>"))
    return "<br>".join(parts)


def action_link(action: str, message_id: str, label: str) -> str:
    """A link under a message; its label comes translated (lupdate sees no call inside an f-string)."""
    return f"<a href='{action}:{message_id}'>{label}</a>"


def message_html(message: dict[str, Any], last_assistant: bool, streaming: bool = False) -> str:
    role = message["role"]
    who = {"user": translate("ChatPane", "You"), "assistant": translate("ChatPane", "Assistant"),
           "system": translate("ChatPane", "System")}.get(role, role)
    align = "#2f6fb0" if role == "user" else "#2f8f6a"
    body = content_html(str(message["content"]), message.get("sources") or [], str(message.get("id") or ""))
    actions = []
    if not streaming and message.get("id"):
        mid = message["id"]
        actions.append(action_link("copy", mid, translate("ChatPane", "copy")))
        if role == "user":
            actions.append(action_link("edit", mid, translate("ChatPane", "edit")))
        actions.append(action_link("branch", mid, translate("ChatPane", "branch")))
        if last_assistant:
            actions.append(action_link("regen", mid, translate("ChatPane", "regenerate")))
    sources = ""
    if message.get("sources"):
        untitled = translate("ChatPane", "source")
        mid = html.escape(str(message.get("id")))
        links = [f"<a href='quote:{mid}:{n}'>{html.escape(s.get('title') or untitled)}</a>"
                 for n, s in enumerate(message["sources"]) if isinstance(s, dict)]
        sources = "<br><small>" + fill(translate("ChatPane", "Sources: %1"), " · ".join(links)) + "</small>"
    tail = " <i>…</i>" if streaming else ""
    edited = " " + translate("ChatPane", "(edited)") if message.get("edited") else ""
    return (f"<p style='margin:6px 0'><b style='color:{align}'>{who}</b>{edited}"
            f"{message.get('alternatives_html', '')}"
            f"<br>{body}{tail}{sources}<br><small>{' · '.join(actions)}</small></p>")


class ConversationSettings(QDialog):
    """Per-conversation system prompt and model settings (kept in the bucket's metadata)."""

    def __init__(self, bucket: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(fill(self.tr("Conversation settings: %1"), bucket.name))
        meta = bucket.metadata
        model = meta.get("model_settings") or {}
        self.prompt = QPlainTextEdit(meta.get("system_prompt", ""))
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1,
                                          value=float(model.get("temperature", 0.7)))
        self.max_tokens = QSpinBox(minimum=1, maximum=8192, value=int(model.get("max_tokens", 512)))
        form = QFormLayout(self)
        form.addRow(self.tr("System prompt"), self.prompt)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Max tokens"), self.max_tokens)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def metadata(self) -> dict[str, Any]:
        return {"system_prompt": self.prompt.toPlainText(),
                "model_settings": {"temperature": self.temperature.value(), "max_tokens": self.max_tokens.value()}}


class ChatPane(QWidget):
    open_blob = Signal(str)
    open_passage = Signal(str, str)  # blob id, the quoted sentences to select there
    error = Signal(str)

    def __init__(self, store, jobs: JobService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.jobs = jobs
        self.conversation_id: str | None = None
        self.job_id: str | None = None
        self.messages: list[dict[str, Any]] = []
        self.stream_text = ""
        self._early: dict[str, str] = {}
        self.filter = QLineEdit(placeholderText=self.tr("Find a conversation…"), clearButtonEnabled=True)
        self.filter.setAccessibleName(self.tr("Find a conversation"))
        self.list = ConversationTree()
        self.list.setMaximumHeight(140)
        self.attachment = AttachmentBar()
        self.attachment.change_requested.connect(self.change_attachment)
        self._index = ConversationIndex()
        self._shown_alternative: dict[str, int] = {}  # reply id -> which of its texts is shown
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setToolTip(self.tr("Start a new conversation"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.title = QLabel(self.tr("<b>Chat</b>"))
        self.view = QTextBrowser()
        self.view.setAccessibleName(self.tr("Messages"))
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._link)
        self.input = QPlainTextEdit()
        self.input.setAccessibleName(self.tr("Message"))
        self.input.setPlaceholderText(self.tr("Ask about your work… (Ctrl+Enter sends)"))
        self.input.setMaximumHeight(90)
        self.send_button = QPushButton(self.tr("Send"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.regen_button = QPushButton(self.tr("Regenerate"))
        self.status = QLabel("")
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.settings_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.regen_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        layout.addWidget(self.title)
        layout.addWidget(self.attachment)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.input)
        layout.addLayout(buttons)
        self._render_timer = QTimer(self, singleShot=True, interval=40)
        self._render_timer.timeout.connect(self.render_messages)
        self._conversations: list[Any] = []
        self.filter.textChanged.connect(self._filter_changed)
        self._mentioned: set[str] = set()
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._search_messages)
        self.list.picked.connect(self.open_conversation)
        self.new_button.clicked.connect(self.new_conversation)
        self.settings_button.clicked.connect(self.edit_settings)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.regen_button.clicked.connect(self.regenerate)
        QShortcut(QKeySequence("Ctrl+Return"), self.input).activated.connect(self.send)
        jobs.partial.connect(self._partial)
        jobs.finished.connect(self._finished)
        self.refresh_conversations()

    # -- conversations --------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        workers.submit(load_conversation_index, self.store, on_done=self._conversations_loaded,
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _conversations_loaded(self, index: ConversationIndex) -> None:
        self._index = index
        self._conversations = index.conversations
        self._fill_list()
        self._show_attachment()
        if self.conversation_id is None and self._conversations:
            self.open_conversation(self._conversations[0].id)

    def _filter_changed(self) -> None:
        self._mentioned = set()  # results for the previous text no longer apply
        self._fill_list()
        self._search_timer.start()  # messages are searched once typing pauses, off the UI thread

    def _search_messages(self) -> None:
        text = self.filter.text().strip()
        if not text:
            self._mentioned = set()
            return
        workers.submit(conversations_mentioning, self.store, text,
                       on_done=lambda ids: self._mentioned_loaded(text, ids),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _mentioned_loaded(self, text: str, ids: set[str]) -> None:
        if text == self.filter.text().strip():
            self._mentioned = ids
            self._fill_list()

    def _fill_list(self) -> None:
        needle = self.filter.text().strip().lower()
        visible = {c.id for c in self._conversations
                   if not needle or needle in f"{c.name} {c.metadata.get('topic') or ''}".lower()
                   or c.id in self._mentioned}
        self.list.fill(self._index, visible, self.conversation_id)

    def follow_bucket(self, bucket_id: str) -> None:
        """Switch to the conversation attached to the chosen bucket, when it has one."""
        workers.submit(attached_conversation, self.store, bucket_id,
                       on_done=self._follow)

    def _follow(self, conversation_id: str | None) -> None:
        if conversation_id and conversation_id != self.conversation_id:
            self.open_conversation(conversation_id)

    def _opened_new(self, bucket: Any) -> None:
        self.refresh_conversations()
        self.open_conversation(bucket.id)

    def open_conversation(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        self.list.select(conversation_id)
        self._show_attachment()
        self.reload()

    def _show_attachment(self) -> None:
        """The open conversation's title and what it is about (again once a new one is listed)."""
        conv = next((c for c in self._conversations if c.id == self.conversation_id), None)
        self.title.setText(f"<b>{html.escape(conv.name)}</b>" if conv else self.tr("<b>Chat</b>"))
        attached = conv.metadata.get("attached_bucket_id") if conv else None
        self.attachment.setVisible(conv is not None)
        self.attachment.show_attachment(self._index.attached_names.get(str(attached)) if attached else None)

    def new_conversation_about(self, bucket_id: str, name: str) -> None:
        """“New conversation about this…”: a conversation attached to the bucket, opened at once."""
        workers.submit(create_conversation, self.store, self.tr("About %1").replace("%1", name),
                       attached_bucket_id=bucket_id, on_done=self._opened_new,
                       on_error=lambda exc: self.error.emit(str(exc)))

    def change_attachment(self) -> None:
        workers.submit(self.store.buckets.all, on_done=self._choose_attachment,
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _choose_attachment(self, buckets: list[Any]) -> None:
        if self.conversation_id is None:
            return
        choices = [b for b in buckets if b.type not in CONVERSATION_TYPES]
        labels = [self.tr("(nothing)")] + [f"{b.name} ({b.type})" for b in choices]
        label, ok = QInputDialog.getItem(self, self.tr("About"), self.tr("Replies draw on the notes of:"),
                                         labels, 0, False)
        if ok:
            self.attach_to(choices[labels.index(label) - 1].id if labels.index(label) else None)

    def attach_to(self, bucket_id: str | None) -> None:
        workers.submit(set_attachment, self.store, self.conversation_id, bucket_id,
                       on_done=lambda _b: self.refresh_conversations(),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def reload(self) -> None:
        if self.conversation_id is None:
            return
        conv = self.conversation_id
        workers.submit(load_messages, self.store, conv, on_done=lambda m: self._messages_loaded(conv, m),
                       on_error=lambda exc: self.error.emit(str(exc)))

    def _messages_loaded(self, conversation_id: str, messages: list[dict[str, Any]]) -> None:
        if conversation_id != self.conversation_id:
            return
        self.messages = messages
        self.render_messages()

    def render_messages(self) -> None:
        last_assistant = max((i for i, m in enumerate(self.messages) if m["role"] == "assistant"), default=-1)
        for message in self.messages:
            alternatives = message.get("alternatives") or []
            if len(alternatives) > 1:
                shown = min(self._shown_alternative.get(message["id"], len(alternatives) - 1), len(alternatives) - 1)
                message["content"] = alternatives[shown]
                message["alternatives_html"] = alternatives_html(message, shown)
        parts = [message_html(m, i == last_assistant and self.job_id is None) for i, m in enumerate(self.messages)]
        if self.job_id is not None:
            parts.append(message_html({"role": "assistant", "content": self.stream_text}, False, streaming=True))
        empty = self.tr("<p><i>No messages yet. Ask something about your project.</i></p>")
        self.view.setHtml("".join(parts) or empty)
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def new_conversation(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New conversation"), self.tr("Name:"),
                                        text=self.tr("New conversation"))
        if ok and name.strip():
            workers.submit(self.store.templates.instantiate, "conversation", name.strip(),
                           on_done=self._opened_new,
                           on_error=lambda exc: self.error.emit(str(exc)))

    def edit_settings(self) -> None:
        if self.conversation_id is None:
            return
        workers.submit(self.store.buckets.get, self.conversation_id, on_done=self._edit_settings)

    def _edit_settings(self, bucket: Any) -> None:
        dialog = ConversationSettings(bucket, self)
        if dialog.exec():
            workers.submit(self.store.buckets.update, bucket.id, metadata=dialog.metadata(), merge_metadata=True,
                           on_error=lambda exc: self.error.emit(str(exc)))

    # -- messages -------------------------------------------------------------------------

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.conversation_id is None or self.job_id is not None:
            return
        self.input.clear()
        self.messages.append({"role": "user", "content": text, "id": None})
        self._begin()
        self.jobs.chat("send_message", self.conversation_id, text, on_done=self._started, on_error=self._failed)

    def regenerate(self) -> None:
        if self.conversation_id is None or self.job_id is not None:
            return
        last = next((m["id"] for m in reversed(self.messages) if m["role"] == "assistant" and m.get("id")), None)
        if last is None:
            self.status.setText(self.tr("Nothing to regenerate yet"))
            return
        self._begin()
        self.jobs.chat("regenerate", last, on_done=self._started, on_error=self._failed)

    def edit_message(self, message_id: str, text: str) -> None:
        if self.job_id is not None:
            return
        self._begin()
        self.jobs.chat("edit_message", message_id, text, on_done=self._started, on_error=self._failed)

    def branch(self, message_id: str) -> None:
        if self.conversation_id is None:
            return

        def start() -> Any:
            from reyna_desktop.processors import chat

            return chat.start_thread(self.store, message_id)

        workers.submit(start, on_done=self._opened_new,
                       on_error=lambda exc: self.error.emit(fill(self.tr("Could not branch: %1"), exc)))

    def _begin(self) -> None:
        self.job_id = "pending"
        self.stream_text = ""
        self.stop_button.setEnabled(True)
        self.send_button.setEnabled(False)
        self.regen_button.setEnabled(False)
        self.status.setText(self.tr("Thinking…"))
        self.render_messages()

    def _started(self, result: Any) -> None:
        job = result[-1] if isinstance(result, tuple) else result
        if job is None:  # an edit that needs no new reply
            self._end()
            self.reload()
            return
        self.job_id = str(getattr(job, "id", job))
        self.stream_text = self._early.pop(self.job_id, "")
        self.reload()
        state = getattr(job, "state", "")
        if state in ("succeeded", "failed", "cancelled"):
            self._finished(self.job_id, state, {"error": getattr(job, "error", None)})

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.status.setText("")
        self.error.emit(fill(self.tr("Chat failed: %1"), exc))
        self.reload()

    def _end(self) -> None:
        self.job_id = None
        self.stop_button.setEnabled(False)
        self.send_button.setEnabled(True)
        self.regen_button.setEnabled(True)

    def stop(self) -> None:
        if self.job_id and self.job_id != "pending":
            self.jobs.cancel(self.job_id)
            self.status.setText(self.tr("Stopping…"))

    def _partial(self, job_id: str, delta: str, text: str) -> None:
        if job_id != self.job_id:
            if self.job_id == "pending":
                self._early[job_id] = text
            return
        self.stream_text = text or self.stream_text + delta
        self.status.setText(self.tr("Writing…"))
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _finished(self, job_id: str, state: str, payload: dict[str, Any]) -> None:
        if job_id != self.job_id:
            return
        self._end()
        self.status.setText({"succeeded": "", "cancelled": self.tr("Stopped")}.get(state, self.tr("Failed")))
        if state == "failed":
            self.error.emit(fill(self.tr("The reply failed: %1"), payload.get("error") or self.tr("unknown error")))
        self.reload()

    def _link(self, url: QUrl) -> None:
        action, _, ident = url.toString().partition(":")
        if action == "open":
            self.open_blob.emit(ident)
        elif action == "quote":
            message_id, _, index = ident.rpartition(":")
            message = next((m for m in self.messages if m.get("id") == message_id), None)
            sources = [s for s in (message or {}).get("sources") or [] if isinstance(s, dict)]
            if index.isdigit() and int(index) < len(sources):
                source = sources[int(index)]
                self.open_passage.emit(str(source.get("blob_id", "")), str(source.get("snippet", "")))
        elif action == "copy":
            message = next((m for m in self.messages if m.get("id") == ident), None)
            if message:
                QApplication.clipboard().setText(message["content"])
                self.status.setText(self.tr("Copied"))
        elif action == "edit":
            message = next((m for m in self.messages if m.get("id") == ident), None)
            if message:
                text, ok = QInputDialog.getMultiLineText(self, self.tr("Edit message"), self.tr("Message:"),
                                                         message["content"])
                if ok and text.strip():
                    self.edit_message(ident, text.strip())
        elif action == "branch":
            self.branch(ident)
        elif action == "regen":
            self.regenerate()
        elif action == "alt":
            reply_id, _, shown = ident.partition(":")
            self.show_alternative(reply_id, int(shown))

    def show_alternative(self, reply_id: str, shown: int) -> None:
        """‹ / ›: show another text this reply has had (the newest stays what the next turn reads)."""
        self._shown_alternative[reply_id] = max(0, shown)
        self.render_messages()

    def on_event(self, event: Any) -> None:
        topic = event.topic
        if (topic.startswith("bucket.") and event.payload.get("type") in CONVERSATION_TYPES) or topic in (
                "bucket.deleted", "bucket.restored"):
            self.refresh_conversations()
        if (topic.startswith("bucket.blob.") and event.payload.get("bucket_id") == self.conversation_id
                and self.job_id is None):
            self.reload()
