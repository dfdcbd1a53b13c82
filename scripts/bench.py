"""`make bench`: how well the coach understands people, and how fast it answers.

1. NLU: 5-fold cross-validation of the real pipeline (config.yml) on data/nlu,
   with intent precision, recall and F1 per intent and macro averages.
2. Situations: top-1 and top-2 accuracy of the dimensions named for a situation,
   in cross-validation and on the frozen held-out set (tests/heldout/), with a
   confusion table.
3. Held-out sets through the trained model: how the whole NLU pipeline hears the
   held-out situations (as situations? the fallback?) and, per safety tier, how
   often a message is sent to the crisis reply.
4. Speed (scripts/speed.py): the coach beside Rasa's starter bot under the same
   closed-loop REST load (the performance issue's mix and a self-assessment), a
   300-turn conversation, start-up time and memory.

Writes results/bench.json and results/bench.md (and Rasa's own reports under
results/cv/). Progress is printed as it goes; the whole run takes a while
(five trainings of the NLU model).

    python scripts/bench.py [--folds 5] [--skip-cv] [--skip-heldout] [--skip-speed] [--people 20]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.servers import DEFAULT_MODEL as MODEL, RASA  # noqa: E402  (needs ROOT on sys.path)
from scripts import speed  # noqa: E402

RESULTS = ROOT / "results"
HELDOUT = ROOT / "tests" / "heldout"  # frozen sets: never trained on


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def cross_validate(folds: int) -> dict:
    out = RESULTS / "cv"
    log(f"NLU: {folds}-fold cross-validation (trains the NLU model {folds} times)...")
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    proc = subprocess.run(
        [RASA, "test", "nlu", "--nlu", "data", "--config", "config.yml", "--cross-validation", "--folds", str(folds),
         "--out", str(out), "--no-plot"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"cross-validation failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    report = json.loads((out / "intent_report.json").read_text())
    per_intent = {
        name: {k: round(v, 4) for k, v in vals.items() if k in ("precision", "recall", "f1-score", "support")}
        for name, vals in report.items()
        if isinstance(vals, dict) and name not in ("macro avg", "micro avg", "weighted avg")
    }
    macro = report["macro avg"]
    result = {
        "folds": folds,
        "seconds": round(time.monotonic() - started, 1),
        "macro": {k: round(macro[k], 4) for k in ("precision", "recall", "f1-score")},
        "weighted_f1": round(report.get("weighted avg", {}).get("f1-score", 0.0), 4),
        "accuracy": round(report.get("accuracy", 0.0), 4),
        "per_intent": per_intent,
    }
    log(f"NLU: macro F1 {result['macro']['f1-score']:.3f} in {result['seconds']} s")
    return result


def intents(folds: int) -> dict:
    """The coach's intent classifier alone (tf-idf + logistic regression, then the fallback thresholds of
    config.yml), in stratified k-fold cross-validation: minutes, where the full pipeline's takes an hour."""
    import numpy as np
    import yaml
    from rasa.shared.importers.importer import TrainingDataImporter
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold

    from bot.rasa_ext.intent_classifier import TfidfIntentClassifier, normalise

    data = TrainingDataImporter.load_from_dict(training_data_paths=[str(ROOT / "data")],
                                               domain_path=str(ROOT / "domain.yml")).get_nlu_data()
    examples = [(normalise(e.get("text")), e.get("intent")) for e in data.intent_examples if e.get("text")]
    texts = np.array([t for t, _ in examples], dtype=object)
    labels = np.array([i for _, i in examples])
    fallback = next(c for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
                    if c["name"] == "FallbackClassifier")
    log(f"intents: {folds}-fold cross-validation of the intent classifier on {len(examples)} examples...")
    started = time.time()
    predicted = np.empty(len(labels), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=42).split(texts, labels):
        model = TfidfIntentClassifier({}, None, None)._new_model().fit(list(texts[train]), labels[train])
        probs = model.predict_proba(list(texts[test]))
        order = np.argsort(-probs, axis=1)
        for row, i in enumerate(test):
            top, second = probs[row, order[row, 0]], probs[row, order[row, 1]]
            below = top < fallback["threshold"] or top - second < fallback["ambiguity_threshold"]
            predicted[i] = "nlu_fallback" if below else model.classes_[order[row, 0]]
    report = classification_report(labels, predicted.astype(str), output_dict=True, zero_division=0)
    per_intent = {k: v for k, v in report.items() if k in set(labels)}
    result = {"folds": folds, "examples": len(examples), "intents": len(per_intent),
              "seconds": round(time.time() - started), "accuracy": round(report["accuracy"], 4),
              "fallback": round(float(np.mean(predicted == "nlu_fallback")), 4),
              "macro": {k: round(v, 4) for k, v in report["macro avg"].items()}, "per_intent": per_intent}
    log(f"intents: macro F1 {result['macro']['f1-score']:.3f}, accuracy {result['accuracy']:.3f}, "
        f"fallback {result['fallback']:.3f}")
    return result


