"""Storing fitted scikit-learn models inside a Rasa model archive, without pickle.

skops writes the model's state as data; loading refuses any type beyond
scikit-learn's own plus the few scipy/numpy types a fitted tf-idf model keeps,
so a tampered archive cannot run code.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

log = logging.getLogger(__name__)

TRUSTED_EXTRA = {"scipy.sparse._csr.csr_matrix"}


def save(model_storage: ModelStorage, resource: Resource, filename: str, model: Any) -> None:
    import skops.io as sio

    with model_storage.write_to(resource) as directory:
        sio.dump(model, directory / filename)


def load(model_storage: ModelStorage, resource: Resource, filename: str, who: str) -> Optional[Any]:
    """The stored model, or None (logged) when there is none or it holds unexpected types."""
    import skops.io as sio

    try:
        with model_storage.read_from(resource) as directory:
            # skops audits the file as it loads it and raises UntrustedTypesFoundException (a
            # TypeError) for any type beyond its own trusted ones and TRUSTED_EXTRA: one pass over
            # the file (asking for the untrusted types first read it twice: about 1 s at start-up).
            return with_contiguous_weights(sio.load(directory / filename, trusted=sorted(TRUSTED_EXTRA)))
    except (ValueError, TypeError, FileNotFoundError) as error:  # not trained, or a tampered file
        log.warning("%s not loaded: %s", who, error)
        return None


def with_contiguous_weights(model: Any) -> Any:
    """The model with each linear estimator's ``coef_`` in Fortran order, so ``coef_.T`` is C-contiguous.

    scikit-learn scores a sparse text vector as ``X @ coef_.T``; with ``coef_`` in C order scipy
    first copies the whole weight matrix (33 x 45,000 for the intent classifier: about 1 ms a
    message), in Fortran order it does not (a few microseconds). The values are the same.
    """
    import numpy as np

    seen = set()

    def visit(est: Any) -> None:
        if est is None or id(est) in seen:
            return
        seen.add(id(est))
        coef = getattr(est, "coef_", None)
        if isinstance(coef, np.ndarray) and coef.ndim == 2 and not coef.flags.f_contiguous:
            est.coef_ = np.asfortranarray(coef)
        for _, step in getattr(est, "steps", None) or []:
            visit(step)
        for inner in getattr(est, "estimators_", None) or []:
            visit(inner)
        visit(getattr(est, "estimator", None))

    visit(model)
    return model
