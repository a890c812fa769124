"""The parser against hand-labelled public texts of four kinds; the matching rule is in docs/labelling.md."""

import json
import re
from pathlib import Path

import pytest

from gongjian.campaigns.speech import parse_speech

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
KINDS = ("speech", "report", "minutes", "plan")
_HALF_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"})


def plain(text: str) -> str:
    return re.sub(r"\s", "", text).translate(_HALF_TO_FULL)


def corpus() -> list[tuple[str, str, str, dict]]:
    entries = []
    for kind in KINDS:
        labels = json.loads((CORPUS / kind / "labels.json").read_text(encoding="utf-8"))
        for name, label in sorted(labels.items()):
            entries.append((kind, name, (CORPUS / kind / f"{name}.txt").read_text(encoding="utf-8"), label))
    return entries


def score(text: str, label: dict) -> tuple[int, int, int]:
    """(matched, predicted, labelled) for one text."""
    draft = parse_speech(text)
    predicted = [(plain(area.title) + "|" + plain(area.sentence), plain(task.text))
                 for area in draft.focus_areas for task in area.tasks]
    unused = list(range(len(predicted)))
    matched = labelled = 0
    for area in label["areas"]:
        heading = plain(area["heading"]) if area["heading"] else None
        for key in map(plain, area["tasks"]):
            labelled += 1
            hit = next((i for i in unused if key in predicted[i][1] and (heading is None or heading in predicted[i][0])),
                       None)
            if hit is not None:
                unused.remove(hit)
                matched += 1
    return matched, len(predicted), labelled


def ratios(matched: int, predicted: int, labelled: int) -> tuple[float, float]:
    return (matched / predicted if predicted else 1.0), (matched / labelled if labelled else 1.0)


def totals(entries) -> dict[str, list[int]]:
    sums: dict[str, list[int]] = {}
    for kind, _, text, label in entries:
        counts = score(text, label)
        for key in (kind, "overall"):
            sums[key] = [a + b for a, b in zip(sums.get(key, [0, 0, 0]), counts, strict=True)]
    return sums


def report(title: str, sums: dict[str, list[int]]) -> None:
    for key, counts in sums.items():
        precision, recall = ratios(*counts)
        print(f"{title} {key:8} texts P={precision:.3f} R={recall:.3f} (matched {counts[0]}, predicted {counts[1]}, "
              f"labelled {counts[2]})")


ENTRIES = corpus()


def test_corpus_has_forty_texts_of_four_kinds_with_sources():
    assert len(ENTRIES) >= 40
    for kind in KINDS:
        assert sum(1 for entry in ENTRIES if entry[0] == kind) >= 10
    for _, _, _, label in ENTRIES:
        assert re.match(r"https?://\S+$", label["source"])


def test_labels_are_taken_from_the_texts():
    for kind, name, text, label in ENTRIES:
        for area in label["areas"]:
            assert not area["heading"] or plain(area["heading"]) in plain(text), (kind, name, area["heading"])
            for key in area["tasks"]:
                assert plain(key) in plain(text), (kind, name, key)


def test_corpus_precision_and_recall():
    sums = totals(ENTRIES)
    report("all", sums)
    report("developed-on", totals([entry for entry in ENTRIES if not entry[3]["held_out"]]))
    report("held-out", totals([entry for entry in ENTRIES if entry[3]["held_out"]]))
    precision, recall = ratios(*sums["overall"])
    assert precision >= 0.85 and recall >= 0.85
    for kind in KINDS:
        assert min(ratios(*sums[kind])) >= 0.75, kind


@pytest.mark.parametrize(("kind", "name"), [(e[0], e[1]) for e in ENTRIES if e[3].get("units")])
def test_named_lead_and_co_units(kind, name):
    text, label = next((e[2], e[3]) for e in ENTRIES if e[:2] == (kind, name))
    tasks = [task for area in parse_speech(text).focus_areas for task in area.tasks]
    for key, units in label["units"].items():
        task = next(task for task in tasks if plain(key) in plain(task.text))
        assert (task.lead_unit, list(task.co_units)) == (units["lead"], units["co"])
        assert task.leader_post is None


def test_offsets_point_at_the_source_on_every_corpus_text():
    for _, _, text, _ in ENTRIES:
        draft = parse_speech(text)
        for area in draft.focus_areas:
            assert text[area.start:area.end] == area.sentence
            for task in area.tasks:
                assert text[task.start:task.end] == task.sentence
                assert plain(task.text) in plain(task.sentence)
