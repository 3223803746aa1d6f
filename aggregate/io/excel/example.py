"""The example scenario of the workbook template's ``_examples`` sheet: a small, valid
scenario touching every sheet, so each table has example rows written by the same code
(and so the same columns) as a real scenario's workbook.

Three nations (Ukraine receives, Germany and France donate and pay into two funds), two
155mm items for different guns meeting one capability, a donor stock with a refill plan,
two producers with tiers and lead times, one expansion, one component with a supplier, a
GNI-key fund, a pledge fund, a bilateral purchase, a framework commitment, an order placed
before the plan and a sustainment block (barrel wear, spares, a repair shop). The figures
are made up.
"""

from __future__ import annotations

from functools import cache

from aggregate.io.files import parse_yaml
from aggregate.schema import Scenario

EXAMPLE_YAML = """\
name: example
description: Three nations pool 155mm orders over four quarters
sources: [made up to show how each table is written]
currency: EUR
periods: [2025Q1, 2025Q2, 2025Q3, 2025Q4]
nations:
- code: UKR
  name: Ukraine
  gni: 1.8e+11
  systems: [PzH2000, CAESAR, M777]
- code: DEU
  name: Germany
  gni: 4.3e+12
  gdp: 4.4e+12
  budget: 5.0e+9
  budget_per_period: {2025Q1: 1.0e+9, 2025Q3: 1.5e+9}
  memberships: [EU, NATO]
  systems: [PzH2000]
  buys_for:
  - {beneficiary: UKR, ceiling: 2.0e+8, eligible_producer_countries: [DEU]}
- code: FRA
  name: France
  gni: 3.0e+12
  gdp: 3.0e+12
  budget: 3.0e+9
  memberships: [EU, NATO]
  systems: [CAESAR]
items:
- id: 155-L52
  name: 155mm L52 round
  unit: round
  systems: [PzH2000, CAESAR]
  components: {FUZE: 1}
- id: 155-L39
  name: 155mm L39 round
  unit: round
  systems: [M777]
  components: {FUZE: 1}
- {id: BRL-L52, name: 155mm L52 barrel, unit: barrel}
- {id: KIT, name: recoil spare kit, unit: kit}
capabilities:
- id: 155-fire
  name: 155mm artillery fire
  unit: round-equivalent
  satisfied_by:
  - {item: 155-L52}
  - {item: 155-L39, factor: 0.9}
demands:
- id: UKR-2025Q2
  nation: UKR
  capability: 155-fire
  period: 2025Q2
  quantity: 50000
  priority: 3
  max_lateness: 2
- id: UKR-2025Q4
  nation: UKR
  capability: 155-fire
  period: 2025Q4
  quantity: 80000
  priority: 3
  max_lateness: 1
  shortfall_penalty: 2.0e+5
- id: DEU-2025Q4
  nation: DEU
  capability: 155-fire
  period: 2025Q4
  quantity: 20000
stockpiles:
- nation: DEU
  item: 155-L52
  on_hand: 60000
  floor: 40000
  donor: true
  refill_target: 80000
  refill_by: 2025Q4
  refill_penalty: 9000
  holding_cost: 10
  unit_value: 4000
- nation: FRA
  item: 155-L52
  on_hand: 30000
  floor: {2025Q1: 20000, 2025Q3: 25000}
  floor_type: soft
  floor_penalty: 500
  holding_cost: {2025Q1: 8}
- {nation: UKR, item: 155-L39, on_hand: 5000}
- {nation: DEU, item: BRL-L52, on_hand: 20, floor: 10}
- {nation: DEU, item: KIT, on_hand: 50}
producers:
- id: RHM
  name: Rheinmetall
  country: DEU
  offers:
  - item: 155-L52
    capacity: {2025Q1: 30000, 2025Q3: 50000}
    price: 4000
    tiers:
    - {min_volume: 50000, price: 3800}
    - {min_volume: 100000, price: 3500}
    min_order: 10000
    lot_size: 1000
    lead_time: 1
    contract_cost: 1.0e+6
    order_period_cost: {2025Q1: 50000}
    delivery_cost: 20
    delivery_cost_to: {UKR: 60}
    commitments:
    - {nation: FRA, min_volume: 5000, max_volume: 40000, joins_from: 2025Q2}
  - item: 155-L39
    capacity: 10000
    price: 3000
    lead_time: 1
- id: NXT
  name: KNDS France
  country: FRA
  offers:
  - item: 155-L52
    capacity: 15000
    price: 4200
    tiers:
    - {min_volume: 40000, price: 3900}
    lead_time: 2
    delivery_cost: 30
expansions:
- id: RHM-UNT
  producer: RHM
  item: 155-L52
  added_capacity: 20000
  investment_cost: 5.0e+8
  lead_periods: 2
  earliest_start: 2025Q1
  latest_start: 2025Q2
  sponsor: DEU
components:
- {id: FUZE, name: DM74 fuze, unit: piece}
component_suppliers:
- id: JUN
  name: Junghans
  country: DEU
  component: FUZE
  capacity: {2025Q1: 100000}
  serves: [RHM, NXT]
funds:
- id: EPF
  name: European Peace Facility
  members: [DEU, FRA]
  contribution: {rule: key, basis: gni, tolerance: 0.05}
  cap: 2.0e+9
  committed: 5.0e+8
  uses: [procurement, refill, investment]
  eligible_beneficiaries: [UKR]
  max_cofinancing_share: 0.5
- id: IFU
  name: International Fund for Ukraine
  members: [DEU, FRA]
  contribution:
    rule: pledge
    pledges:
      DEU: {min: 1.0e+8, max: 5.0e+8}
      FRA: {min: 0}
  cap: 1.0e+9
  uses: [procurement]
  eligible_producer_countries: [DEU, FRA]
  eligible_beneficiaries: [UKR]
  min_nations_per_contract: 2
placed_orders:
- id: DEU-2024
  producer: RHM
  item: 155-L52
  nation: DEU
  deliveries: {2025Q1: 5000}
  price: 3600
  cancellable: true
  cancellation_fee: 500
sustainment:
  wear: [{item: BRL-L52, by: 155-L52, uses_per_unit: 2000, nations: [DEU]}]
  spares: [{item: KIT, by: 155-L52, uses_per_unit: 500, nations: [DEU]}]
  repair_shops:
  - {id: FWD-POL, name: forward repair hub, country: POL, items: [BRL-L52], capacity: 10,
     repair_time: 1, cost: 80000, serves: [DEU]}
settings:
  objective: needs_first
  lateness_weight: 0.1
  time_limit: 60
  mip_gap: 0.0001
"""
"""The example scenario as YAML (what ``aggregate save`` would write, by hand)."""


@cache
def example_scenario() -> Scenario:
    """The example scenario, validated (a change of the schema that breaks it fails here)."""
    from aggregate.validation import validate

    return validate(parse_yaml(EXAMPLE_YAML, "<example>"), "<example>")
