"""Prompts and answers in the book's language (issue 17): the fixed texts' table, CJK sentences,
joins and checks, a Chinese question's terms, and, with the real default model, an expansion
and a chat reply about a Chinese chapter that come back in Chinese, and a Spanish refusal.

The Chinese chapter is the opening of Lu Xun's 狂人日记 (1918, public domain; see
tests/store/data/cjk_texts.py)."""

from __future__ import annotations

import re

import pytest

from reyna_desktop.book_language import bucket_language
from reyna_desktop.processors import chat
from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors.cjk_terms import question_runs, question_terms, segment
from reyna_desktop.processors.expansion_styles import STYLE_IDS
from reyna_desktop.processors.grounded_answer import whole_sentences
from reyna_desktop.processors.language import cjk_share, content_bigrams, ends_sentence, flatten, join, prompt_language
from reyna_desktop.processors.prompt_texts import CHINESE, ENGLISH, SPANISH, TEXTS, texts_for
from reyna_desktop.processors.retrieval import find_evidence
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.processors.summarizer import invented_names, summary_prompt
from reyna_desktop.processors.text_chunks import has_open_quote, sentences
from reyna_desktop.store import Store
from tests.llm.helpers import llm_settings, model_path, runner
from tests.processors.test_expansion_quality import in_order
from tests.store.data.cjk_texts import KUANGREN_RIJI

__all__ = ["llm_settings", "model_path", "runner"]  # fixtures used by name

# The start of entry 三 of 狂人日记 (after the opening in cjk_texts.py): a second chapter to tell apart.
ENTRY_THREE = (
    "晚上总是睡不着。凡事须得研究，才会明白。\n\n"
    "最奇怪的是昨天街上的那个女人，打他儿子，嘴里说道，“老子呀！我要咬你几口才出气！”他眼睛却看着我。"
    "我出了一惊，遮掩不住；那青面獠牙的一伙人，便都哄笑起来。陈老五赶上前，硬把我拖回家中了。\n\n"
    "拖我回家，家里的人都装作不认识我；他们的脸色，也全同别人一样。进了书房，便反扣上门，宛然是关了一只鸡鸭。"
)
DRAFT = "今天晚上月光很好。我三十多年没有见他了。赵家的狗看了我两眼。"
_BLOB_ID = re.compile(r"bl_[0-9a-f]+")


def chinese_book(store: Store, language: str | None = "zh-Hans") -> dict[str, str]:
    metadata = {"language": language} if language else {}
    book = store.buckets.create("狂人日记", "book", metadata=metadata)
    one = store.buckets.create("一", "chapter", parent_id=book.id)
    three = store.buckets.create("三", "chapter", parent_id=book.id)
    return {
        "book": book.id, "one": one.id,
        "opening": store.blobs.create({"content": KUANGREN_RIJI}, bucket_ids=[one.id], title="一").id,
        "entry_three": store.blobs.create({"content": ENTRY_THREE}, bucket_ids=[three.id], title="三").id,
    }


# -- the table and the script rules ------------------------------------------------------------

def test_every_language_has_every_fixed_text_and_every_style() -> None:
    assert set(TEXTS) >= {"en", "zh", "ja", "es", "fr", "de"}
    for code, texts in TEXTS.items():
        assert set(texts.styles) == set(STYLE_IDS), code
        assert "{terms}" in texts.not_mentioned and "{question}" in texts.ask, code
        assert "{after}" in texts.continue_ask and "{written}" in texts.continue_ask, code
        line = texts.style_line.format(label="x", guidance="y", example="z")
        assert "x" in line and "y" in line and "z" in line, code
        assert all(ex.example and ex.guidance for ex in texts.styles.values()), code
    assert texts_for("it") is ENGLISH  # a language the table lacks gets English, not an error


def test_the_prompt_language_comes_from_the_book_else_from_the_script(store: Store) -> None:
    assert prompt_language("zh-Hans-CN") == "zh" and prompt_language("es_MX") == "es"
    assert prompt_language(None, KUANGREN_RIJI) == "zh"
    assert prompt_language("", "吾輩は猫である。名前はまだ無い。") == "ja"
    assert prompt_language(None, "The storm broke at dawn.") == "en"
    assert prompt_language("en", KUANGREN_RIJI) == "en"  # the metadata wins over the script
    ids = chinese_book(store)
    assert bucket_language(store, ids["one"]) == "zh-Hans"  # from the book above the chapter
    plain = store.buckets.create("Loose", "folder")
    assert bucket_language(store, plain.id) is None


