"""Which leadership dimensions a situation touches.

People describe what happened in their own words ("my team won't listen in
huddles"). A situation usually touches one or two dimensions, so this is a
multi-label model: one logistic regression per dimension over tf-idf word
(1-2) and character (2-5, within words) n-grams, trained on the labelled
situations in ``data/nlu/situations/`` (each example's ``metadata:
dimensions``). It ranks all nine; the coach names the top one, and the second
when it is close.

Plain scikit-learn and no Rasa, so the benchmark and the tests can train and
score it directly; ``bot/rasa_ext/situations.py`` runs it inside Rasa's NLU.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

import yaml

from bot.content import DIMENSION_IDS
from bot.text import normalise

INTENT = "describe_situation"
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "nlu" / "situations"

# The second dimension is named only when it is this close to the first (a share of its probability)...
SECOND_SHARE = 0.5
# ...and at least this likely in its own right.
SECOND_FLOOR = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    dimensions: Tuple[str, ...]


@dataclass(frozen=True)
class Ranked:
    dimension: str
    confidence: float


def load_examples(directory: Path = DATA_DIR) -> List[Example]:
    """The labelled situations in Rasa's NLU YAML files under ``directory``."""
    examples: List[Example] = []
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if block.get("intent") != INTENT:
                continue
            for item in block.get("examples") or []:
                dims = tuple((item.get("metadata") or {}).get("dimensions") or ())
                bad = [d for d in dims if d not in DIMENSION_IDS]
                if not dims or bad:
                    raise ValueError(f"{path.name}: {item.get('text', '')[:60]!r}: dimensions {list(dims)} "
                                     f"must be 1 or 2 of {', '.join(DIMENSION_IDS)}")
                examples.append(Example(" ".join(str(item["text"]).split()), dims))
    return examples


class SituationModel:
    """Fit on labelled situations; rank the nine dimensions for a new one."""

    def __init__(self, C: float = 10.0, pipeline=None) -> None:
        self.C = C
        self.pipeline = pipeline

    def _new(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                            token_pattern=r"(?u)\b\w+\b"),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        return make_pipeline(features, OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=3000)))

    def fit(self, examples: Sequence[Example]) -> "SituationModel":
        import numpy as np

        if not examples:
            raise ValueError("no labelled situations to learn from")
        labels = np.array([[1 if d in e.dimensions else 0 for d in DIMENSION_IDS] for e in examples])
        missing = [d for d, column in zip(DIMENSION_IDS, labels.T) if not column.any()]
        if missing:
            raise ValueError(f"no labelled situations for {', '.join(missing)}")
        pipeline = self._new()
        pipeline.fit([normalise(e.text) for e in examples], labels)
        self.pipeline = pipeline
        return self

    def rank(self, text: str) -> List[Ranked]:
        """All nine dimensions for ``text``, most likely first (empty when there is nothing to judge)."""
        cleaned = normalise(text)
        if self.pipeline is None or not cleaned:
            return []
        scores = self.pipeline.predict_proba([cleaned])[0]
        ranked = [Ranked(d, float(p)) for d, p in zip(DIMENSION_IDS, scores)]
        return sorted(ranked, key=lambda r: -r.confidence)


def named(ranking: Sequence[Ranked]) -> List[str]:
    """The one or two dimensions the coach names for a ranking: the top, and the second when close."""
    if not ranking:
        return []
    first = ranking[0]
    out = [first.dimension]
    if len(ranking) > 1:
        second = ranking[1]
        if second.confidence >= SECOND_FLOOR and second.confidence >= SECOND_SHARE * first.confidence:
            out.append(second.dimension)
    return out


def hits(predicted: Sequence[str], labelled: Iterable[str], k: int) -> bool:
    """A top-k hit: one of the first ``k`` predicted dimensions is among the labelled ones."""
    return bool(set(predicted[:k]) & set(labelled))


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = 42) -> dict:
    """Top-1 and top-2 accuracy in ``folds``-fold cross-validation (folds by shuffled position)."""
    import random

    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    top1 = top2 = 0
    for f in range(folds):
        test = [examples[i] for n, i in enumerate(order) if n % folds == f]
        train = [examples[i] for n, i in enumerate(order) if n % folds != f]
        model = SituationModel().fit(train)
        for e in test:
            predicted = [r.dimension for r in model.rank(e.text)]
            top1 += hits(predicted, e.dimensions, 1)
            top2 += hits(predicted, e.dimensions, 2)
    n = len(examples)
    return {"examples": n, "folds": folds, "top1": round(top1 / n, 4), "top2": round(top2 / n, 4)}


def evaluate(model: SituationModel, examples: Sequence[Example]) -> dict:
    """Top-1/top-2 accuracy and a confusion table (labelled first dimension -> predicted first)."""
    confusion = {d: {p: 0 for p in DIMENSION_IDS} for d in DIMENSION_IDS}
    top1 = top2 = 0
    for e in examples:
        predicted = [r.dimension for r in model.rank(e.text)]
        top1 += hits(predicted, e.dimensions, 1)
        top2 += hits(predicted, e.dimensions, 2)
        confusion[e.dimensions[0]][predicted[0]] += 1
    n = len(examples) or 1
    return {"examples": len(examples), "top1": round(top1 / n, 4), "top2": round(top2 / n, 4),
            "confusion": confusion}


def load_heldout(path: Path) -> List[Example]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [Example(" ".join(str(s["text"]).split()), tuple(s["dimensions"])) for s in data.get("situations") or []]

