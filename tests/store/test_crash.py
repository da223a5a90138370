"""A process saving blobs is killed with SIGKILL at random moments: nothing returned is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reyna_desktop.store import Store

WRITER = r"""
import sys
from reyna_desktop.store import Store
store = Store.open(sys.argv[1], inline_threshold=4096)
bucket = sys.argv[2]
i = 0
while True:
    text = f"save {sys.argv[3]}-{i} " + ("lorem ipsum " * (i % 7) * 200)
    blob = store.blobs.create({"content": text}, bucket_ids=[bucket])
    print(blob.id, len(text), flush=True)
    i += 1
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_returned(private_dirs: Path) -> None:
    with Store.open(private_dirs) as store:
        bucket = store.buckets.create("Crash target", "chapter").id
    rng = random.Random(20261121)
    acknowledged: dict[str, int] = {}
    for round_number in range(20):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(private_dirs), bucket, str(round_number)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is saving now
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate()
        # A kill while the child was writing its acknowledgement leaves half a line: not acknowledged.
        for line in (first + rest).split("\n")[:-1]:
            blob_id, size = line.split()
            acknowledged[blob_id] = int(size)
        with Store.open(private_dirs) as store:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            report = store.check()
            assert report.damaged == [] and report.missing == []
            for blob_id, size in acknowledged.items():
                assert len(store.blobs.text(blob_id)) == size
            assert list(store.content.tmp.iterdir()) == []
    assert len(acknowledged) >= 20  # at least one acknowledged save per kill
