"""The verifier's rules: every name a violation can carry, with what it checks.

Model rules keep their name in ``docs/model.md`` (``capacity_upper``, ``stock_balance``, ...);
the accounting identities of the tables are named after the table and what they tie
together (``order_purchase_cost``, ``stock_arrivals``, ``budget_accounting``, ...). The rule
registry of the model refers to these keys: a name, once published, is never changed.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # the tables themselves
    "table_columns": "every table of aggregate.tables is present with all its columns",
    "table_ids": "every id and period in a table is one of the scenario's",
    "table_keys": "no entity appears twice in a table keyed by it",
    "nonnegative": "quantities and amounts are >= 0",
    "whole_units": "every quantity of an indivisible item in the item tables is whole",
    # orders
    "order_lead_time": "arrival_period - order_period == the offer's lead_time",
    "order_period_horizon": "the order period is a period of the scenario (arrival >= lead time)",
    "order_lots": "quantity == lots * lot_size with whole lots; lots NaN without a lot size",
    "order_purchase_cost": "purchase_cost == unit_price * quantity",
    "order_delivery_cost": "delivery_cost == the route's delivery cost per unit * quantity",
    "order_compatibility": "the receiving nation can use the item (systems) or stocks it",
    "order_route": "the receiving nation needs the item (a demand it meets, or a stockpile) "
    "and may order from the offer (its buyers and excluded_buyers)",
    "order_tier_price": "unit_price == the price of the order's tier in its order period",
    "order_stated_price": "price_currency is the producer's; stated_unit_price * its exchange "
    "rate == unit_price",
    "order_contract_label": "contract is 'producer/item' pooled, 'producer/item/nation' alone",
    # contracts
    "contract_label": "the contract row's label, nation and mode agree",
    "contract_volume": "volume == sum of the contract's order quantities",
    "tier_choice": "the tier is one of the offer's (0 = base price)",
    "contract_tier_price": "the contract's unit_price is its tier's price (ordered in the first "
    "period, where prices escalate)",
    "tier_volume_lower": "tier k >= 1 needs volume >= the tier's min_volume",
    "order_tier_link": "every order of a contract has the contract's tier and (prices not "
    "escalating) unit_price",
    "min_order_lower": "a contract with volume has volume >= min_order",
    "contract_nations": "nations == number of distinct nations ordering",
    "contract_order_periods": "order_periods == number of arrival periods with a delivery",
    "contract_period_cost": "period_cost == sum of order_period_cost over delivery periods",
    "contract_alone": "a going-alone contract serves one nation",
    "contract_cost": "contract_cost == the offer's contract_cost for a placed contract",
    # orders already placed
    "placed_order_record": "a placed_orders row per delivery: ids, ordered, price, fee as the "
    "scenario's; delivered == ordered - cancelled; cost and cancellation_cost follow",
    "placed_order_cancel": "cancelled <= ordered, and 0 for an order that is not cancellable",
    # commitments to an offer
    "commitment_lower": "a committed nation's volume under the offer >= its min_volume",
    "commitment_upper": "a committed nation's volume under the offer <= its max_volume",
    "commitment_joins_from": "a committed nation orders nothing before its joins_from",
    # capacity and investments
    "capacity_upper": "units made (delivered, unless the offer builds ahead) <= base capacity "
    "+ capacity of expansions ready",
    "capacity_table": "the capacity table's base, added, used, made and held agree with the plan",
    "build_ahead_balance": "units held by an offer's producer: held before + made - used, "
    "never below 0; an offer that does not build ahead makes what it delivers",
    "expansion_once": "an expansion is started at most once",
    "expansion_start_window": "an expansion starts between its earliest and latest start",
    "expansion_precedence": "an expansion with a step before it (after) starts only once "
    "that step has started, in the same period or earlier",
    "investment_ready_period": "ready_period == start + lead_periods (empty past the horizon)",
    "investment_record": "producer, item (or supplier), added capacity, cost and sponsor "
    "match the scenario",
    # components
    "component_supply": "components needed by the units made <= components supplied",
    "supplier_capacity_upper": "a supplier's deliveries in a period <= its capacity plus that "
    "of its expansions ready by then",
    "supplier_serves": "a supplier sends only its component, only to producers it serves",
    "component_value": "a components row's country is its supplier's; value == quantity * the "
    "supplier's price (else the component's value), NaN without either",
    # stock
    "stock_opening": "opening == previous closing (on_hand in the first period)",
    "stock_arrivals": "arrivals == orders delivered to the nation",
    "stock_donations": "donated_in / donated_out == the donations table",
    "stock_used": "used == units drawn for demands (supply table)",
    "stock_balance": (
        "closing == opening + arrivals + donated_in - donated_out - used - worn - spares_drawn"
        " + repaired"
    ),
    "stock_nonnegative": "closing >= 0",
    "stock_holding_cost": "holding_cost == holding cost per unit in the period * closing",
    "stock_floor_lower": "closing >= floor - below_floor (below_floor only for soft floors)",
    "stock_floor_table": "the inventory's floor column is the floor binding in the period",
    "refill_target_lower": "closing at refill_by >= target - missed (missed only if soft)",
    "refill_table": "the refills table's target, period and level agree with the plan",
    # sustainment
    "worn_from_use": "worn == units of the wearing item used / its uses_per_unit",
    "spares_from_use": "spares_drawn == units of the consuming item used / uses_per_unit",
    "worn_pool_balance": "worn_pool == previous worn_pool + worn - units taken in for repair",
    "repair_within_pool": "a shop takes in only worn units in the owner's pool",
    "repair_record": "a repair shop of the scenario repairs an item it lists for a nation it "
    "serves, whose use wears the item",
    "repair_return": "returned == period + repair_time + transport_time; the inventory's "
    "repaired column is what returns",
    "repair_cost": "repair_cost == (cost + transport_cost) * quantity",
    "repair_capacity_upper": "units a shop takes in per period <= its capacity",
    # donations, supply and demands
    "donation_arc": (
        "donor holds a donor stockpile; recipient differs, can use and needs it (a demand, "
        "or a use that wears it out or consumes it as a spare)"
    ),
    "donation_from_stock_upper": "units a donor gives over the horizon <= its opening stock",
    "donation_surplus_upper": "a surplus-policy donor gives an item only while its own demands "
    "the item serves are met in full and on time",
    "supply_record": "a supply row's nation and capability are its demand's",
    "supply_equivalent": "the item meets the capability; equivalent == quantity * factor",
    "supply_compatibility": "the demanding nation can use the item, qualified for the "
    "demand's weapon system if it names one",
    "supply_window": "units are drawn between the due period and due + max_lateness",
    "supply_periods_late": "periods_late == period - due period",
    "demand_record": "a demand row's nation, capability, due, priority and quantity are its own",
    "demand_accounting": "met_on_time, met_late and late_unit_periods sum the supply rows",
    "demand_balance": "met_on_time + met_late + short == quantity, short >= 0",
    "demand_weighted_shortfall": (
        "weighted_shortfall == priority * (1 + r)^-due * (short + w * late units)"
    ),
    # funds
    "contribution_member": "only a fund's members contribute to it",
    "contribution_key": "a member's share lies within key * (1 -/+ tolerance)",
    "contribution_pledge": "a member pays within its pledge range",
    "contribution_table": "share, key_share, lower and upper agree with the amounts",
    "fund_cap_upper": "a fund collects at most its cap",
    "bilateral_ceiling_upper": "a nation pays at most the ceiling of its purchases for another",
    "fund_committed_lower": "a fund collects at least its committed size",
    "fund_balance": "a fund spends at most what it collects",
    "fund_package_whole": "a fund with a package_size pays out a whole number of packages",
    "funds_accounting": "the funds table: collected, paid out and unspent match the payments",
    "fund_payment_eligible": "a fund pays only for orders it is eligible for",
    "fund_payment_upper": "funds pay at most the cost of a nation's orders",
    "fund_refill_upper": "refill-only payments <= unit value * units the nation donated",
    "consortium_lower": "a fund pays for a contract only with enough nations ordering "
    "(going alone, each nation's own contract)",
    "fund_investment_eligible": "a fund pays only for built expansions it may finance",
    "fund_investment_upper": "investment payments <= cofinancing share (and cost in total)",
    "component_origin": "where a fund with a component_origin rule pays for a producer's "
    "orders, the component value fed to it from outside the rule's countries <= "
    "max_outside_share * the value fed from all suppliers (over the horizon)",
    "fund_procurement_share_upper": "a fund's procurement payments for a contract <= its "
    "max_procurement_share * the purchase and delivery cost of all the contract's orders",
    "fund_open_window": "a fund pays (orders, investments) and collects only from opens to "
    "closes; an investment is paid when its build starts",
    "contribution_periods": "contributions to a fund with tranches fall in periods; to "
    "other funds they are horizon totals (period '')",
    "fund_tranche_upper": "members pay into a fund at most its tranche in each period",
    "fund_cash_balance": "by the end of each period a fund with tranches has paid out at most "
    "what it has collected so far",
    # payments and budgets
    "payment_record": "a payment row's payer, purpose and references are valid",
    "order_payment_balance": "own + fund payments == purchase + delivery cost of the orders, "
    "over the horizon and in each period they are paid (arrival, or order period at award)",
    "contribution_payments": "contribution payments == the contributions table",
    "investment_payment_balance": "the sponsor pays the part of an investment no fund pays",
    "fixed_cost_payments": "a contract's fixed costs are paid by the offer's fixed-cost rule",
    "budget_accounting": "the budgets table sums the nation's payments",
    "loan_repayment": "a nation repays a loan fund, in each period, the instalments falling "
    "due then of what it paid for its orders (none before the period after a payment); the "
    "loans table agrees",
    "budget_upper": "spent <= budget",
    "budget_period_upper": (
        "purchase + delivery of orders paid in a period (arriving, or ordered for a nation "
        "paying at award) + the fixed costs falling in it <= its budget"
    ),
    "participation": (
        "settings.participation no_worse_than_alone: no nation more short of a capability "
        "than going alone, nor spending more than going alone plus the list price of each "
        "unit met beyond it (the participation table)"
    ),
    # key figures
    "key_figures": "each key figure equals its recomputation from the tables",
}
"""Rule name -> what it checks. Every violation's ``rule`` is one of these."""
