"""The scenario as the verifier looks it up: the domain facts' index, plus the id sets
table cells must belong to and the offers' tier prices."""

from __future__ import annotations

from functools import cached_property

from aggregate import labels
from aggregate.schema import Offer, facts
from aggregate.schema.scenario_index import ScenarioIndex
from aggregate.verify.cells import whole


class Index(ScenarioIndex):
    """The scenario looked up by id (:class:`~aggregate.schema.scenario_index.ScenarioIndex`)."""

    @cached_property
    def known(self) -> dict[str, set[str]]:
        """Scenario set name (as in :data:`aggregate.tables.Reference`) -> its ids."""
        components = {c.id for c in self.scenario.components}
        components |= {s.component for s in self.scenario.component_suppliers}
        return {
            "producer": set(self.producers),
            "item": set(self.items),
            "nation": set(self.nations),
            "period": set(self.periods),
            "expansion": set(self.expansions),
            "supplier": set(self.suppliers),
            "component": components,
            "demand": set(self.demands),
            "fund": set(self.funds),
        }

    def tier_price(self, offer: Offer, tier: float, ordered: str | None = None) -> float | None:
        """Price of tier ``tier`` (0 = base) for an order placed in period ``ordered`` (None:
        the first period); None when the offer has no such tier or the period is unknown."""
        k = whole(tier)
        prices = facts.tier_prices(offer, self.periods)
        o = self.t.get(ordered) if ordered is not None else 0
        if k is None or not 0 <= k < len(prices) or o is None:
            return None
        return prices[k][o]

    def contract_label(self, producer: str, item: str, nation: str, pooled: bool) -> str:
        """The tables' label of the contract an order of ``nation`` belongs to."""
        return labels.contract(producer, item, None if pooled else nation)
