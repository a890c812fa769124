"""Ticket routing (派单建议): the top units for a ticket's text and town, learned from past assignments.

Character n-gram TF-IDF and a multinomial logistic regression; no word segmentation, no network, no downloaded
model. Each unit's duty list (权责清单) is split into pseudo-examples, so a unit nobody has assigned a ticket to yet can
still be suggested, and a model trained on duty lists alone works.

Location: a ticket about a local matter goes to the town/street where it happens, whichever town that is. The
classifier therefore learns one pooled target, "the ticket's own town", from the local tickets of every town;
at suggestion time its probability goes to the ticket's town, or, when the town is unknown, is shared among the
towns by a second classifier that reads the town from the text (村名, 路名, 镇名).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB

FORMAT_TAG = b"gongjian-routing/1"
MAX_TEXT_CHARS = 1000  # tickets run to a few hundred characters; bounds suggest() time on pasted documents
_DUTY_SEPARATORS = re.compile(r"[\s、，,；;。.]+")
_OWN_TOWN = None  # the pooled target "the ticket's own town"
_C = 3.0  # measured: 1 underfits duty lists and small histories; 10 overfits mid-sized ones (3,000 tickets)


@dataclass(frozen=True)
class Example:
    text: str
    unit: int
    town: int | None = None


@dataclass(frozen=True)
class Suggestion:
    unit: int
    confidence: float


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)


def _classifier() -> LogisticRegression:
    # newton-cg, not the default lbfgs: same accuracy, 2-10x faster here (lbfgs spends its time in its own bookkeeping
    # over features x units parameters), and deterministic without a random state
    return LogisticRegression(C=_C, solver="newton-cg", max_iter=300)


def _clean(text: str) -> str:
    return (text or "")[:MAX_TEXT_CHARS]


class RoutingModel:
    n_examples: int
    classes: list[int]

    def __init__(self, *, vectorizer: TfidfVectorizer | None, targets: list[int | None],
                 classifier: LogisticRegression | None,
                 town_classifier: ComplementNB | None, towns: frozenset[int], town_of: Mapping[int, int],
                 n_examples: int) -> None:
        self._vectorizer = vectorizer
        self._targets = targets  # classifier output column -> unit id, or _OWN_TOWN
        self._classifier = classifier
        self._town_classifier = town_classifier
        self._towns = towns
        self._town_of = dict(town_of)
        self.n_examples = n_examples
        units = {t for t in targets if t is not _OWN_TOWN}
        if _OWN_TOWN in targets:
            units |= towns
        self.classes = sorted(units)

    @classmethod
    def train(cls, examples: Sequence[Example], duty_lists: Mapping[int, str], *,
              town_units: Mapping[int, int] | None = None) -> RoutingModel:
        """`town_units` maps a place's unit id (a village, a grid, or a town itself) to its town/street/zone unit
        id; towns are its values plus every town named on an example."""
        town_of = dict(town_units or {})
        towns = frozenset(town_of.values()) | {town_of.get(e.town, e.town) for e in examples if e.town is not None}
        texts: list[str] = []
        labels: list[int | None] = []
        for example in examples:
            texts.append(_clean(example.text))
            labels.append(_target(example, town_of, towns))
        pseudo_examples = {(item, _OWN_TOWN if unit in towns else unit): None
                           for unit, duty_list in sorted(duty_lists.items()) for item in _duty_items(duty_list)}
        for item, target in pseudo_examples:
            texts.append(item)
            labels.append(target)
        targets = sorted(set(labels), key=lambda t: -1 if t is _OWN_TOWN else t)
        if not targets:
            return cls(vectorizer=None, targets=[], classifier=None, town_classifier=None, towns=towns,
                       town_of=town_of, n_examples=len(examples))
        if not any(text.strip() for text in texts):
            raise ValueError("no ticket text or duty list to learn routing from")
        vectorizer = _vectorizer()
        features = vectorizer.fit_transform(texts)
        classifier = None
        if len(targets) > 1:
            column = {t: i for i, t in enumerate(targets)}
            classifier = _classifier().fit(features, [column[label] for label in labels])
        town_classifier = _town_classifier(examples, features, town_of, towns)
        return cls(vectorizer=vectorizer, targets=targets, classifier=classifier, town_classifier=town_classifier,
                   towns=towns, town_of=town_of, n_examples=len(examples))

    def suggest(self, text: str, *, town: int | None = None, k: int = 3) -> list[Suggestion]:
        """The `k` likeliest units, best first. A town the model has never seen counts as unknown."""
        return self.suggest_many([text], towns=[town], k=k)[0]

    def suggest_many(self, texts: Sequence[str], *, towns: Sequence[int | None] | None = None,
                     k: int = 3) -> list[list[Suggestion]]:
        """`suggest` for many tickets at once, much faster than one by one."""
        towns = [None] * len(texts) if towns is None else towns
        if k <= 0 or not self._targets or not texts:
            return [[] for _ in texts]
        return [_rank(score, k) for score in self._scores(texts, towns)]

    def _scores(self, texts: Sequence[str], towns: Sequence[int | None]) -> list[dict[int, float]]:
        features = self._vectorizer.transform([_clean(t) for t in texts])
        if self._classifier is None:
            probabilities = np.ones((len(texts), 1))
        else:
            probabilities = self._classifier.predict_proba(features)
        town_shares = self._town_shares(features, towns)
        scores = []
        for row, shares in zip(probabilities, town_shares, strict=True):
            score: dict[int, float] = {}
            for target, p in zip(self._targets, row, strict=True):
                if target is _OWN_TOWN:
                    for unit, share in shares.items():
                        score[unit] = score.get(unit, 0.0) + float(p) * share
                else:
                    score[target] = score.get(target, 0.0) + float(p)
            scores.append(score)
        return scores

    def _town_shares(self, features: sparse.csr_matrix, towns: Sequence[int | None]) -> list[dict[int, float]]:
        known = [self._town_of.get(t, t) if t is not None else None for t in towns]
        known = [t if t in self._towns else None for t in known]
        guessed: np.ndarray | None = None
        if self._town_classifier is not None and any(t is None for t in known):
            guessed = self._town_classifier.predict_proba(features)
        shares = []
        for i, town in enumerate(known):
            if town is not None:
                shares.append({town: 1.0})
            elif guessed is not None:
                shares.append({int(u): float(p) for u, p in zip(self._town_classifier.classes_, guessed[i], strict=True)})
            elif self._towns:
                shares.append(dict.fromkeys(self._towns, 1.0 / len(self._towns)))
            else:
                shares.append({})
        return shares

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self._state(), buffer, compress=1)
        payload = buffer.getvalue()
        return b"\n".join([FORMAT_TAG, sklearn.__version__.encode(), hashlib.sha256(payload).hexdigest().encode(),
                           payload])

    @classmethod
    def from_bytes(cls, data: bytes) -> RoutingModel:
        """Only models this code and this scikit-learn version wrote are accepted; anything else is a ValueError
        (retrain with `gongjian routing-train`). The payload is a pickle: pass only bytes that `to_bytes` wrote to
        our own database, never bytes from outside."""
        parts = bytes(data).split(b"\n", 3) if isinstance(data, bytes | bytearray | memoryview) else []
        if len(parts) != 4 or parts[0] != FORMAT_TAG:
            raise ValueError("not a routing model, or one written by another version of Gongjian")
        _, library_version, digest, payload = parts
        if library_version != sklearn.__version__.encode():
            raise ValueError(f"routing model written with scikit-learn {library_version.decode(errors='replace')}, "
                             f"this is {sklearn.__version__}: retrain it")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            raise ValueError("routing model data is corrupted")
        try:
            state = joblib.load(io.BytesIO(payload))
            return cls(**state)
        except Exception as exc:
            raise ValueError("routing model data could not be read") from exc

    def _state(self) -> dict[str, Any]:
        return {"vectorizer": self._vectorizer, "targets": self._targets, "classifier": self._classifier,
                "town_classifier": self._town_classifier, "towns": self._towns, "town_of": self._town_of,
                "n_examples": self.n_examples}


def _rank(score: Mapping[int, float], k: int) -> list[Suggestion]:
    best = sorted(score.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [Suggestion(unit=unit, confidence=min(1.0, max(0.0, p))) for unit, p in best]


def _home_town(example: Example, town_of: Mapping[int, int], towns: frozenset[int]) -> int | None:
    """The ticket's town; for a ticket without one that a town handled, that town."""
    if example.town is not None:
        return town_of.get(example.town, example.town)
    return example.unit if example.unit in towns else None