def situations(folds: int) -> dict:
    """The situation model on its own: cross-validation on the training data, then the frozen held-out set."""
    from bot.situations import SituationModel, cross_validate as cv_situations, evaluate, load_examples, load_heldout

    examples = load_examples()
    log(f"situations: {folds}-fold cross-validation on {len(examples)} labelled situations...")
    cv = cv_situations(examples, folds=folds)
    model = SituationModel().fit(examples)
    heldout = evaluate(model, load_heldout(HELDOUT / "situations.yml"))
    dev = evaluate(model, load_heldout(ROOT / "tests" / "situations_dev.yml"))
    log(f"situations: CV top-1 {cv['top1']:.3f} top-2 {cv['top2']:.3f}; "
        f"held-out top-1 {heldout['top1']:.3f} top-2 {heldout['top2']:.3f}")
    return {"cross_validation": cv, "dev": dev, "heldout": heldout}


# Replies that answer nothing in particular: "didn't quite follow" and "outside what I can help with".
CATCH_ALL = {"nlu_fallback", "out_of_scope"}


def identifiers() -> dict:
    """Identifier redaction scored per kind: the development corpus (tuned on) and the frozen
    held-out set (written blind, never tuned on)."""
    from bot.redact import format_table, score

    out = {}
    for name, path in (("development", ROOT / "tests" / "identifiers_corpus.yml"),
                       ("heldout", HELDOUT / "identifiers.yml")):
        if path.exists():
            result = score(path)
            out[name] = {"file": str(path.relative_to(ROOT)), "table": format_table(result),
                         "kinds": result["kinds"], "misses": result.get("misses", [])[:40],
                         "false_positives": result.get("false_positives", [])[:40]}
            kinds = result["kinds"]
            log(f"identifiers ({name}): recall " + ", ".join(f"{k} {v['recall']:.3f}" for k, v in kinds.items()))
    return out


def heldout_through_the_model() -> dict:
    """The frozen held-out sets parsed by the trained model's whole NLU pipeline, as the coach hears them.

    Situations: how many are heard as a situation, how many get the fallback, top-2 of the named
    dimensions. Safety tiers: how often each tier is sent to the crisis reply (intent express_distress).
    """
    import asyncio

    import yaml
    from rasa.core.agent import Agent

    from bot.situations import hits, load_heldout

    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parsed text at debug level: the held-out texts must not scroll past whoever
    # runs the bench (they would stop being unseen).
    configure_structlog(logging.WARNING)
    log("held-out: loading the trained model...")
    agent = Agent.load(str(MODEL))
    tiers = yaml.safe_load((HELDOUT / "safety_tiers.yml").read_text())
    situation_set = load_heldout(HELDOUT / "situations.yml")

    async def parse_all(texts):
        return [await agent.parse_message(t) for t in texts]

    parsed = asyncio.run(parse_all([e.text for e in situation_set]))
    heard = sum(p["intent"]["name"] == "describe_situation" for p in parsed)
    fallback = sum(p["intent"]["name"] == "nlu_fallback" for p in parsed)
    caught = sum(p["intent"]["name"] in CATCH_ALL for p in parsed)
    top2 = sum(hits([r["dimension"] for r in (p.get("situation") or {}).get("ranking", [])], e.dimensions, 2)
               for p, e in zip(parsed, situation_set))
    other = {}
    for p in parsed:
        name = p["intent"]["name"]
        if name != "describe_situation":
            other[name] = other.get(name, 0) + 1
    n = len(situation_set)
    result = {"situations": {"examples": n, "heard_as_situation": round(heard / n, 4),
                             "fallback": round(fallback / n, 4), "catch_all": round(caught / n, 4),
                             "top2": round(top2 / n, 4),
                             "other_intents": dict(sorted(other.items(), key=lambda kv: -kv[1]))}}
    tier_result = {}
    for tier, texts in tiers.items():
        got = asyncio.run(parse_all(texts))
        crisis = sum(g["intent"]["name"] == "express_distress" for g in got)
        support = sum(g["intent"]["name"] == "express_wellbeing" for g in got)
        caught = sum(g["intent"]["name"] in CATCH_ALL for g in got)
        tier_result[tier] = {"messages": len(texts), "crisis_reply": round(crisis / len(texts), 4),
                             "wellbeing_reply": round(support / len(texts), 4),
                             "catch_all": round(caught / len(texts), 4)}
    result["safety_tiers"] = tier_result
    privacy_set = yaml.safe_load((HELDOUT / "privacy.yml").read_text())
    privacy_result = {}
    for intent, texts in privacy_set.items():
        got = asyncio.run(parse_all(texts))
        names = [g["intent"]["name"] for g in got]
        wrong: dict = {}
        for name in names:
            if name != intent:
                wrong[name] = wrong.get(name, 0) + 1
        privacy_result[intent] = {"messages": len(texts), "recall": round(names.count(intent) / len(texts), 4),
                                  "catch_all": round(sum(n in CATCH_ALL for n in names) / len(texts), 4),
                                  "mistaken_for": dict(sorted(wrong.items(), key=lambda kv: -kv[1]))}
    result["privacy"] = privacy_result
    log("held-out: privacy intents recall " + ", ".join(f"{k} {v['recall']:.3f}" for k, v in privacy_result.items()))
    log(f"held-out: {heard}/{n} situations heard as situations, {fallback} fallbacks; crisis reply rate "
        + ", ".join(f"{t} {v['crisis_reply']:.3f}" for t, v in tier_result.items()))
    return result


