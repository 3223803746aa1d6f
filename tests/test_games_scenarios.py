"""Coalition games built from scenarios: restriction, values by hand, rules, core, sampling."""

from __future__ import annotations

import itertools
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from aggregate import load, validate
from aggregate.baseline import compare
from aggregate.checks import check_scenario
from aggregate.games import GameError, in_core, least_core, shapley_exact, shapley_sampled
from aggregate.games.allocations import allocate, dual, shapley
from aggregate.games.coalitions import TOLERATED_CHECKS, CoalitionGame, restrict
from aggregate.games.report import shares_by_nation, stability
from aggregate.games.solutions import subsets
from aggregate.verify import verify
from tests.support import tiny_raw

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-6


def _world(nations: list[dict[str, Any]], demands: dict[str, float], offers: list[dict]) -> Any:
    return validate(
        {
            "name": "game",
            "periods": ["P1"],
            "nations": nations,
            "items": [{"id": "shell"}],
            "capabilities": [{"id": "fire", "satisfied_by": [{"item": "shell"}]}],
            "demands": [
                {"id": f"d-{n}", "nation": n, "capability": "fire", "period": "P1", "quantity": q}
                for n, q in demands.items()
            ],
            "producers": [
                {"id": f"P{k}", "country": "DEU", "offers": [offer]}
                for k, offer in enumerate(offers)
            ],
        }
    )


# --- a concave game: one contract with a fixed cost and volume tiers, ample capacity ------
TIERED = {"EST": 110.0, "LVA": 120.0, "LTU": 130.0, "POL": 140.0}
GNI = {"EST": 3e10, "LVA": 4e10, "LTU": 6e10, "POL": 6e11}


def tier_price(volume: float) -> float:
    """The offer below: 10 base, 9.5 from 100 units, 9.4 from 350, 9.3 from 500 (all-units)."""
    return 10.0 if volume < 100 else 9.5 if volume < 350 else 9.4 if volume < 500 else 9.3


def tiered_by_hand(group: frozenset[str]) -> float:
    """Every nation alone already reaches the 100-unit tier, a pair stays below 350, a triple
    reaches 350, all four 500; buying more than needed never pays (checked by hand: the
    cheapest triple, 360 units, would pay 9.3 * 500 = 4650 > 9.4 * 360 = 3384)."""
    volume = sum(TIERED[n] for n in group)
    return 0.0 if not group else 2000.0 + tier_price(volume) * volume


def tiered_scenario() -> Any:
    """One contract with a 2,000 fixed cost, capacity 1,000 and the tiers of
    :func:`tier_price`; the nations of ``TIERED`` with their demands."""
    return _world(
        [{"code": c, "name": c, "gni": GNI[c]} for c in TIERED],
        TIERED,
        [
            {
                "item": "shell",
                "capacity": 1000,
                "price": 10,
                "contract_cost": 2000,
                "tiers": [
                    {"min_volume": 100, "price": 9.5},
                    {"min_volume": 350, "price": 9.4},
                    {"min_volume": 500, "price": 9.3},
                ],
            }
        ],
    )


@pytest.fixture(scope="module")
def tiered() -> CoalitionGame:
    game = CoalitionGame(tiered_scenario(), workers=1, verify=True)
    game.all_values()
    return game


# --- capacity makes the core empty ---------------------------------------------------------
def capacity_scenario() -> Any:
    """Three nations need 100 each; a cheap producer makes 100 at 10, a dear one any amount
    at 20. Alone, each takes the cheap 100: 1000. A pair: 1000 + 100 * 20 = 3000. All
    three: 1000 + 200 * 20 = 5000."""
    return _world(
        [{"code": c, "name": c, "gni": 1e11} for c in ("CZE", "SVK", "HUN")],
        {"CZE": 100, "SVK": 100, "HUN": 100},
        [
            {"item": "shell", "capacity": 100, "price": 10},
            {"item": "shell", "capacity": 10000, "price": 20},
        ],
    )


