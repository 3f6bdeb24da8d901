"""Cross-lingual retrieval on the real posts: a question finds the paragraph in whatever language it exists.

docs/ has the 2023 and 2025 KubeCon EU recaps in several languages. The tests index a copy of docs/
in which the 2023 recap exists only in English and Chinese (its Spanish version removed) and the 2025
recap only in Spanish (its other versions removed); all of its passages are already in the session's
embedding cache, so this costs no embedding. The questions are worded here, not taken from a question
set. Bars are on the whole set of questions, with a margin below what was measured: the encoder's
floats differ slightly between CPUs, which can move a question at the edge of a rank.
"""

from __future__ import annotations

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from support import copy_docs, settings_for

from bot.core.answerer import RANKED, Answerer
from bot.core.evaluate import is_relevant
from embeddings.index import BuildReport, Index, build_index, load_index
from embeddings.search import DenseRetriever, Hit, HybridRetriever

# Asked in Spanish, answered by the 2023 recap (which, in the subset index, exists only in en and zh).
SPANISH_ABOUT_2023 = [
    ("¿Quién habló sobre el cumplimiento de controles con Istio en 2023?", "gIntE4Nn5r4"),
    ("¿Qué empresa neerlandesa dio la primera charla de usuario final en el Istio Day de Ámsterdam?", "Gb_I2RJr8kQ"),
    ("¿Cómo protege Bloomberg su información financiera con Istio?", "f6jMix46ZD8"),
    ("¿Quiénes presentaron la actualización de la hoja de ruta de 2023?", "GQccKyVe0R8"),
    ("¿Qué anunció Tetrate en Ámsterdam?", "introducing-tetrate-service-express"),
    ("¿Qué charlas relámpago hubo en el Istio Day Europe 2023?", "Onsukvmmm50"),
]

# Asked in English or Chinese, answered only by the Spanish 2025 recap.
OTHERS_ABOUT_2025 = [
    ("en", "Who opened Istio Day Europe 2025 with the keynote?", "v10UpNQIoT0"),
    ("en", "Which talk covered Istio ambient mesh support on Windows?", "sULnWlj8sR8"),
    ("en", "Who from BlackRock spoke about multi-cluster Istio?", "WpEkfVGWmd8"),
    ("en", "What did SAP present about GenAI platforms in multi-tenant environments?", "j2jS_62N19I"),
    ("zh", "谁在 2025 年伦敦 Istio Day 上讲了 Windows 上的 ambient mesh？", "sULnWlj8sR8"),
    ("zh", "BlackRock 的演讲者讲了什么多集群话题？", "WpEkfVGWmd8"),
    ("zh", "Kiali 2.0 排查 ambient 网格问题的演讲是谁做的？", "kodNy436ND0"),
]


@pytest.fixture(scope="module")
def subset_build(
    tmp_path_factory: pytest.TempPathFactory, model: SentenceTransformer, docs_build: BuildReport
) -> tuple[BuildReport, Index]:
    """docs/ with the 2023 recap only in English and Chinese, and the 2025 recap only in Spanish."""
    root = tmp_path_factory.mktemp("subset")
    docs = copy_docs(root / "docs", exclude=(
        "es/2023/istio-at-kubecon-eu.md", "en/2025/istio-at-kubecon-eu.md", "zh/2025/istio-at-kubecon-eu.md",
        "uk/2025/istio-at-kubecon-eu.md",
    ))
    settings = settings_for(docs, root / "index")
    report = build_index(settings, model, progress=False)
    return report, load_index(settings.index_dir)


@pytest.fixture(scope="module")
def subset_answerer(subset_build: tuple[BuildReport, Index], model: SentenceTransformer) -> Answerer:
    return Answerer(HybridRetriever(subset_build[1], model))


def _rank(hits: list[Hit], anchor: str) -> int | None:
    return next((i + 1 for i, hit in enumerate(hits) if is_relevant(hit.passage, (anchor,))), None)


def test_subset_index_reused_cached_embeddings(subset_build: tuple[BuildReport, Index]) -> None:
    report, index = subset_build
    # Only event cards can be new (they list the posts about each event); every paragraph is reused.
    assert report.embedded <= sum(p.kind == "event" for p in index.passages) and report.reused > 0
    assert {p.lang for p in index.passages if p.group == ("2023", "istio-at-kubecon-eu")} == {"en", "zh"}
    assert {p.lang for p in index.passages if p.group == ("2025", "istio-at-kubecon-eu")} == {"es"}


def test_spanish_question_finds_english_or_chinese_paragraph(subset_answerer: Answerer) -> None:
    """Spanish questions find the en/zh paragraph: most of them in the ranked list, several near the top."""
    ranks: dict[str, int | None] = {}
    for question, anchor in SPANISH_ABOUT_2023:
        hits = subset_answerer.rank(question, "es")
        rank = _rank(hits, anchor)
        if rank is not None:
            assert hits[rank - 1].passage.lang in {"en", "zh"}
        ranks[question] = rank
    found = [r for r in ranks.values() if r is not None]
    # Measured (AVX2, 2026-11): 3 of 6 in the list, 2 in the top 5. Cross-lingual retrieval is weak
    # here (issue 9); the bars guard against losing it altogether.
    assert len(found) >= 2, ranks
    assert sum(r <= 5 for r in found) >= 1, ranks


