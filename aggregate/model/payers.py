"""Who pays: the payer stage, run on a solved plan after the needs and cost stages.

Cost and needs do not depend on who pays (a fund's payment and the beneficiary's own payment
cost the same, and unspent money is no cost), so after the cost stage the money columns
(``contrib``, ``fund_pays``, ``fund_invests``, ``unspent``, ``paid_in``) are a tie the solver would break
arbitrarily. This stage settles them by stated rules, in order (each optimum kept, within a
hair of tolerance, while the next is optimised):

1. investment entitlement: funds with the ``investment`` use co-finance built eligible
   expansions as far as their co-financing share and cap allow (most money to investments);
2. refill entitlement: funds with the ``refill`` use reimburse donors' refill orders as far
   as the stated rate of the donated units' value allows;
3. procurement funds pay for eligible orders before the beneficiary's own budget (most money
   paid by funds of channel ``fund``);
4. grants before loans: of what the funds pay for orders (each total above kept), as
   little as possible is lent (least money paid by funds of ``kind: loan``),
   so a beneficiary owes back nothing a grant could have paid, whatever the funds' ids;
5. bilateral ceilings next (funds whose ``channel`` is ``bilateral``, if a scenario has any),
   whatever they pay for: a bilateral refill comes after every fund's;
6. the rest is the nation's own: members pay in no more than the funds' committed size and
   what the funds spend (least money collected, so unspent money is only committed money);
7. members of a fund with tranches pay in as late as its cash balance allows (least sum of
   each payment in times the number of periods from its period to the horizon's end);
8. ties left: each money column carries a fixed weight derived from its ids (CRC-32 of the
   index), the same whatever the order of the scenario's lists or the thread count; the
   least weighted sum is kept. The weights are generic, so the optimum is unique.

The physical plan (orders, builds, donations, stocks) is fixed at the cost stage's values:
only the money columns move, over the rows that hold them (fund rules, contribution rules,
budgets), so the plan's cost and needs stay exactly as solved. The consortium binaries of
funds with a minimum consortium are set to what the fixed orders allow, so that a fund may
pay wherever the consortium rule lets it; likewise the component-origin binaries are set
to what the fixed feeds allow.
"""

from __future__ import annotations

import logging
import zlib

import highspy
import numpy as np

from aggregate.data import ModelData
from aggregate.model.highs import run_highs
from aggregate.model.instruments import open_origins
from aggregate.model.linear import INF, LinearModel
from aggregate.result import SolveStatus
from aggregate.status import Outcome, read_highs

log = logging.getLogger(__name__)

MONEY: tuple[str, ...] = ("contrib", "fund_pays", "fund_invests", "unspent", "paid_in", "packages")
"""The columns the payer stage settles (``packages``: a fund's whole packages, which move
with its payments and stay whole; ``paid_in``: contributions by period to funds with
tranches)."""

HINF = highspy.kHighsInf
REL_TOL = 1e-12
"""Relative slack kept on each level's optimum (and on the fixed plan's rows)."""
ABS_TOL = 1e-9


def _block(lin: LinearModel, name: str) -> range:
    b = lin.columns.get(name)
    return range(0) if b is None else range(b.start, b.stop)


def _weight(name: str, key: object) -> float:
    """A fixed weight in [1, 2) from a column's name and index."""
    return 1.0 + zlib.crc32(f"{name}{key!r}".encode()) / 2.0**32


def levels(lin: LinearModel, data: ModelData) -> list[tuple[str, np.ndarray]]:
    """The payer stage's objectives in order (each minimised), over all columns."""
    n = lin.ncols
    invest = np.zeros(n)
    invest[list(_block(lin, "fund_invests"))] = -1.0
    refill, fund, bilateral, lent = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    pays = lin.col("fund_pays") if "fund_pays" in lin.columns else {}
    for key, j in pays.items():
        # grants before loans: once the funds' totals are kept, the least is lent
        if data.funds[key[0]].loan:
            lent[j] = 1.0
        # a bilateral purchase comes after every fund, whatever it pays for (refills too)
        if data.funds[key[0]].channel == "bilateral":
            bilateral[j] = -1.0
        elif data.fund_pays.get(key[:4]) == "refill":
            refill[j] = -1.0
        else:
            fund[j] = -1.0
    collected = np.zeros(n)
    collected[list(_block(lin, "contrib"))] = 1.0
    # members of a fund with tranches pay in as late as its cash balance allows
    early = np.zeros(n)
    if "paid_in" in lin.columns:
        horizon = len(data.periods)
        for (_f, _m, t), j in lin.col("paid_in").items():
            early[j] = float(horizon - t)
    ties = np.zeros(n)
    for name in MONEY:
        if name in lin.columns:
            for key, j in lin.col(name).items():
                ties[j] = _weight(name, key)
    out = [
        ("investment", invest),
        ("refill", refill),
        ("procurement", fund),
        ("loans", lent),
        ("bilateral", bilateral),
        ("collected", collected),
        ("early", early),
        ("ties", ties),
    ]
    return [(name, c) for name, c in out if c.any()]


