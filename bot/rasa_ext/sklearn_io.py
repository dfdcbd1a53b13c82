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
            path = directory / filename
            untrusted = set(sio.get_untrusted_types(file=path))
            unexpected = untrusted - TRUSTED_EXTRA
            if unexpected:
                raise ValueError(f"refusing to load {path}: unexpected types {sorted(unexpected)}")
            return sio.load(path, trusted=sorted(untrusted))
    except (ValueError, FileNotFoundError) as error:  # nothing stored (not trained) or a tampered file
        log.warning("%s not loaded: %s", who, error)
        return None