@pytest.fixture(scope="module")
def scarce() -> CoalitionGame:
    game = CoalitionGame(capacity_scenario(), workers=1, verify=True)
    game.all_values()
    return game


def test_coalition_values_match_hand_computation(tiered: CoalitionGame) -> None:
    values = tiered.all_values()
    for group in subsets(list(TIERED)):
        assert values[group] == pytest.approx(tiered_by_hand(group), abs=TOL), sorted(group)
    assert all(v.verified for v in tiered.cache.values() if v.group)
    assert not tiered.failed()
    table = tiered.table()
    assert len(table) == 15 and set(table.status) == {"optimal"}


def test_grand_and_singletons_agree_with_the_baseline(tiered: CoalitionGame) -> None:
    """The grand coalition is the pooled plan and, with ample capacity and no donations, a
    singleton is the nation's going-alone cost in aggregate.compare."""
    cmp = compare(tiered.scenario, objective="weighted")
    assert verify(tiered.scenario, cmp.pooled).ok and verify(tiered.scenario, cmp.alone).ok
    assert tiered.value(tiered.grand) == pytest.approx(cmp.totals["total_cost_pooled"], abs=TOL)
    singles = {n: tiered.value({n}) for n in TIERED}
    assert sum(singles.values()) == pytest.approx(cmp.totals["total_cost_alone"], abs=TOL)
    alone = cmp.by_nation.set_index("nation")["cost_alone"]
    for n, v in singles.items():
        assert alone[n] == pytest.approx(v, abs=TOL)


def test_concave_game_shapley_is_in_the_core(tiered: CoalitionGame) -> None:
    values = tiered.all_values()
    groups = list(values)
    # precondition: the tiered game is concave (submodular) on every pair of groups
    for s, t in itertools.product(groups, groups):
        assert values[s | t] + values[s & t] <= values[s] + values[t] + TOL
    phi = shapley_exact(values)
    assert in_core(values, phi)
    assert not least_core(values).core_empty


def test_every_rule_is_efficient(tiered: CoalitionGame) -> None:
    table = allocate(tiered)
    assert set(table.rule) == {"proportional", "key", "shapley", "nucleolus", "dual"}
    total = tiered.value(tiered.grand)
    sums = table.groupby("rule")["amount"].sum()
    for rule, amount in sums.items():
        assert amount == pytest.approx(total, abs=TOL), rule
    assert table.groupby("rule")["share"].sum().tolist() == pytest.approx([1.0] * 5)
    # proportional: deliveries equal demands; key: GNI shares
    prop = table[table.rule == "proportional"].set_index("nation").amount
    key = table[table.rule == "key"].set_index("nation").amount
    for n in TIERED:
        assert prop[n] == pytest.approx(total * TIERED[n] / sum(TIERED.values()), abs=TOL)
        assert key[n] == pytest.approx(total * GNI[n] / sum(GNI.values()), abs=TOL)
    saved = table[table.rule == "shapley"].set_index("nation")
    assert (saved.savings == saved.alone - saved.amount).all()
    assert (saved.savings >= -TOL).all()  # in the core, nobody loses by joining
    report = shares_by_nation(tiered, table)
    assert list(report.nation) == list(TIERED)
    assert report.key_share.sum() == pytest.approx(1.0)
    assert report.model_cost.sum() == pytest.approx(total, abs=TOL)  # no penalties here
    stable = stability(tiered, table).set_index("rule")
    assert stable.loc["shapley", "in_core"] and stable.loc["nucleolus", "in_core"]
    assert (stable.checked == 14).all()