def _open_consortia(lin: LinearModel, data: ModelData, x: np.ndarray) -> None:
    """Set ``joins`` and ``fund_uses`` to what the fixed orders allow (1 where they may)."""
    if "joins" not in lin.columns or not len(lin.columns["joins"].keys):
        return
    order, joins = lin.col("order"), lin.col("joins")
    counted: dict[tuple, int] = {}
    for cn, j in joins.items():
        c, n = tuple(cn[:-1]), cn[-1]
        p, i = data.contracts[c]
        unit = data.offers[p, i].lot or 1.0
        volume = sum(x[order[o]] for o in data.by_route.get((p, i, n), []))
        x[j] = 1.0 if volume >= unit * (1 - 1e-9) else 0.0
        counted[c] = counted.get(c, 0) + int(x[j])
    for fc, j in lin.col("fund_uses").items():
        f, c = fc[0], tuple(fc[1:])
        x[j] = 1.0 if counted.get(c, 0) >= data.funds[f].min_nations else 0.0


MONEY_FEASIBILITY = 1e-6
"""HiGHS's primal feasibility tolerance in the payer stage, currency units. Its default,
1e-7, is below the rounding of a double holding a billion (about 2e-7): rows summing
amounts of 1e9 then end ``optimal`` with a residual of a few 1e-7 called infeasible
(seen on the EU 1m-shell scenario with longer lead times). A millionth of a currency unit
is still far below the thousandth the tables keep (:data:`aggregate.extract.MONEY_EPS`)."""


def _solve_level(h: highspy.Highs, mip: bool) -> Outcome:
    """Solve the payer stage's LP ``h`` as it stands, retrying the ways HiGHS can end
    ``optimal`` without a feasible primal solution: after a row is added to a solved LP
    (ammunition library scenario) a solve from scratch settles it; at amounts of 1e9 the
    money tolerance (:data:`MONEY_FEASIBILITY`) does."""
    run_highs(h)
    out = read_highs(h, mip=mip)
    for option in (None, ("primal_feasibility_tolerance", MONEY_FEASIBILITY)):
        if out.status is SolveStatus.OPTIMAL and out.objective is not None:
            break
        if option is not None:
            h.setOptionValue(*option)
        h.clearSolver()
        run_highs(h)
        out = read_highs(h, mip=mip)
    return out


def settle_payers(
    lin: LinearModel,
    data: ModelData,
    x: np.ndarray,
    *,
    active: np.ndarray | None = None,
    threads: int | None = None,
) -> np.ndarray | None:
    """The plan ``x`` with its money columns settled by the payer rules (module docstring);
    None if the stage could not solve (the caller keeps ``x``)."""
    money = np.zeros(lin.ncols, dtype=bool)
    for name in MONEY:
        money[list(_block(lin, name))] = True
    if not money.any() or np.isnan(x).any():
        return None
    x = x.copy()
    fixed = ~money
    # integers exactly integral: the rows below are evaluated at the fixed plan
    integer = np.asarray(lin.integer, dtype=bool)
    x[integer] = np.round(x[integer])
    _open_consortia(lin, data, x)
    open_origins(lin, data, x)
    a = lin.matrix().tocsr()
    touches = np.asarray((a[:, np.flatnonzero(money)] != 0).sum(axis=1)).ravel() > 0
    if active is not None:
        touches &= active
    rows = np.flatnonzero(touches)
    sub = a[rows]
    am = sub[:, np.flatnonzero(money)].tocsc()
    rest = sub[:, np.flatnonzero(fixed)] @ x[fixed]
    lower = np.asarray(lin.row_lower, dtype=float)[rows] - rest
    upper = np.asarray(lin.row_upper, dtype=float)[rows] - rest
    # a hair of slack where the fixed plan enters a row: it satisfies its rows only within
    # the solver's tolerance; rows of money alone keep their bounds
    mixed = np.asarray((sub[:, np.flatnonzero(fixed)] != 0).sum(axis=1)).ravel() > 0
    with np.errstate(invalid="ignore"):
        hair_lo = np.where(mixed, ABS_TOL + REL_TOL * np.abs(lower), 0.0)
        hair_up = np.where(mixed, ABS_TOL + REL_TOL * np.abs(upper), 0.0)
        lower = np.where(np.isfinite(lower), lower - hair_lo, -HINF)
        upper = np.where(np.isfinite(upper), upper + hair_up, HINF)
    cols = np.flatnonzero(money)
    col_lower = np.asarray(lin.col_lower, dtype=float)[cols]
    col_upper = np.asarray(lin.col_upper, dtype=float)[cols]
    # only a fund's whole packages are integer among the money columns: without packages
    # the stage stays a linear program
    whole = integer[cols].astype(np.int32)
    mip = bool(whole.any())
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if mip:  # each level's optimum is kept as a row: it must be the proven optimum
        h.setOptionValue("mip_rel_gap", 0.0)
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    h.passModel(
        len(cols),
        len(rows),
        int(am.nnz),
        1,
        1,
        0.0,
        np.zeros(len(cols)),
        np.clip(col_lower, -HINF, HINF),
        np.clip(np.where(col_upper == INF, HINF, col_upper), -HINF, HINF),
        np.clip(lower, -HINF, HINF),
        np.clip(upper, -HINF, HINF),
        am.indptr.astype(np.int32),
        am.indices.astype(np.int32),
        am.data.astype(float),
        whole,
    )
    for name, c in levels(lin, data):
        cost = c[cols]
        h.changeColsCost(len(cols), np.arange(len(cols), dtype=np.int32), cost)
        out = _solve_level(h, mip)
        if out.status is not SolveStatus.OPTIMAL or out.objective is None:
            log.warning("payer stage %s ended %s; keeping the cost stage's payments", name, out)
            return None
        best = out.objective
        nz = np.flatnonzero(cost).astype(np.int32)
        h.addRow(-HINF, best + ABS_TOL + REL_TOL * abs(best), len(nz), nz, cost[nz])
    x[cols] = np.asarray(h.getSolution().col_value)[: len(cols)]
    return x
