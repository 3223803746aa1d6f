"""Comparing a study's variants: key figures side by side, and per nation.

:func:`comparison` gives one row per variant: its parameters, status, cost, shortfall,
fill rate, the change against the base variant, the value of pooling where the study
solved the baseline, and each nation's total fund contributions. :func:`by_nation` gives
the same per (variant, nation), in long form.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from aggregate.differences import MEASURES, allowed, measures, solver_gap
from aggregate.study.spec import BASE
from aggregate.study.task import BASELINE_FIGURES, FIGURES


class StoreReader(Protocol):
    """What the comparison reads from a results store (:class:`aggregate.study.Store`,
    which calls these functions from its own methods, so this module cannot import it)."""

    def variants(self, study: str | None = None) -> pd.DataFrame: ...

    def table(self, name: str, study: str | None = None) -> pd.DataFrame: ...


_CHANGES = ("total_cost", "short", "weighted_shortfall", "fill_rate")


def comparison(store: StoreReader, study: str | None = None) -> pd.DataFrame:
    """One row per variant of ``study``.

    Columns: ``study``, ``variant``, ``kind``, ``group``, one ``param_<name>`` per grid
    axis or sampled parameter, ``status`` (``ok``, ``failed``, ``lost``, ``pending``),
    ``solve_status``, ``error``, the key figures (``total_cost``, ``short``,
    ``weighted_shortfall``, ``fill_rate``, ``on_time_rate``, ``gap``), ``verified``,
    ``seconds``; ``<figure>_change`` = the variant's figure minus the base variant's (when
    the study ran the base); ``cost_within_gap`` and ``shortfall_within_gap``: the
    variant's cost (total cost plus penalties) or weighted shortfall differs from the
    base's by no more than the two solves' gaps allow (:mod:`aggregate.differences`), so the
    change is not a result; ``equally_good``: both are, so the variant's plan is one of
    several equally good plans and its differences to the base (who orders, who donates)
    are a choice among them, not an effect of the variant (empty without a base plan or
    a plan of its own); with the baseline, ``total_cost_alone``, the value of
    pooling ``value_cost`` (going alone minus pooled; positive: pooling saves),
    ``value_cost_share``, ``value_short`` (units short alone minus pooled),
    ``fill_rate_alone``; and ``contribution_<NATION>``, each
    nation's payments into all funds.
    """
    v = store.variants(study)
    columns = ["study", "variant", "kind", "group"]
    params = pd.DataFrame(list(v["parameters"]), index=v.index)
    params.columns = [f"param_{c}" for c in params.columns]
    out = pd.concat([v[columns], params], axis=1)
    for column in ("status", "solve_status", "error", *FIGURES, "verified", "seconds"):
        out[column] = v[column]
    for figure in _CHANGES:
        out[f"{figure}_change"] = _change(v, figure)
    out = pd.concat([out, _within_gap(v)], axis=1)
    if v["alone_status"].notna().any():
        out["alone_status"] = v["alone_status"]
        for column in BASELINE_FIGURES:
            out[column] = v[column]
    contributions = store.table("contributions", study)
    if not contributions.empty:
        paid = contributions.pivot_table(
            index=["study", "variant"], columns="nation", values="amount", aggfunc="sum"
        )
        paid.columns = [f"contribution_{n}" for n in paid.columns]
        out = out.merge(paid.reset_index(), on=["study", "variant"], how="left")
        # a variant with a plan but no contribution paid nothing
        has_plan = out["status"] == "ok"
        for column in paid.columns:
            out.loc[has_plan, column] = out.loc[has_plan, column].fillna(0.0)
    return out.reset_index(drop=True)


def _change(v: pd.DataFrame, figure: str) -> pd.Series:
    """The figure minus the base variant's in the same study (NaN without a base plan)."""
    base = v[(v["variant"] == BASE) & (v["status"] == "ok")].set_index("study")[figure]
    return v[figure] - v["study"].map(base)


_WITHIN = {"cost": "cost_within_gap", "weighted_shortfall": "shortfall_within_gap"}


def _within_gap(v: pd.DataFrame) -> pd.DataFrame:
    """Per variant: does each measure differ from the base's by no more than the gaps
    allow, and are both (``equally_good``)? Empty (NA) without both plans."""
    ok = v["status"] == "ok"
    base: dict[Any, tuple[dict[str, float], float]] = {
        study: (measures(figures), solver_gap(gap))
        for study, figures, gap in zip(
            v.loc[ok & (v["variant"] == BASE), "study"],
            v.loc[ok & (v["variant"] == BASE), "key_figures"],
            v.loc[ok & (v["variant"] == BASE), "gap"],
            strict=True,
        )
    }
    rows: list[dict[str, Any]] = []
    for study, good, figures, gap in zip(v["study"], ok, v["key_figures"], v["gap"], strict=True):
        if not good or study not in base:
            rows.append({})  # NA in every column
            continue
        theirs, base_gap = base[study]
        mine, my_gap = measures(figures), solver_gap(gap)
        within = {
            _WITHIN[m]: abs(mine[m] - theirs[m]) <= allowed(mine[m], my_gap, theirs[m], base_gap)
            for m in MEASURES
        }
        rows.append({**within, "equally_good": all(within.values())})
    columns = [*_WITHIN.values(), "equally_good"]
    return pd.DataFrame(rows, index=v.index, columns=columns, dtype="boolean")


def by_nation(store: StoreReader, study: str | None = None) -> pd.DataFrame:
    """One row per (variant, nation) with a plan: capability units demanded (``demand``),
    ``met`` and ``short``, ``fill_rate``, ``contributions`` paid into funds, ``spent`` (own
    orders, purchases for others, contributions, sponsored investment and fixed costs) and,
    with the baseline, the value of pooling ``value_cost`` and ``value_short``
    (:mod:`aggregate.baseline`)."""
    keys = ["study", "variant", "nation"]
    demands = store.table("demands", study)
    met = demands.assign(met=demands["met_on_time"] + demands["met_late"])
    frame = met.groupby(keys, as_index=False).agg(
        demand=("quantity", "sum"), met=("met", "sum"), short=("short", "sum")
    )
    frame["fill_rate"] = (frame["met"] / frame["demand"]).where(frame["demand"] > 0, 1.0)
    budgets = store.table("budgets", study)[[*keys, "spent"]]
    paid = store.table("contributions", study)
    paid = paid.groupby(keys, as_index=False).agg(contributions=("amount", "sum"))
    frame = frame.merge(budgets, on=keys, how="outer").merge(paid, on=keys, how="left")
    frame["contributions"] = frame["contributions"].fillna(0.0)
    value = store.table("value_by_nation", study)
    if not value.empty:
        frame = frame.merge(value[[*keys, "value_cost", "value_short"]], on=keys, how="left")
    return frame.sort_values(keys).reset_index(drop=True)
