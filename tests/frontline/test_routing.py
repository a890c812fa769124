"""Ticket routing (派单建议) and the synthetic ticket generator: pure Python, no database."""

import hashlib
from collections import Counter

import pytest
import sklearn

from gongjian.demo.ticket_texts import (
    CATEGORY_SHARES,
    DEPARTMENTS,
    DUTY_LISTS,
    TOWN_DUTY_LIST,
    TOWNS,
    generate_ideas,
    generate_tickets,
)
from gongjian.frontline.routing import FORMAT_TAG, Example, RoutingModel, evaluate

UNIT_IDS = {name: i for i, name in enumerate((*DEPARTMENTS, *TOWNS), start=1)}
TOWN_UNITS = {UNIT_IDS[t]: UNIT_IDS[t] for t in TOWNS}
DUTY = {UNIT_IDS[d]: DUTY_LISTS[d] for d in DEPARTMENTS} | {UNIT_IDS[t]: TOWN_DUTY_LIST for t in TOWNS}


def examples(n: int, seed: int = 2023, *, with_town: bool = True) -> list[Example]:
    return [Example(text=t["text"], unit=UNIT_IDS[t["unit"]], town=UNIT_IDS[t["town"]] if with_town else None)
            for t in generate_tickets(n, seed, towns=TOWNS, departments=DEPARTMENTS)]


@pytest.fixture(scope="module")
def model() -> RoutingModel:
    return RoutingModel.train(examples(3000), DUTY, town_units=TOWN_UNITS)


def test_accuracy_on_generated_tickets_is_realistic():
    result = evaluate(examples(5000), DUTY, town_units=TOWN_UNITS)
    print(f"routing on 5,000 generated tickets: top-1 {result['top1']:.3f}, top-3 {result['top3']:.3f}, "
          f"{result['n_train']} train / {result['n_test']} test")
    assert result["n_test"] == pytest.approx(1000, abs=30)
    assert result["top1"] >= 0.8
    assert result["top3"] >= 0.9


def test_knowing_the_town_improves_top1():
    with_town = evaluate(examples(3000), DUTY, town_units=TOWN_UNITS)
    without = evaluate(examples(3000, with_town=False), DUTY, town_units=TOWN_UNITS)
    print(f"top-1 with town {with_town['top1']:.3f}, without {without['top1']:.3f}")
    assert with_town["top1"] > without["top1"] + 0.03


def test_cold_start_from_duty_lists_alone_routes_heating_to_housing_bureau():
    cold = RoutingModel.train([], DUTY, town_units=TOWN_UNITS)
    assert cold.n_examples == 0
    assert UNIT_IDS["住建局"] in [s.unit for s in cold.suggest("小区物业不供暖")]


def test_unit_without_history_is_suggested_from_its_duty_list():
    history = [e for e in examples(2000) if e.unit != UNIT_IDS["信访局"]]
    trained = RoutingModel.train(history, DUTY, town_units=TOWN_UNITS)
    assert UNIT_IDS["信访局"] in [s.unit for s in trained.suggest("对信访事项处理意见不服，申请信访复查")]


def test_local_matter_goes_to_the_tickets_own_town(model):
    assert model.suggest("路灯不亮", town=UNIT_IDS["姜山镇"])[0].unit == UNIT_IDS["姜山镇"]
    assert model.suggest("路灯不亮", town=UNIT_IDS["店埠镇"])[0].unit == UNIT_IDS["店埠镇"]


def test_department_matter_goes_to_the_department_whatever_the_town(model):
    for town in ("姜山镇", "水集街道"):
        assert model.suggest("在莱西市人民医院看病，医生态度很差", town=UNIT_IDS[town])[0].unit == UNIT_IDS["卫健局"]


def test_town_named_in_the_text_is_used_when_the_town_is_unknown(model):
    assert model.suggest("姜山镇前垛埠村路灯不亮已经十天了")[0].unit == UNIT_IDS["姜山镇"]


def test_place_units_are_mapped_to_their_town():
    village, town = 1000, UNIT_IDS["院上镇"]
    history = [Example(e.text, e.unit, village if e.town == town else e.town) for e in examples(1500)]
    trained = RoutingModel.train(history, DUTY, town_units=TOWN_UNITS | {village: town})
    assert trained.suggest("村里路灯坏了好几盏", town=village)[0].unit == town


@pytest.mark.parametrize("k", [0, 1, 3, 5])
def test_suggestions_are_sorted_at_most_k_with_confidences_in_unit_interval(model, k):
    suggestions = model.suggest("小区物业乱收费，停车费涨价", town=UNIT_IDS["望城街道"], k=k)
    confidences = [s.confidence for s in suggestions]
    assert len(suggestions) == k
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert sum(confidences) <= 1.0 + 1e-9
    assert len({s.unit for s in suggestions}) == k
    assert {s.unit for s in suggestions} <= set(model.classes)


@pytest.mark.parametrize("text", ["", "   ", "。", "燃气泄漏" * 2500, "Street light broken 123"])
@pytest.mark.parametrize("town", [None, UNIT_IDS["姜山镇"], 999_999])
def test_odd_text_and_unknown_town_still_give_suggestions(model, text, town):
    suggestions = model.suggest(text, town=town)
    assert len(suggestions) == 3
    assert 999_999 not in [s.unit for s in suggestions]


def test_empty_text_falls_back_to_the_most_frequent_units(model):
    assert model.suggest("")[0].unit == UNIT_IDS["住建局"]


