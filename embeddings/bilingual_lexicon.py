"""A bilingual lexicon mined from the corpus's own translations, to carry question words across languages.

BM25 only matches words spelled alike, so an English question about "Shanghai" never meets a Chinese-only
paragraph about 上海 by words. The posts translated into several languages are aligned paragraph by
paragraph (:mod:`embeddings.translations`); a word and its translation keep appearing in aligned
paragraphs together and rarely apart. The Dice coefficient of those co-occurrences ranks, for each word,
the words of the other languages that translate it. Nothing is written by hand: what the corpus does not
translate, the lexicon does not know.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from embeddings.bm25 import tokenize
from embeddings.passages import Passage

MIN_PAIRS = 2
"""A word pair must co-occur in at least this many aligned paragraph pairs."""
MIN_DICE = 0.4
"""...and co-occur in at least this share of the pairs either word is in (Dice coefficient)."""
PER_WORD = 2
"""At most this many translations per word and language."""


Translations = dict[str, dict[str, list[tuple[str, float]]]]
"""language → word → [(translation, Dice)], best first, at most PER_WORD per target language."""


class Lexicon:
    """For a word of a language, its translations in the corpus's other languages, best first.

    Keyed by (language, word): a word spelled alike in two languages is two words ("once" is eleven in
    Spanish, "real" is royal or actual), each with its own translations.
    """

    def __init__(self, translations: Translations) -> None:
        self._translations = translations

    def to_dict(self) -> Translations:
        return self._translations

    def translate(self, term: str, lang: str | None = None) -> list[tuple[str, float]]:
        """The translations of ``term`` written in ``lang``; a word that language does not use as such (a
        name in a Chinese question, a question in a language the posts are not translated from) gets those
        of every language, best score per translation."""
        own = self._translations.get(lang, {}).get(term) if lang else None
        if own is not None:
            return own
        best: dict[str, float] = {}
        for words in self._translations.values():
            for other, dice in words.get(term, []):
                best[other] = max(best.get(other, 0.0), dice)
        return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))

    def expand(self, terms: list[str], lang: str | None = None) -> list[str]:
        """The translations of ``terms`` (of language ``lang``) that are not already among them (each once)."""
        present = set(terms)
        added: list[str] = []
        for term in dict.fromkeys(terms):
            for other, _ in self.translate(term, lang):
                if other not in present:
                    present.add(other)
                    added.append(other)
        return added

    @classmethod
    def mine(
        cls, passages: list[Passage], twins: list[set[int]], langs: tuple[str, ...] = ("en", "es", "zh")
    ) -> Lexicon:
        """Dice-ranked word translations over every aligned pair of paragraphs in two of ``langs``.

        Words both paragraphs share (names, numbers) need no translation and are left out of the pairs.
        """
        words = [frozenset(tokenize(p.embedding_text)) if p.lang in langs and p.kind == "post" else frozenset()
                 for p in passages]
        frequency: Counter[tuple[str, str, str]] = Counter()  # (language, other language, word): pairs it is in
        together: Counter[tuple[str, str, str, str]] = Counter()  # (language, other language, word, translation)
        for i, others in enumerate(twins):
            for j in others:
                a, b = passages[i].lang, passages[j].lang
                if j <= i or a == b or not words[i] or not words[j]:
                    continue
                frequency.update((a, b, w) for w in words[i])
                frequency.update((b, a, v) for v in words[j])
                for w in words[i] - words[j]:
                    for v in words[j] - words[i]:
                        together[(a, b, w, v)] += 1
                        together[(b, a, v, w)] += 1
        found: dict[tuple[str, str], dict[tuple[str, str], float]] = defaultdict(dict)  # (language, word) → …
        for (a, b, w, v), count in together.items():
            if count < MIN_PAIRS:
                continue
            dice = 2 * count / (frequency[(a, b, w)] + frequency[(b, a, v)])
            if dice >= MIN_DICE:
                found[(a, w)][(b, v)] = dice
        translations: Translations = defaultdict(dict)
        for (a, w), candidates in sorted(found.items()):
            kept: list[tuple[str, float]] = []
            for lang in langs:
                # Ties go to the word first in alphabetical order: set order changes with each process's hashing.
                best = sorted(((v, d) for (b, v), d in candidates.items() if b == lang), key=lambda c: (-c[1], c[0]))
                kept += [(v, round(d, 3)) for v, d in best[:PER_WORD]]
            translations[a][w] = kept
        return cls(dict(translations))
