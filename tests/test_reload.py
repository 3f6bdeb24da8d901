"""Hot reload (bot/slack/reload.py): a serving answerer swaps to a new index build once ``CURRENT`` names it,
and a build that cannot be loaded leaves the old one serving."""

from __future__ import annotations

from pathlib import Path

from sentence_transformers import SentenceTransformer
from support import copy_docs, settings_for

from bot.core.answerer import Answerer
from bot.slack.reload import IndexWatcher
from embeddings.index import build_index, load_index
from embeddings.search import HybridRetriever

NEW_POST = "en/2025/kubecon-na.md"


def test_a_new_build_is_swapped_in_and_a_broken_one_is_not(tmp_path: Path, model: SentenceTransformer) -> None:
    docs = copy_docs(tmp_path / "docs", exclude=(NEW_POST,))
    settings = settings_for(docs, tmp_path / "index")
    build_index(settings, model, progress=False)
    serving = [Answerer(HybridRetriever(load_index(settings.index_dir), model))]
    failures: list[int] = []
    watcher = IndexWatcher(settings.index_dir, lambda: serving[-1], serving.append,
                           on_failure=lambda: failures.append(1))
    assert watcher.check() is False  # nothing new

    (docs / NEW_POST).parent.mkdir(parents=True, exist_ok=True)
    (docs / NEW_POST).write_bytes((Path(__file__).resolve().parent.parent / "docs" / NEW_POST).read_bytes())
    build_index(settings, model, progress=False)  # what a sync does after writing the post
    assert watcher.check() is True
    old, new = serving
    added = {p.id for p in new.index.passages} - {p.id for p in old.index.passages}
    assert added and all("kubecon-na" in passage_id for passage_id in added)
    assert len(serving) == 2

    broken = settings.index_dir / "build-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    (settings.index_dir / "CURRENT").write_text("build-broken")
    assert watcher.check() is False and failures == [1]  # the old build keeps serving
    assert watcher.check() is False and failures == [1]  # and the broken one is not tried again
    assert serving[-1] is new
