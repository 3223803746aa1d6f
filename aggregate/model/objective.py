"""The two measures of a plan, needs and cost, and the objectives built from them.

Each is kept as a coefficient vector over the matrix's columns
(:class:`aggregate.model.linear.LinearModel`) and as a Pyomo expression built from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.linear import LinearModel, linear
from aggregate.schema.settings import discount


def cost_vectors(lin: LinearModel, data: ModelData) -> dict[str, np.ndarray]:
    """Each cost family's coefficient per column (docs/model.md, "Objective").

    Money left unspent in a fund is no cost: charging it would make buying beyond demand,
    floors and refill targets as cheap as leaving committed money unspent (a tie the solver
    would break either way). Unspent money is reported (the ``funds`` table)."""
    off = data.offers
    start, stop = lin.columns["order"].start, lin.columns["order"].stop
    purchase = np.zeros(lin.ncols)
    delivery = np.zeros(lin.ncols)
    purchase[start:stop] = [off[o[0], o[1]].price(o[4], o[3]) for o in data.orders]
    delivery[start:stop] = [off[o[0], o[1]].delivery[o[2]] for o in data.orders]

    def holding() -> Iterator[tuple[str, tuple, float]]:
        for key in lin.columns["stock"].keys:
            s = data.stocks.get(key[:2])
            if s is not None and s.holding[key[2]] > 0:
                yield "stock", key, s.holding[key[2]]

    def penalty() -> Iterator[tuple[str, tuple, float]]:
        for key in lin.columns["below"].keys:
            pen = data.stocks[key[:2]].soft_penalty
            assert pen is not None
            yield "below", key, pen
        for key in lin.columns["missed"].keys:
            pen = data.stocks[key].refill_penalty
            assert pen is not None
            yield "missed", key, pen

    return {
        "purchase": purchase,
        "delivery": delivery,
        "contract": lin.vector(
            ("open", c, off[data.contracts[c]].contract_cost) for c in lin.columns["open"].keys
        ),
        "period": lin.vector(
            ("delivers", k, off[data.contracts[tuple(k[:-1])]].period_cost[k[-1]])
            for k in lin.columns["delivers"].keys
        ),
        "investment": lin.vector(
            ("build", (e, s), data.expansions[e].cost) for (e, s) in lin.columns["build"].keys
        ),
        "holding": lin.vector(holding()),
        "repair": lin.vector(
            ("repair", r, data.shops[r[0]].cost)
            for r in lin.columns["repair"].keys
            if data.shops[r[0]].cost > 0
        ),
        "penalty": lin.vector(penalty()),
        # orders already placed: only what the plan decides, a cancelled unit's fee less its
        # price (the cost of the units placed is a constant, reported from the
        # placed_orders table)
        "placed": lin.vector(
            ("cancel", (o, t), data.placed[o].fee - data.placed[o].price) for o, t in data.cancels
        ),
    }


def cost_terms(m: pyo.ConcreteModel, data: ModelData) -> dict[str, object]:
    """Each cost family as a linear expression (docs/model.md, "Objective")."""
    lin = linear(m)
    return {k: lin.expression(v) for k, v in lin.objective_terms.items()}


def _late(data: ModelData) -> dict[str, list[tuple[tuple[str, str, int], float]]]:
    """demand -> [(supply key, factor * periods late)] for late supply only."""
    out: dict[str, list[tuple[tuple[str, str, int], float]]] = defaultdict(list)
    for (d, i, t), factor in data.supply.items():
        late = t - data.demands[d].due
        if late > 0:
            out[d].append(((d, i, t), factor * late))
    return out


def needs_vectors(lin: LinearModel, data: ModelData) -> tuple[np.ndarray, np.ndarray]:
    r"""The weighted shortfall ``needs`` and the penalties the weighted objective adds.

    :math:`needs = \sum_d priority_d (1 + r)^{-due_d} (short_d + w \sum_{i,t} (t - due_d)
    f_i use_{d,i,t})`, with :math:`r` the settings' ``needs_discount`` and :math:`w` their
    ``lateness_weight``: an earlier unit short weighs more than a later one of the same
    priority, and a demand's late units are discounted from its due period like its units
    short, so lateness stays the same fraction of a unit short in every period;
    :math:`penalties = \sum_d shortfall_d \, short_d + lateness_d \sum (t - due_d) f_i use_{d,i,t}`.
    """
    late = _late(data)
    w = data.lateness_weight

    def needs() -> Iterator[tuple[str, object, float]]:
        for k, d in data.demands.items():
            weight = d.priority * discount(data.needs_discount, d.due)
            yield "short", k, weight
            for s, lateness in late.get(k, ()):
                yield "use", s, weight * w * lateness

    def penalties() -> Iterator[tuple[str, object, float]]:
        for k, d in data.demands.items():
            yield "short", k, d.shortfall_penalty
            for s, lateness in late.get(k, ()):
                yield "use", s, d.lateness_penalty * lateness

    return lin.vector(needs()), lin.vector(penalties())


def add_objectives(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Expressions ``cost`` and ``needs``; objectives ``needs_obj``, ``cost_obj`` and
    ``weighted_obj`` (all but one deactivated by the solve driver)."""
    lin = linear(m)
    lin.objective_terms = cost_vectors(lin, data)
    lin.needs, lin.shortfall_cost = needs_vectors(lin, data)
    m.cost = pyo.Expression(expr=lin.expression(lin.cost))
    m.needs = pyo.Expression(expr=lin.expression(lin.needs))
    m.needs_obj = pyo.Objective(expr=m.needs, sense=pyo.minimize)
    m.cost_obj = pyo.Objective(expr=m.cost, sense=pyo.minimize)
    m.weighted_obj = pyo.Objective(
        expr=m.cost + lin.expression(lin.shortfall_cost), sense=pyo.minimize
    )
    m.cost_obj.deactivate()
    m.weighted_obj.deactivate()
    m.needs_cap = pyo.Constraint(pyo.Any)  # filled by the needs-first driver: needs <= bound


RETRY_SLACK = 1e-7
"""Relative slack on the needs cap for a retry when the cost stage is infeasible at the
exact cap (never seen with HiGHS; another solver's tolerances may need it)."""


def needs_cap_bound(needs: float, tolerance: float, slack: float = 0.0) -> float:
    """The cost stage's cap on the weighted shortfall: ``needs * (1 + tolerance)`` plus
    ``slack * max(1, |needs|)``.

    No slack by default: the needs-stage plan meets the cap exactly, and the solver keeps
    rows within its own feasibility tolerance (HiGHS: 1e-7), so the cost stage can leave at
    most that much weighted shortfall more than the needs optimum, and the extraction
    cleans it (values within 1e-6 of a whole number are reported whole). A relative slack
    of 1e-7, as before, let the cost stage buy its way out of 1e-7 of the needs optimum: on
    a shortfall of 10^7 weighted units, about one unit short (8,000 rounds reported as
    7,999.06) where the demand was meetable.
    """
    return needs * (1 + tolerance) + slack * max(1.0, abs(needs))
