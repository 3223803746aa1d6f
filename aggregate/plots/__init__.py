"""Plots of plans and studies (matplotlib), for notebooks and for files written by the CLI.

Every function draws one chart: it takes a plan (:class:`aggregate.Solution`) or the table it
draws, an optional matplotlib ``ax`` (or ``fig`` for multi-panel charts) and options, and
returns the Axes (or Figure) without showing it. Pass ``scenario=`` for readable names,
units and the currency. An empty case (no shortfall, no funds) draws a clear
'Nothing to show: ...' message instead of an empty chart.

Quantities of different units are never added up: flows of rounds and missiles are weighed
by money (``weight="money"``, or one ``item=``), and deliveries, capacity and shortfall
charts of capabilities or items in different units ask for one (``capability=``,
``item=``) or name each row's unit. Axes holding whole units (missiles, barrels) tick on
whole numbers only. Flows show every channel a nation receives by: orders (its own, a
fund's, another nation's) and donations from stock; ``by="payer"`` shows who paid.

>>> from aggregate.plots import plot_flows
>>> ax = plot_flows(plan, scenario=scenario)          # doctest: +SKIP
>>> ax.figure.savefig("flows.png")                     # doctest: +SKIP
"""

from aggregate.extras import require as _require

# before the modules below import matplotlib: a missing extra says how to install it
_require("matplotlib", "aggregate.plots")

from aggregate.plots.capacity import capacity_frame, plot_capacity, plot_capacity_by_producer
from aggregate.plots.common import NOTHING_TO_SHOW, Names
from aggregate.plots.deliveries import delivery_frame, plot_deliveries, plot_deliveries_by_nation
from aggregate.plots.flows import BY, CHANNELS, WEIGHTS, flow_frame, flow_layout, plot_flows
from aggregate.plots.funds import plot_contributions
from aggregate.plots.save import KINDS, plan_plots, save_plan_plots
from aggregate.plots.shortfall import plot_shortfall, shortfall_frame
from aggregate.plots.study import plot_study, plot_variants

__all__ = [
    "BY",
    "CHANNELS",
    "KINDS",
    "NOTHING_TO_SHOW",
    "WEIGHTS",
    "Names",
    "capacity_frame",
    "delivery_frame",
    "flow_frame",
    "flow_layout",
    "plan_plots",
    "plot_capacity",
    "plot_capacity_by_producer",
    "plot_contributions",
    "plot_deliveries",
    "plot_deliveries_by_nation",
    "plot_flows",
    "plot_shortfall",
    "plot_study",
    "plot_variants",
    "save_plan_plots",
    "shortfall_frame",
]
