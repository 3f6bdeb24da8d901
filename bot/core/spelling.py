"""Misspelt names in a question corrected to the names the documents use, before anything else reads it.

Slack questions are typed fast: "istocon 2022", "kubecon eruopa", "the salesfroce talk", "meetup in bejing".
A misspelt name finds no passage by its letters, names no event, and looks like a name no document uses,
which grounding reads as a talk that does not exist. :class:`Speller` replaces such a word by the name it is
nearest to in Damerau-Levenshtein distance (rapidfuzz), only where that is safe:

- the word is Latin, has at least :data:`MIN_LENGTH` letters (shorter ones are too near too many others:
  "uber" is one edit from "user", Spanish "chino" from "china", "pairs" from "paris") and no document uses
  it (a document's word is never "corrected");
- the correction is a word of a *name* the knowledge holds (an event, a place, a company): the documents'
  ordinary words are not targets, since their inflections ("propuestas", "fechas", "cuanto") are missing
  from a small corpus and would be "corrected" into other words ("cuando"); nor are people's names, which
  are near too many words ("Japón" is one edit from "Jason");
- it starts with the same letter and is one edit away (two for words of :data:`TWO_EDITS_FROM` letters or
  more); among equally near names the one more passages use wins.

A person's name is corrected only beside the rest of it: "Gregory Hansen" is Gregory Hanson and "Rajath Rames"
Rajath Ramesh when the program has that speaker (:meth:`Speller.correct`, ``people``), one word written as the
program writes it and the other one edit away.

Chinese is left alone (jieba's words are not typed letter by letter).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from embeddings.bm25 import fold

MIN_LENGTH = 6
PERSON_WORD = 4
"""Letters each word of a person's name needs for a one-edit correction beside the other ("Hansen" → Hanson)."""
TWO_EDITS_FROM = 9

_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"^[a-z]+$")


class Speller:
    """Corrects misspelt names of a question (see the module docstring)."""

    def __init__(self, names: Mapping[str, int], known: Callable[[str], bool],
                 people: Iterable[str] = ()) -> None:
        """``names``: each folded word of a known name → how many passages use it; ``known``: whether the
        documents use a folded word (such a word is never corrected); ``people``: speakers' names, each word of
        which is corrected only next to another word of the same name."""
        self._known = known
        self._people: dict[str, list[tuple[str, str]]] = {}
        """A folded word of a person's name → (the word beside it, as the program writes it) for each name."""
        for person in people:
            words = _WORD.findall(person)
            for a, b in itertools.pairwise(words):
                if len(a) >= PERSON_WORD and len(b) >= PERSON_WORD:
                    self._people.setdefault(fold(a), []).append((fold(b), b))
                    self._people.setdefault(fold(b), []).append((fold(a), a))
        self._weight = dict(names)
        self._by_letter: dict[str, list[str]] = {}
        for word in sorted(names):
            if _LATIN.match(word) and len(word) >= MIN_LENGTH - 1:
                self._by_letter.setdefault(word[0], []).append(word)

    def suggest(self, word: str) -> str | None:
        """The name this word misspells, or None (a known word, too short, or no name near enough)."""
        folded = fold(word)
        if len(folded) < MIN_LENGTH or not _LATIN.match(folded) or self._known(folded):
            return None
        edits = 2 if len(folded) >= TWO_EDITS_FROM else 1
        near = process.extract(folded, self._by_letter.get(folded[0], []), scorer=DamerauLevenshtein.distance,
                               score_cutoff=edits, limit=None)
        if not near:
            return None
        closest = min(distance for _, distance, _ in near)
        return max((name for name, distance, _ in near if distance == closest),
                   key=lambda name: (self._weight.get(name, 0), name))

    def correct(self, question: str) -> str:
        """The question with its misspelt names corrected; everything else as written."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            suggestion = self.suggest(word)
            if suggestion is None or suggestion == fold(word):
                return word
            return suggestion.capitalize() if word[0].isupper() else suggestion

        return self._correct_people(_WORD.sub(fix, question))

    def _correct_people(self, question: str) -> str:
        """A word one edit from a speaker's name word, written beside another word of that name, becomes it."""
        words = list(_WORD.finditer(question))
        fixes: dict[int, tuple[int, str]] = {}
        for left, right in itertools.pairwise(words):
            if question[left.end():right.start()].strip():
                continue  # not two words of one name
            for known, other in ((left, right), (right, left)):
                typed = fold(other.group(0))
                if len(typed) < PERSON_WORD or not _LATIN.match(typed):
                    continue
                near = [written for partner, written in self._people.get(fold(known.group(0)), [])
                        if partner != typed and DamerauLevenshtein.distance(partner, typed, score_cutoff=1) <= 1]
                if len(set(near)) == 1:
                    fixes[other.start()] = (other.end(), near[0])
        for start in sorted(fixes, reverse=True):
            end, written = fixes[start]
            question = question[:start] + written + question[end:]
        return question