def test_capacity_makes_the_core_empty(scarce: CoalitionGame) -> None:
    values = scarce.all_values()
    for group in subsets(["CZE", "SVK", "HUN"]):
        expected = {0: 0.0, 1: 1000.0, 2: 3000.0, 3: 5000.0}[len(group)]
        assert values[group] == pytest.approx(expected, abs=TOL)
    lc = least_core(values)
    assert lc.core_empty and lc.epsilon == pytest.approx(2000 / 3, abs=TOL)
    table = allocate(scarce, ["shapley", "nucleolus", "proportional"])
    assert "pre-nucleolus" in table.attrs["notes"]["nucleolus"]
    stable = stability(scarce, table)
    assert not stable.in_core.any()
    # every rule gives 5000/3 each by symmetry: each nation saves 2000/3 by leaving
    assert stable.largest_gain.tolist() == pytest.approx([2000 / 3] * 3, abs=TOL)


def test_dual_prices_in_a_linear_game() -> None:
    """Owen (1975): with linear costs and no binding capacity the dual price of a demand is
    the unit price (here 12 = 10 + delivery 2), so each nation pays 12 per unit demanded,
    the Shapley value and a core allocation."""
    demands = {"EST": 30.0, "LVA": 50.0, "LTU": 70.0}
    sc = _world(
        [{"code": c, "name": c} for c in demands],
        demands,
        [{"item": "shell", "capacity": 1000, "price": 10, "delivery_cost": 2}],
    )
    game = CoalitionGame(sc, workers=1, verify=True)
    table = dual(game).set_index("nation")
    for n, q in demands.items():
        # c(S) = 12 * (units of S): the game is additive, its Shapley value and only core
        # point are 12 per unit, and the raw dual charges already add up to c(N)
        assert table.amount[n] == pytest.approx(12 * q, abs=TOL)
        assert table.alone[n] == pytest.approx(12 * q, abs=TOL)
    assert "add up to 1,800" in table.attrs["note"]
    assert all(v.verified for v in game.cache.values() if v.group)


# --- 10 nations: sampled against exact ----------------------------------------------------
BIG = ["BAA", "BAB", "BAC", "BAD", "BAE"]
SMALL = ["SAA", "SAB", "SAC", "SAD", "SAE"]


def _units(group: frozenset[str]) -> int:
    """A group's demand in units of 30: a big nation needs 60, a small one 30."""
    return 2 * len(group & set(BIG)) + len(group & set(SMALL))


@pytest.fixture(scope="module")
def ten() -> tuple[CoalitionGame, dict[int, float]]:
    """Ten nations of two kinds share one contract (fixed cost and tiers, ample capacity),
    so a group's cost depends only on its total demand: 15 model solves give all 1024
    coalition values."""
    demands = {**dict.fromkeys(BIG, 60.0), **dict.fromkeys(SMALL, 30.0)}
    sc = _world(
        [{"code": c, "name": c} for c in demands],
        demands,
        [
            {
                "item": "shell",
                "capacity": 2000,
                "price": 10,
                "contract_cost": 1000,
                "tiers": [{"min_volume": 200, "price": 9}, {"min_volume": 400, "price": 8}],
            }
        ],
    )
    game = CoalitionGame(sc, workers=1, verify=True)
    reps = {}
    for b, s in itertools.product(range(6), range(6)):
        reps.setdefault(2 * b + s, frozenset(BIG[:b] + SMALL[:s]))
    solved = game.solve_groups(reps.values())
    assert len(reps) == 16 and all(v.verified for v in solved.values() if v.group)
    return game, {k: solved[g].value for k, g in reps.items()}


def _by_units(by_units: dict[int, float]) -> Any:
    return lambda group: by_units[_units(group)]


def test_units_shortcut_is_the_model(ten: tuple[CoalitionGame, dict]) -> None:
    game, by_units = ten
    for group in (frozenset({"BAC", "BAE", "SAB"}), frozenset({"BAB", "SAC", "SAD", "SAE"})):
        assert game.value(group) == pytest.approx(_by_units(by_units)(group), abs=TOL)
    # by hand: 7 units = 210 shells reach the 200 tier: 1000 + 9 * 210
    assert by_units[7] == pytest.approx(1000 + 9 * 210, abs=TOL)


