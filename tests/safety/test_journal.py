"""The crash journal: typed text survives a SIGKILL and is offered back, then saved as a version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from reyna_desktop.safety.journal import Journal
from reyna_desktop.store import Store

EDITOR = textwrap.dedent(
    """
    import sys, time
    from reyna_desktop.safety.journal import Journal
    journal = Journal(sys.argv[1])
    text = "Saved line.\\n"
    for i in range(10_000):
        text += f"typed word {i} "
        journal.record(sys.argv[2], text)
        if i in (20, 40):
            print(f"typed {i}", flush=True)
        time.sleep(0.01)
    """
)


def test_record_pending_recover_clear(store: Store) -> None:
    blob = store.blobs.create({"content": "first"})
    journal = Journal(store.data_dir)
    journal.record(blob.id, "first")
    assert journal.pending(store) == []  # same text as the store: nothing to offer (and cleared)
    assert journal.entries() == []
    journal.record(blob.id, "first and more", base_version=1)
    [entry] = journal.pending(store)
    assert entry.text == "first and more" and entry.store_text == "first" and entry.base_version == 1
    saved = journal.recover(store, entry)
    assert saved.version == 2 and store.blobs.data(blob.id)["content"] == "first and more"
    assert "recovered" in store.blobs.history(blob.id)[0].note
    assert journal.pending(store) == []


def test_entry_for_a_purged_blob_becomes_a_new_blob(store: Store) -> None:
    journal = Journal(store.data_dir)
    journal.record("bl_gone", "orphan text")
    [entry] = journal.pending(store)
    assert entry.blob_missing
    saved = journal.recover(store, entry)
    assert store.blobs.data(saved.id)["content"] == "orphan text" and "recovered" in saved.tags


def test_journal_survives_sigkill_of_the_editor_process(store: Store) -> None:
    blob = store.blobs.create({"content": "Saved line.\n"})
    child = subprocess.Popen([sys.executable, "-c", EDITOR, str(store.data_dir), blob.id],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "typed 20"
    assert child.stdout.readline().strip() == "typed 40"  # killed while it goes on typing
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    journal = Journal(store.data_dir)
    # What a kill during a write leaves: a temp file beside the entries. It must be ignored.
    (journal.folder / f".{blob.id}.json.half.tmp").write_text('{"text": "Saved li')
    [entry] = journal.pending(store)  # the entry is whole: an atomic rename, never half-written
    typed = int(entry.text.split()[-1])
    assert typed >= 40
    assert entry.text == "Saved line.\n" + "".join(f"typed word {i} " for i in range(typed + 1))
    journal.recover(store, entry)
    assert store.blobs.data(blob.id)["content"] == entry.text
    assert store.blobs.get(blob.id).version == 2