def test_chinese_and_japanese_sentences_end_at_their_own_stops() -> None:
    text = "今天晚上，很好的月光。我不见他，已是三十多年；今天见了。忍不住大声说，“你告诉我！”他们可就跑了。"
    assert sentences(text) == [
        "今天晚上，很好的月光。", "我不见他，已是三十多年；今天见了。", "忍不住大声说，“你告诉我！”", "他们可就跑了。"]
    assert sentences("吾輩は猫である。名前はまだ無い。") == ["吾輩は猫である。", "名前はまだ無い。"]
    quoted = "嘴里说道，“老子呀！我要咬你几口才出气！”他眼睛却看着我。「また遅刻だね。」と言った。"
    assert sentences(quoted) == [
        "嘴里说道，“老子呀！我要咬你几口才出气！”", "他眼睛却看着我。", "「また遅刻だね。」と言った。"]
    assert sentences("“Oh!” said she. Mr. Bennet left.") == ["“Oh!” said she.", "Mr. Bennet left."]  # unchanged
    assert has_open_quote("我大声打着哈欠：“你别上我家。") and not has_open_quote("“你告诉我！”他们可就跑了。")
    assert ends_sentence("他们可就跑了。") and ends_sentence("“你告诉我！”") and not ends_sentence("我便从头直冷到")


def test_pieces_join_without_spaces_between_cjk_and_with_one_elsewhere() -> None:
    assert join("月光很好。", "我三十多年没有见他了。") == "月光很好。我三十多年没有见他了。"
    assert join("“你告诉我！”", "他们可就跑了。") == "“你告诉我！”他们可就跑了。"
    assert join("He left.", "She stayed.") == "He left. She stayed."
    assert join("他说了 Tom", "的名字。") == "他说了 Tom 的名字。"
    assert flatten("我 怕得\n有理。 Then he went.") == "我怕得有理。 Then he went."
    assert cjk_share("今天晚上，很好的月光。") == 1.0 and cjk_share("The moon.") == 0.0
    assert cjk_share("月光 moon") == 2 / 6  # two characters of six letters


def test_checks_compare_cjk_by_character() -> None:
    assert content_bigrams("那赵家的狗") == {"赵家"}  # bigrams with 那, 的 are grammar
    assert checks.overlap("赵家的狗又看我。", "那赵家的狗，何以看我两眼呢？") > 0
    assert checks.has_label("问题：他是谁？") and checks.has_label("Pregunta: ¿quién?")
    assert not checks.has_label("他问了一个问题。")
    sample = CHINESE.styles["creative"].example
    assert checks.copied_from("我听见" + sample[:12], [sample])  # ten characters in a row
    assert not checks.copied_from("水壶响了。", [sample])
    assert checks.trigram_repeats("我怕得有理。我怕得有理。") == 3 / 8  # by character: 8 trigrams, 3 again
    assert checks.trigram_repeats("我怕得有理。", "他说我怕得有理。") == 1.0
    assert checks.tokens("Tom的狗") == ["tom", "的", "狗"]


def test_a_chinese_question_is_cut_into_the_books_own_words() -> None:
    book = "那赵家的狗何以看我两眼呢早上小心出门赵贵翁的眼色便怪"

    def occurs(piece: str) -> bool:
        return piece in book

    assert question_runs("赵家的狗为什么看我？") == ["赵家的狗", "看我"]
    assert segment("赵家的狗", occurs) == ["赵家的狗"]
    assert segment("孙悟空看我", occurs) == ["孙悟空", "看我"]  # unknown characters stay one term
    assert segment("早上出门", occurs) == ["早上", "出门"]
    assert segment("我大声说", lambda piece: piece in "我大哥说大声说") == ["我", "大声说"]  # from the right


def test_a_chinese_question_finds_its_passage_and_one_the_book_lacks_finds_none(store: Store) -> None:
    ids = chinese_book(store)
    found = find_evidence(store, ids["book"], "谁把我拖回家中？")
    assert [s.blob_id for s in found.sources][:1] == [ids["entry_three"]], found
    assert "陈老五赶上前，硬把我拖回家中了。" in found.sources[0].snippet
    dog = find_evidence(store, ids["book"], "赵家的狗看了我几眼？")
    assert [s.blob_id for s in dog.sources][:1] == [ids["opening"]]
    assert not find_evidence(store, ids["book"], "孙悟空住在哪座山上？").found
    assert question_terms(store, [ids["opening"], ids["entry_three"]], "赵家的狗看了我几眼？") == ["赵家的狗", "眼"]


