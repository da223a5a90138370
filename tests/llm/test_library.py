"""Importing local .gguf files, the catalogue file, and what fits this machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reyna_desktop.errors import ReynaError
from reyna_desktop.llm.catalogue import Machine, fit, load_catalogue
from reyna_desktop.llm.gguf_info import NotAModel, read_gguf_info
from reyna_desktop.llm.library import ModelLibrary
from tests.llm.helpers import model_path  # noqa: F401  (fixture)


def test_import_copy_and_reference(model_path: Path, tmp_path: Path) -> None:  # noqa: F811
    library = ModelLibrary(tmp_path / "models")
    copied = library.import_file(model_path, model_id="copied")
    assert copied.source == "copy" and Path(copied.path).parent == library.folder
    assert copied.architecture == "gemma3" and copied.context_length == 32768 and not copied.has_chat_template
    referenced = library.import_file(model_path, copy=False)
    assert referenced.source == "reference" and referenced.path == str(model_path.resolve())
    assert referenced.sha256 == copied.sha256 == load_catalogue().get("gemma-3-270m-base").sha256
    assert sorted(m.id for m in library.installed()) == ["copied", "gemma-3-270m-q4_k_m"]
    library.remove(referenced.id)
    assert model_path.exists()  # a referenced file is the user's: never deleted
    library.remove("copied")
    assert not Path(copied.path).exists() and library.installed() == []


def test_import_refuses_a_text_file_renamed_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "novel.gguf"
    fake.write_text("Chapter one. It was a dark and stormy night.")
    with pytest.raises(NotAModel, match="is not a GGUF model"):
        ModelLibrary(tmp_path / "models").import_file(fake)
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize("keep", [120_000_000, 3_000_000, 20])
def test_import_refuses_a_truncated_gguf(model_path: Path, tmp_path: Path, keep: int) -> None:  # noqa: F811
    cut = tmp_path / "cut.gguf"
    with model_path.open("rb") as source:
        cut.write_bytes(source.read(keep))
    with pytest.raises(NotAModel, match="truncated"):
        ModelLibrary(tmp_path / "models").import_file(cut)
    assert not (tmp_path / "models" / "cut.gguf").exists()


def test_shipped_catalogue_loads_and_says_what_it_could_not_check() -> None:
    catalogue = load_catalogue()
    ids = [e.id for e in catalogue.models]
    assert "gemma-3-270m-base" in ids and len(ids) >= 7
    for entry in catalogue.models:
        assert entry.verified == (entry.sha256 is not None), entry.id


def test_catalogue_errors_name_the_entry_and_field(tmp_path: Path) -> None:
    data = json.loads((Path(__file__).parents[2] / "resources" / "models.json").read_text())
    data["models"][2]["size_bytes"] = -5
    bad = tmp_path / "models.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ReynaError, match=r"models\.2\.size_bytes"):
        load_catalogue(bad)


def test_fit_gives_the_reason() -> None:
    catalogue = load_catalogue()
    small, big = catalogue.get("gemma-3-1b-it"), catalogue.get("mistral-small-3.2-24b-instruct")
    laptop = Machine(total_ram=8 * 1024**3, available_ram=6 * 1024**3, free_disk=100 * 1024**3, gpu_offload=False)
    assert fit(small, laptop).fits and "CPU only" in fit(small, laptop).reason
    verdict = fit(big, laptop)
    assert not verdict.fits and "needs 18.00 GiB of RAM; this machine has 8.00 GiB" in verdict.reason
    full_disk = Machine(total_ram=64 * 1024**3, available_ram=60 * 1024**3, free_disk=1024**3, gpu_offload=True)
    assert "of disk" in fit(small, full_disk).reason and not fit(small, full_disk).fits
    assert fit(big, full_disk, installed=True).fits


def test_gguf_info_reads_the_default_model(model_path: Path) -> None:  # noqa: F811
    info = read_gguf_info(model_path)
    assert (info.architecture, info.block_count, info.head_count_kv, info.tensor_count) == ("gemma3", 18, 1, 236)