def test_english_or_chinese_question_finds_spanish_paragraph(subset_answerer: Answerer) -> None:
    """With the 2025 recap only in Spanish, English and Chinese questions still find it near the top."""
    ranks: dict[str, int | None] = {}
    for lang, question, anchor in OTHERS_ABOUT_2025:
        hits = subset_answerer.rank(question, lang)
        rank = _rank(hits, anchor)
        if rank is not None:
            assert hits[rank - 1].passage.doc_id == "es/2025/istio-at-kubecon-eu"
        ranks[question] = rank
    found = [r for r in ranks.values() if r is not None]
    assert len(found) >= 5, ranks  # measured: 6 of 7 in the list, 4 in the top 3
    assert sum(r <= 3 for r in found) >= 3, ranks


def test_own_language_paragraph_is_preferred_when_it_exists(answerer: Answerer) -> None:
    """With all three versions indexed, a Spanish question gets the Spanish version of the paragraph."""
    for question, anchor in SPANISH_ABOUT_2023[:4]:
        hits = answerer.rank(question, "es")
        rank = _rank(hits, anchor)
        assert rank is not None and rank <= 3, (question, rank)
        assert hits[rank - 1].passage.lang == "es"


def test_retriever_finds_all_language_versions(answerer: Answerer) -> None:
    """The raw retriever (before de-duplication) ranks the paragraph in more than one language."""
    hits = answerer.retriever.search("¿Cómo protege Bloomberg su información financiera con Istio?", k=10)
    langs = {hit.passage.lang for hit in hits if is_relevant(hit.passage, ("f6jMix46ZD8",))}
    assert "es" in langs and len(langs) >= 2, langs


def _mrr(dense: DenseRetriever, index: Index, questions: list[tuple[str, str]]) -> tuple[float, float]:
    """MRR over all passages, ranked by raw cosine and by language-centred score."""
    raw_rr, centred_rr = [], []
    for question, anchor in questions:
        ids, raw, _ = dense.scores(dense.encode(question), len(index.passages))
        relevant = np.array([is_relevant(index.passages[i], (anchor,)) for i in ids])
        centred_rr.append(1 / (int(np.argmax(relevant)) + 1))
        by_raw = relevant[np.argsort(-raw, kind="stable")]
        raw_rr.append(1 / (int(np.argmax(by_raw)) + 1))
    return float(np.mean(raw_rr)), float(np.mean(centred_rr))


def test_language_centring_helps_cross_lingual_dense_retrieval(
    answerer: Answerer, subset_build: tuple[BuildReport, Index], model: SentenceTransformer
) -> None:
    """Without centring, passages in the question's language win; centring lifts the right one."""
    subset = subset_build[1]
    zh_questions = [(q, a) for lang, q, a in OTHERS_ABOUT_2025 if lang == "zh"]
    raw, centred = _mrr(DenseRetriever(subset, model), subset, zh_questions)
    assert centred > raw, (raw, centred)
    raw, centred = _mrr(DenseRetriever(subset, model), subset, SPANISH_ABOUT_2023)
    assert centred > raw, (raw, centred)


def test_centring_subtracts_the_querys_mean_similarity_per_language(
    docs_index: Index, model: SentenceTransformer
) -> None:
    dense = DenseRetriever(docs_index, model)
    query = dense.encode("opening keynote of Istio Day")
    ids, raw, centred = dense.scores(query, 20)
    for i, r, c in zip(ids, raw, centred, strict=True):
        lang = docs_index.passages[i].lang
        assert c == pytest.approx(r - float(docs_index.centroids[lang] @ query), abs=1e-5)
    assert list(centred) == sorted(centred, reverse=True)


def test_hits_explain_their_channels(answerer: Answerer, docs_index: Index, model: SentenceTransformer) -> None:
    """Hybrid hits carry dense, cosine and (for matching words) BM25 scores; dense hits carry dense ones."""
    hits = answerer.retriever.search("Bloomberg Alexa Griffith Zhenni Fu", k=5)
    assert is_relevant(hits[0].passage, ("f6jMix46ZD8",))
    first = hits[0].channels
    assert first.dense is not None and first.cosine is not None and first.bm25 is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    dense_hits = DenseRetriever(docs_index, model).search("Bloomberg financial information", k=RANKED)
    assert len(dense_hits) == RANKED
    assert all(h.channels.dense is not None and h.channels.cosine is not None for h in dense_hits)
    assert all(h.channels.bm25_rank is None for h in dense_hits)


def test_dense_retriever_can_replace_hybrid(docs_index: Index, model: SentenceTransformer) -> None:
    """The answer stage depends only on the Retriever interface: the dense retriever alone still answers."""
    answer = Answerer(DenseRetriever(docs_index, model)).ask("Who talked about using Istio for controls compliance?")
    assert not answer.abstained
    shown = " ".join(s.text for s in answer.quotes) + " ".join(ln.url for ln in answer.links)
    assert "Zack Butcher" in shown or "gIntE4Nn5r4" in shown
    # Without BM25 there is no calibration to use: the documented dense rule still declines off-topic.
    assert Answerer(DenseRetriever(docs_index, model)).ask("How do I bake sourdough bread at home?").abstained


def test_an_index_assembled_without_translations_still_answers(docs_index: Index, model: SentenceTransformer) -> None:
    bare = Index(docs_index.passages, docs_index.vectors, docs_index.centroids, docs_index.manifest, docs_index.events)
    assert len(bare.twins) == len(bare.passages)
    answer = Answerer(HybridRetriever(bare, model)).ask("Who talked about using Istio for controls compliance?")
    assert not answer.abstained