def write_markdown(report: dict) -> str:
    lines = [f"# Benchmark, {report['when']}", "", f"Machine: {report['machine']}", ""]
    cv = report.get("nlu")
    if cv:
        when = f", measured {cv['measured']}" if cv.get("measured") else ""
        lines += [f"## NLU ({cv['folds']}-fold cross-validation, {cv['seconds']} s{when})", "",
                  f"Macro precision {cv['macro']['precision']:.3f}, recall {cv['macro']['recall']:.3f}, "
                  f"**F1 {cv['macro']['f1-score']:.3f}**; accuracy {cv['accuracy']:.3f}.", "",
                  "| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|"]
        for name, v in sorted(cv["per_intent"].items(), key=lambda kv: kv[1].get("f1-score", 0)):
            lines.append(f"| {name} | {v.get('precision', 0):.3f} | {v.get('recall', 0):.3f} | "
                         f"{v.get('f1-score', 0):.3f} | {int(v.get('support', 0))} |")
        lines.append("")
    ic = report.get("intents")
    if ic:
        lines += [f"## Intents: the coach's classifier alone ({ic['folds']}-fold, stratified, {ic['seconds']} s)", "",
                  f"{ic['examples']} examples, {ic['intents']} intents; the fallback thresholds of config.yml "
                  f"apply and a fallback counts as an error. Macro F1 **{ic['macro']['f1-score']:.3f}**, "
                  f"accuracy {ic['accuracy']:.3f}, sent to the fallback {ic['fallback']:.3f}.", "",
                  "| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|"]
        for name, v in sorted(ic["per_intent"].items(), key=lambda kv: kv[1]["f1-score"]):
            lines.append(f"| {name} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} | "
                         f"{int(v['support'])} |")
        lines.append("")
    sit = report.get("situations")
    if sit:
        cv, ho = sit["cross_validation"], sit["heldout"]
        lines += ["## Situations: which dimensions a situation touches", "",
                  "A hit when a predicted dimension is one of the labelled ones.", "",
                  "| set | situations | top-1 | top-2 |", "|---|---|---|---|",
                  f"| {cv['folds']}-fold cross-validation (training data) | {cv['examples']} | {cv['top1']:.3f} | "
                  f"{cv['top2']:.3f} |",
                  *([f"| development set, tuned on (tests/situations_dev.yml) | {sit['dev']['examples']} | "
                     f"{sit['dev']['top1']:.3f} | {sit['dev']['top2']:.3f} |"] if sit.get("dev") else []),
                  f"| frozen held-out set (tests/heldout/situations.yml) | {ho['examples']} | {ho['top1']:.3f} | "
                  f"{ho['top2']:.3f} |", "",
                  "Held-out confusion (rows: labelled first dimension; columns: predicted first):", ""]
        dims = list(ho["confusion"])
        short = {d: "".join(w[0] for w in d.split("_")).upper() for d in dims}
        lines += ["| | " + " | ".join(short[d] for d in dims) + " |", "|---" * (len(dims) + 1) + "|"]
        for d in dims:
            lines.append(f"| {short[d]} | " + " | ".join(str(ho["confusion"][d][p]) for p in dims) + " |")
        lines.append("")
    ids = report.get("identifiers")
    if ids:
        lines += ["## Identifiers: what redaction hides, per kind", ""]
        for name, title in (("heldout", "frozen held-out set, written blind, never tuned on"),
                            ("development", "development corpus, tuned on")):
            if name in ids:
                lines += [f"### {title} ({ids[name]['file']})", "", ids[name]["table"], ""]
                if ids[name]["misses"]:
                    lines += ["Missed: " + "; ".join(f"{m['identifier']!r} ({m['kind']}) in {m['text']!r}"
                                                     for m in ids[name]["misses"][:15]), ""]
                if ids[name]["false_positives"]:
                    lines += ["Hidden but not an identifier: "
                              + "; ".join(str(m) for m in ids[name]["false_positives"][:15]), ""]
    held = report.get("heldout")
    if held:
        s = held["situations"]
        lines += ["## Held-out sets through the trained model", "",
                  f"- situations ({s['examples']}): heard as a situation {s['heard_as_situation']:.3f}, "
                  f"fallback {s['fallback']:.3f}, fallback or out of scope {s.get('catch_all', 0):.3f}, "
                  f"top-2 dimensions {s['top2']:.3f}; other intents: "
                  + ", ".join(f"{k} {v}" for k, v in s["other_intents"].items()), ""]
        lines += ["| safety tier | messages | crisis reply (999 ...) | wellbeing reply (staff support) | "
                  "fallback or out of scope |", "|---|---|---|---|---|"]
        for tier, v in held["safety_tiers"].items():
            lines.append(f"| {tier} | {v['messages']} | {v['crisis_reply']:.3f} | {v.get('wellbeing_reply', 0):.3f} | "
                         f"{v.get('catch_all', 0):.3f} |")
        lines.append("")
        if held.get("privacy"):
            lines += ["| privacy intent (tests/heldout/privacy.yml) | messages | recall | fallback or out of scope | "
                      "mistaken for |", "|---|---|---|---|---|"]
            for intent, v in held["privacy"].items():
                lines.append(f"| {intent} | {v['messages']} | {v['recall']:.3f} | {v['catch_all']:.3f} | "
                             + (", ".join(f"{k} {n}" for k, n in v["mistaken_for"].items()) or "-") + " |")
            lines.append("")
    if report.get("speed"):
        lines += speed.markdown(report["speed"])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--people", type=int, default=20, help="simulated people at once in the speed runs")
    parser.add_argument("--rounds", type=int, default=4, help="times each simulated person sends the mix")
    parser.add_argument("--turns", type=int, default=300, help="length of the long conversation (0: skip it)")
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-speed", "--skip-latency", dest="skip_speed", action="store_true")
    parser.add_argument("--no-starter", action="store_true", help="speed: the coach alone, without the starter bot")
    parser.add_argument("--no-cluster", action="store_true", help="speed: without 1 and 2 Rasa servers behind nginx")
    parser.add_argument("--skip-heldout", action="store_true", help="skip parsing the held-out sets with the model")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    report = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"}
    previous = json.loads((RESULTS / "bench.json").read_text()) if (RESULTS / "bench.json").exists() else {}
    if not args.skip_cv:
        report["nlu"] = cross_validate(args.folds)
    elif "nlu" in previous:  # keep the last measured figures for the part not re-run
        report["nlu"] = {**previous["nlu"], "measured": previous.get("nlu", {}).get("measured", previous.get("when"))}
    report["intents"] = intents(args.folds)
    report["situations"] = situations(args.folds)
    report["identifiers"] = identifiers()
    if not args.skip_heldout:
        report["heldout"] = heldout_through_the_model()
    if not args.skip_speed:
        report["speed"] = speed.run(args.people, args.rounds, args.turns, starter=not args.no_starter,
                                    with_cluster=not args.no_cluster)
    elif "speed" in previous:
        report["speed"] = {**previous["speed"], "measured": previous["speed"].get("measured", previous.get("when"))}
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "bench.md").write_text(write_markdown(report))
    log(f"written {RESULTS / 'bench.md'} and {RESULTS / 'bench.json'}")


if __name__ == "__main__":
    main()