def test_sampled_shapley_converges_on_ten_nations(ten: tuple[CoalitionGame, dict]) -> None:
    _, by_units = ten
    value = _by_units(by_units)
    players = BIG + SMALL
    exact = shapley_exact(value, players)
    assert sum(exact.values()) == pytest.approx(value(frozenset(players)), abs=TOL)
    covered = 0
    for seed in range(20):
        est = shapley_sampled(value, players, samples=200, seed=seed, confidence=0.95)
        covered += all(abs(est.values[p] - exact[p]) <= est.half_width[p] for p in players)
    assert covered >= 17  # joint 95% intervals: about 19 of 20 expected
    rough = shapley_sampled(value, players, samples=50, seed=1)
    fine = shapley_sampled(value, players, samples=2000, seed=1)
    err = lambda e: max(abs(e.values[p] - exact[p]) for p in players)  # noqa: E731
    assert err(fine) < err(rough)
    assert max(fine.half_width.values()) < max(rough.half_width.values()) / 4


def test_sampled_rule_solves_its_orders(scarce: CoalitionGame) -> None:
    table = shapley(scarce, samples=40, seed=3)
    assert "sampled" in table.attrs["note"]
    assert table.amount.sum() == pytest.approx(5000.0, abs=TOL)
    assert (table.half_width >= 0).all()


# --- restriction ------------------------------------------------------------------------
def test_restrict_keeps_the_groups_part_of_funds() -> None:
    sc = validate(tiny_raw())
    assert restrict(sc, ["UKR", "DEU", "FRA"]) is sc
    sub = restrict(sc, ["UKR", "DEU"])
    assert [n.code for n in sub.nations] == ["UKR", "DEU"]
    assert all(d.nation in {"UKR", "DEU"} for d in sub.demands)
    assert {s.nation for s in sub.stockpiles} == {"UKR", "DEU"}
    epf = next(f for f in sub.funds if f.id == "EPF")
    deu_share = 4.3e12 / (4.3e12 + 3.0e12)  # DEU's GNI key share among DEU and FRA
    assert epf.members == ["DEU"]
    assert epf.cap == pytest.approx(2e9 * deu_share)
    assert epf.committed == pytest.approx(5e8 * deu_share)
    ifu = next(f for f in sub.funds if f.id == "IFU")
    assert list(ifu.contribution.pledges) == ["DEU"]  # type: ignore[union-attr]
    # going alone: no funds; France cannot use the M777 round, so it is dropped
    fra = restrict(sc, ["FRA"])
    assert fra.funds == [] and [i.id for i in fra.items] == ["155-L52"]
    assert all(o.item == "155-L52" for p in fra.producers for o in p.offers)
    assert [e.item for c in fra.capabilities for e in c.satisfied_by] == ["155-L52"]
    with pytest.raises(GameError, match="not in the scenario"):
        restrict(sc, ["USA"])


def test_restrict_sustainment_follows_the_items_and_members() -> None:
    sc = load(ROOT / "models/sustainment-barrels/scenario.yaml")
    assert sc.sustainment is not None
    sub = restrict(sc, ["DEU", "FRA"])
    assert sub.sustainment is not None
    items = {i.id for i in sub.items}
    # the M109 and Bohdana rules leave with their items; the L52 rules stay
    assert {w.item for w in sub.sustainment.wear} == {"BRL-L52-CAESAR", "BRL-L52-PZH"}
    # the shops serving only Ukraine are gone; the depot serving everyone stays, whole
    assert [r.id for r in sub.sustainment.repair_shops] == ["RHM-DEPOT"]
    depot = next(r for r in sc.sustainment.repair_shops if r.id == "RHM-DEPOT")
    assert sub.sustainment.repair_shops[0] == depot
    assert all(w.item in items and w.by in items for w in sub.sustainment.wear)
    # Ukraine keeps its forward hub, for the barrels its guns wear
    ukr = restrict(sc, ["UKR"])
    assert ukr.sustainment is not None
    assert {r.id for r in ukr.sustainment.repair_shops} >= {"FWD-POL", "UA-PLANT-RELINE"}
    # Norway holds spare M109 barrels and no gun firing them: no rule applies, and it
    # keeps the first capability (a scenario needs one) with nothing to meet
    nor = restrict(sc, ["NOR"])
    assert nor.sustainment is None and nor.demands == []
    assert [c.id for c in nor.capabilities] == [sc.capabilities[0].id]