def test_a_chinese_summary_prompt_is_chinese_and_copying_its_example_counts_as_invented() -> None:
    prompt = summary_prompt(ENTRY_THREE, CHINESE)
    assert prompt.startswith(CHINESE.summary_task) and prompt.endswith("\n概要：")
    assert "Text:" not in prompt and "Summary" not in prompt and "原文：晚上总是睡不着。" in prompt
    assert summary_prompt("The storm.").endswith("Text: The storm.\nSummary:")  # English as before
    assert invented_names("安娜把我拖回家中。", ENTRY_THREE, CHINESE) == ["安娜"]  # the example's name
    assert invented_names("陈老五把我拖回家中。", ENTRY_THREE, CHINESE) == []


def test_a_chinese_answer_line_must_be_whole_sentences() -> None:
    assert whole_sentences("陈老五把我拖回家中。") and whole_sentences("“你告诉我！”他们可就跑了。")
    assert not whole_sentences("吃人”字是“吃人”的字。")  # a quotation closed that never opened
    assert not whole_sentences("<blockquote>“我大哥，你挖了你的心肝。")
    assert not whole_sentences("我插了一句嘴，你听了")  # cut off


# -- with the real model -------------------------------------------------------------------------

@pytest.mark.slow
def test_an_expansion_of_a_chinese_chapter_comes_back_in_chinese_and_keeps_the_draft(
    store: Store, runner: JobRunner
) -> None:
    ids = chinese_book(store)
    draft = store.blobs.create({"content": DRAFT}, bucket_ids=[ids["one"]], title="草稿").id
    job = runner.wait(runner.submit("text-expansion", {"blob_id": draft}, {"candidates": 2}).id, 600)
    assert job.state == "succeeded", job.error
    data = store.blobs.data(job.result_blob_id or "")
    expanded = data["expanded"]
    assert in_order(sentences(DRAFT), expanded), expanded
    added = expanded
    for sentence in sentences(DRAFT):
        added = added.replace(sentence, "", 1)
    assert len(added) >= 10 and data["expansion_ratio"] > 1.3, expanded  # the model did write
    assert cjk_share(added) >= 0.8, expanded
    assert " " not in expanded.strip(), expanded  # Chinese sentences are joined without spaces
    assert not checks.has_label(expanded), expanded


@pytest.mark.slow
def test_a_chat_question_about_a_chinese_chapter_gets_a_chinese_reply_with_its_source(
    store: Store, runner: JobRunner
) -> None:
    ids = chinese_book(store)
    conversation = chat.create_conversation(store, "关于这本书", attached_bucket_id=ids["book"])
    _, job = chat.send_message(store, runner, conversation.id, "谁把我拖回家中？")
    done = runner.wait(job.id, 300)
    assert done.state == "succeeded", done.error
    data = store.blobs.data(done.result_blob_id or "")
    content = str(data["content"])
    assert [s["blob_id"] for s in data["sources"]][:1] == [ids["entry_three"]], content
    assert "陈老五" in content and CHINESE.sources in content, content
    assert cjk_share(_BLOB_ID.sub("", content)) >= 0.8, content

    _, job = chat.send_message(store, runner, conversation.id, "孙悟空住在哪座山上？")
    refused = store.blobs.data(runner.wait(job.id, 120).result_blob_id or "")
    assert refused["content"].startswith("你的项目里没有提到这一点") and refused["sources"] == [], refused


@pytest.mark.slow
def test_a_spanish_books_refusal_is_in_spanish(store: Store, runner: JobRunner) -> None:
    book = store.buckets.create("El faro", "book", metadata={"language": "es"})
    store.blobs.create({"content": "El viejo Tomás enciende la lámpara del faro cada noche."}, bucket_ids=[book.id])
    conversation = chat.create_conversation(store, "Sobre el libro", attached_bucket_id=book.id)
    _, job = chat.send_message(store, runner, conversation.id, "¿Qué barco se hundió en el puerto?")
    done = runner.wait(job.id, 120)
    assert done.state == "succeeded", done.error
    content = str(store.blobs.data(done.result_blob_id or "")["content"])
    assert content.startswith(SPANISH.not_mentioned.split(":")[0]) and "«" in content, content


@pytest.mark.slow
def test_a_chinese_chapter_is_summarised_in_chinese(store: Store, runner: JobRunner) -> None:
    ids = chinese_book(store)
    job = runner.wait(runner.submit("summarizer", {"blob_id": ids["entry_three"]}, {"max_tokens": 60}).id, 300)
    assert job.state == "succeeded", job.error
    summary = str(store.blobs.data(job.result_blob_id or "")["summary"])
    assert summary and cjk_share(summary) >= 0.8, summary
