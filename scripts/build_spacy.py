"""Build the spaCy pipeline Rasa uses: blank English plus a lookup lemmatizer.

Nothing is downloaded: the lemma tables come from the spacy-lookups-data
package installed in the virtual environment. About 1 MB on disk.

    python scripts/build_spacy.py var/spacy/en_coach
"""

import sys
from pathlib import Path

import spacy


def main(target: str) -> None:
    path = Path(target)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    doc = nlp("nurses were leading the teams")
    print(f"spaCy pipeline written to {path} (lemmas: {[t.lemma_ for t in doc]})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