def test_a_single_unit_history_always_suggests_that_unit():
    trained = RoutingModel.train([Example("路灯不亮", 7), Example("噪音扰民", 7)], {})
    assert trained.suggest("anything") == [trained.suggest("")[0]]
    assert trained.suggest("anything")[0].unit == 7
    assert trained.suggest("anything")[0].confidence == pytest.approx(1.0)


def test_nothing_to_learn_from_gives_no_suggestions():
    empty = RoutingModel.train([], {})
    assert empty.classes == []
    assert empty.suggest("路灯不亮") == []
    assert RoutingModel.from_bytes(empty.to_bytes()).suggest("路灯不亮") == []


def test_suggest_many_matches_suggest(model):
    probes = examples(30, seed=5)
    one_by_one = [model.suggest(e.text, town=e.town) for e in probes]
    assert model.suggest_many([e.text for e in probes], towns=[e.town for e in probes]) == one_by_one
    assert model.suggest_many([]) == []


def test_round_trip_through_bytes_gives_identical_suggestions(model):
    data = model.to_bytes()
    loaded = RoutingModel.from_bytes(data)
    from_memoryview = RoutingModel.from_bytes(memoryview(data))
    assert loaded.classes == model.classes
    assert loaded.n_examples == model.n_examples == 3000
    for example in examples(50, seed=9):
        expected = model.suggest(example.text, town=example.town)
        assert loaded.suggest(example.text, town=example.town) == expected
        assert from_memoryview.suggest(example.text, town=example.town) == expected


def _tampered(data: bytes, part: int, replacement: bytes) -> bytes:
    parts = data.split(b"\n", 3)
    parts[part] = replacement
    return b"\n".join(parts)


def test_from_bytes_rejects_garbage_with_value_error(model):
    data = model.to_bytes()
    junk = b"not a joblib payload"
    garbage = [
        b"",
        b"garbage",
        b"\x80\x04\x95",
        data[: len(data) // 2],
        _tampered(data, 0, b"gongjian-routing/0"),
        _tampered(data, 1, b"0.0.1"),
        _tampered(data, 3, data[-100:]),
        b"\n".join([FORMAT_TAG, sklearn.__version__.encode(), hashlib.sha256(junk).hexdigest().encode(), junk]),
    ]
    for bad in garbage:
        with pytest.raises(ValueError):
            RoutingModel.from_bytes(bad)


def test_training_is_deterministic():
    history = examples(1500, seed=3)
    first = RoutingModel.train(history, DUTY, town_units=TOWN_UNITS)
    second = RoutingModel.train(history, DUTY, town_units=TOWN_UNITS)
    probes = examples(40, seed=4)
    assert [first.suggest(e.text, town=e.town) for e in probes] == [second.suggest(e.text, town=e.town) for e in probes]


def test_evaluate_holds_out_a_stratified_fraction_and_keeps_single_examples_in_training():
    history = [*examples(500), Example("申请信访复查", 4242)]
    result = evaluate(history, DUTY, town_units=TOWN_UNITS, test_fraction=0.2, seed=1)
    assert result["n_train"] + result["n_test"] == len(history)
    assert 90 <= result["n_test"] <= 110
    assert evaluate([Example("申请信访复查", 4242)], {})["top1"] is None


def test_generator_is_deterministic_for_a_seed():
    first = generate_tickets(200, 11, towns=TOWNS, departments=DEPARTMENTS)
    assert first == generate_tickets(200, 11, towns=TOWNS, departments=DEPARTMENTS)
    assert first != generate_tickets(200, 12, towns=TOWNS, departments=DEPARTMENTS)
    assert generate_ideas(50, 11, TOWNS) == generate_ideas(50, 11, TOWNS)


def test_generator_category_mix_is_as_documented():
    tickets = generate_tickets(5000, towns=TOWNS, departments=DEPARTMENTS)
    counts = Counter(t["category"] for t in tickets)
    for category, share in CATEGORY_SHARES.items():
        assert counts[category] / len(tickets) == pytest.approx(share, abs=0.02), category
    assert {c for c, _ in counts.most_common(2)} == {"complaint", "help"}


def test_generated_tickets_go_to_a_department_or_their_own_town():
    tickets = generate_tickets(2000, towns=TOWNS, departments=DEPARTMENTS)
    for ticket in tickets:
        assert ticket["unit"] in DEPARTMENTS or ticket["unit"] == ticket["town"]
        assert ticket["address"].startswith(f"莱西市{ticket['town']}")
        assert ticket["text"]
    units = Counter(t["unit"] for t in tickets)
    assert set(DEPARTMENTS) <= set(units)
    assert 0.1 < sum(units[t] for t in TOWNS) / len(tickets) < 0.35
    assert 0.02 < sum(t["urgent"] for t in tickets) / len(tickets) < 0.12
    assert len({t["text"] for t in tickets}) > 0.9 * len(tickets)


def test_generator_only_uses_the_departments_given():
    tickets = generate_tickets(500, towns=["姜山镇"], departments=["住建局"])
    assert {t["unit"] for t in tickets} <= {"住建局", "姜山镇"}
    assert {t["town"] for t in tickets} == {"姜山镇"}


def test_generated_ideas_include_near_duplicates():
    ideas = generate_ideas(200, 2023, TOWNS)
    assert all(idea["title"] and idea["text"] and idea["town"] in TOWNS for idea in ideas)
    texts = Counter(idea["text"] for idea in ideas)
    assert any(n > 1 for n in texts.values())
    assert len(texts) > 50