def _target(example: Example, town_of: Mapping[int, int], towns: frozenset[int]) -> int | None:
    return _OWN_TOWN if example.unit == _home_town(example, town_of, towns) else example.unit


def _duty_items(duty_list: str) -> list[str]:
    """Each item of the list, and the whole list, so single keywords and their combination both count."""
    items = [item for item in _DUTY_SEPARATORS.split(duty_list or "") if item]
    return [*dict.fromkeys(items), " ".join(items)] if items else []


def _town_classifier(examples: Sequence[Example], features: sparse.csr_matrix, town_of: Mapping[int, int],
                     towns: frozenset[int]) -> ComplementNB | None:
    rows, labels = [], []
    for i, example in enumerate(examples):
        town = _home_town(example, town_of, towns)
        if town is not None:
            rows.append(i)
            labels.append(town)
    if len(set(labels)) < 2:
        return None
    return ComplementNB(alpha=0.1).fit(features[rows], labels)


def evaluate(examples: Sequence[Example], duty_lists: Mapping[int, str], *, test_fraction: float = 0.2,
             seed: int = 7, town_units: Mapping[int, int] | None = None) -> dict:
    """Top-1 and top-3 accuracy on a held-out split stratified by unit (units with one example stay in training);
    the accuracies are None when nothing is held out."""
    train, test = _stratified_split(examples, test_fraction, seed)
    model = RoutingModel.train(train, duty_lists, town_units=town_units)
    suggestions = model.suggest_many([e.text for e in test], towns=[e.town for e in test], k=3)
    top1 = top3 = 0
    for example, suggested in zip(test, suggestions, strict=True):
        units = [s.unit for s in suggested]
        top1 += units[:1] == [example.unit]
        top3 += example.unit in units
    return {
        "top1": top1 / len(test) if test else None,
        "top3": top3 / len(test) if test else None,
        "n_train": len(train),
        "n_test": len(test),
    }


def _stratified_split(examples: Sequence[Example], test_fraction: float, seed: int) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    by_unit: dict[int, list[int]] = {}
    for i, example in enumerate(examples):
        by_unit.setdefault(example.unit, []).append(i)
    test_rows: set[int] = set()
    for unit in sorted(by_unit):
        rows = by_unit[unit]
        if len(rows) < 2:
            continue
        n_test = min(len(rows) - 1, round(len(rows) * test_fraction))
        test_rows.update(rng.permutation(rows)[:n_test].tolist())
    train = [e for i, e in enumerate(examples) if i not in test_rows]
    test = [e for i, e in enumerate(examples) if i in test_rows]
    return train, test