def test_restrict_sustainment_rules_keep_their_members_and_worn_items() -> None:
    raw = tiny_raw()
    raw["items"].append({"id": "barrel"})
    raw["sustainment"] = {
        "wear": [{"item": "barrel", "by": "155-L52", "uses_per_unit": 100, "nations": ["UKR"]}],
        "repair_shops": [
            {"id": "S", "country": "DEU", "items": ["barrel"], "capacity": 5, "serves": ["UKR"]}
        ],
    }
    sc = validate(raw)
    # the barrel stays with the gun that wears it, though no one can order or holds it
    ukr = restrict(sc, ["UKR"])
    assert ukr.sustainment is not None and "barrel" in {i.id for i in ukr.items}
    assert ukr.sustainment.wear[0].nations == ["UKR"]
    assert ukr.sustainment.repair_shops[0].serves == ["UKR"]
    # Germany's use wears nothing: the rule and the shop serving Ukraine leave
    assert restrict(sc, ["DEU"]).sustainment is None


def test_restrict_keeps_package_size_and_drops_a_fund_below_one_package() -> None:
    sc = load(ROOT / "tests/cases/package-fund-pays-whole-packages/scenario.yaml")
    # NLD carries 1/4 of PURL's key: a cap of 125 buys no package of 200
    assert restrict(sc, ["NLD", "UKR"]).funds == []
    purl = restrict(sc, ["DEU", "UKR"]).funds[0]
    assert purl.cap == pytest.approx(375.0) and purl.package_size == 200


def test_restrict_scales_tranches_like_the_cap() -> None:
    raw = tiny_raw()
    epf = next(f for f in raw["funds"] if f["id"] == "EPF")
    periods = raw["periods"]
    epf["tranches"] = {periods[0]: 3e8, periods[-1]: 3e8}
    sc = validate(raw)
    sub = next(f for f in restrict(sc, ["UKR", "DEU"]).funds if f.id == "EPF")
    deu_share = 4.3e12 / (4.3e12 + 3.0e12)
    assert sub.tranches == pytest.approx(
        {periods[0]: 3e8 * deu_share, periods[-1]: 3e8 * deu_share}
    )


SCENARIOS = sorted(
    str(p.relative_to(ROOT))
    for pattern in ("models/**/scenario.yaml", "tests/cases/*/scenario.yaml")
    for p in ROOT.glob(pattern)
)


@pytest.mark.parametrize("path", SCENARIOS)
def test_every_single_nation_and_pair_restricts_validly(path: str) -> None:
    # restriction only (no solves): every library and case scenario, every single nation
    # and every pair, passes the checks a coalition's solve needs
    sc = load(ROOT / path)
    codes = [n.code for n in sc.nations]
    for group in [*([c] for c in codes), *itertools.combinations(codes, 2)]:
        sub = restrict(sc, group)
        assert {n.code for n in sub.nations} == set(group)
        assert [p for p in check_scenario(sub) if p.check not in TOLERATED_CHECKS] == []


def test_parallel_solving_matches_serial(scarce: CoalitionGame) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        game = CoalitionGame(capacity_scenario(), executor=pool)
        values = game.all_values()
    assert values == pytest.approx(scarce.all_values(), abs=TOL)


def test_plot_shares(tiered: CoalitionGame) -> None:
    import matplotlib.pyplot as plt

    from aggregate.games.plot import plot_shares

    table = allocate(tiered, ["proportional", "shapley"])
    ax = plot_shares(table)
    assert len(ax.patches) == 2 * len(TIERED)
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(TIERED)
    ax2 = plot_shares(shares_by_nation(tiered, table))
    assert len(ax2.patches) == 4 * len(TIERED)  # model, key and the two rules
    plt.close("all")
