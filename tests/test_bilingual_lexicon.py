"""Word translations mined from the corpus's own aligned translations carry words across languages."""

from __future__ import annotations

from embeddings.bilingual_lexicon import Lexicon
from embeddings.index import Index
from embeddings.passages import Passage


def _post(pid: str, lang: str, text: str) -> Passage:
    return Passage(id=pid, doc_id=pid, lang=lang, title="", date="", url="", section="", position=0, text=text)


def test_words_that_keep_appearing_in_aligned_paragraphs_translate_each_other() -> None:
    passages = [
        _post("a", "en", "The speakers met in Shanghai"), _post("b", "zh", "演讲者 在 上海 见面"),
        _post("c", "en", "Our speakers from Shanghai"), _post("d", "zh", "来自 上海 的 演讲者"),
        _post("e", "en", "Speakers only"), _post("f", "zh", "只有 演讲者"),
    ]
    twins = [{1}, {0}, {3}, {2}, {5}, {4}]
    lexicon = Lexicon.mine(passages, twins)
    assert "上海" in [word for word, _ in lexicon.translate("shanghai")]
    assert {"演讲者", "演讲", "讲者"} & {word for word, _ in lexicon.translate("speakers")}  # jieba's search words
    assert "shanghai" in [word for word, _ in lexicon.translate("上海")]
    expanded = lexicon.expand(["speakers", "演讲者"])
    translations = {w for term in ("speakers", "演讲者") for w, _ in lexicon.translate(term)}
    assert expanded and set(expanded) <= translations - {"speakers", "演讲者"} and len(set(expanded)) == len(expanded)


def test_the_index_stores_translations_mined_from_the_real_posts(docs_index: Index) -> None:
    assert len(docs_index.twins) == len(docs_index.passages)
    assert any(docs_index.twins), "no translated paragraphs found"
    assert "上海" in [word for word, _ in docs_index.lexicon.translate("shanghai")]
    spanish = [word for word, _ in docs_index.lexicon.translate("speakers")]
    assert any(word.startswith("ponente") for word in spanish), spanish


def test_a_word_spelled_alike_in_two_languages_keeps_each_languages_translations() -> None:
    """Keyed by (language, word): English "real" (true) and Spanish "real" (royal) are two words."""
    passages = [
        _post("a", "en", "a real story"), _post("b", "zh", "真实 的 故事"),
        _post("c", "en", "real people"), _post("d", "zh", "真实 的 人"),
        _post("e", "es", "el palacio real"), _post("f", "zh", "皇家 宫殿"),
        _post("g", "es", "la familia real"), _post("h", "zh", "皇家 家庭"),
    ]
    twins = [{1}, {0}, {3}, {2}, {5}, {4}, {7}, {6}]
    lexicon = Lexicon.mine(passages, twins)
    english = [word for word, _ in lexicon.translate("real", "en")]
    spanish = [word for word, _ in lexicon.translate("real", "es")]
    assert "真实" in english and "皇家" not in english
    assert "皇家" in spanish and "真实" not in spanish
    # A language that does not use the word as such (a name in a Chinese question) gets every language's.
    assert {"真实", "皇家"} <= {word for word, _ in lexicon.translate("real", "zh")}
    assert {"真实", "皇家"} <= {word for word, _ in lexicon.translate("real")}
    assert "真实" in lexicon.expand(["real"], "en") and "皇家" not in lexicon.expand(["real"], "en")
