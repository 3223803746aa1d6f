"""Checks of currencies: every currency an entry names has an exchange rate, and every rate
is usable (above 0, known periods, holding from the first period)."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, num, quoted, series_keys, unknown_ref
from aggregate.errors import Problem
from aggregate.schema import Scenario, expand


def _currencies(s: Scenario) -> list[tuple[str, str, bool]]:
    """(entry, currency, producer?) for every entry naming a currency other than the
    reporting one."""
    named = [(labels.producer(p.id), p.currency, True) for p in s.producers]
    named += [(labels.nation(n.code), n.currency, False) for n in s.nations]
    named += [(labels.fund(f.id), f.currency, False) for f in s.funds]
    return [(e, c, prod) for e, c, prod in named if c is not None and c != s.currency]


def check_exchange_rates(s: Scenario) -> list[Problem]:
    """Each exchange rate names known periods, holds from the first period, is above 0 in
    every period, and is not given for the reporting currency itself."""
    ix = Index(s)
    out: list[Problem] = []
    for code, rate in sorted(s.exchange_rates.items()):
        field = f"exchange_rates.{code}"
        if code == s.currency:
            out.append(
                Problem(
                    "scenario",
                    field,
                    f"{code} is the reporting currency (currency), worth 1 of itself",
                    f"remove exchange_rates.{code}",
                )
            )
            continue
        missing = [p for p in series_keys(rate) if p not in ix.periods]
        if missing:
            out.append(unknown_ref("scenario", field, missing, "periods", s.periods, "a label"))
            continue
        values = expand(rate, list(s.periods))
        if isinstance(rate, dict) and s.periods[0] not in rate:
            out.append(
                Problem(
                    "scenario",
                    field,
                    f"the rate series starts after the first period ({s.periods[0]}), so "
                    f"{code} would be worth 0 before it",
                    f"give the rate of {s.periods[0]} too",
                )
            )
        elif zero := [p for p, v in zip(s.periods, values, strict=True) if v <= 0]:
            out.append(
                Problem(
                    "scenario",
                    field,
                    f"the rate is 0 in {quoted(zero)}: every amount in {code} would be worth "
                    "nothing",
                    f"give the reporting-currency value of one {code} (above 0)",
                )
            )
    return out


def check_currency_rates(s: Scenario) -> list[Problem]:
    """Every currency a producer, nation or fund names has a rate; a producer's currency
    has one rate over the horizon (its prices are single numbers, converted once)."""
    out: list[Problem] = []
    for entry, code, producer in _currencies(s):
        rate = s.exchange_rates.get(code)
        if rate is None:
            out.append(
                Problem(
                    entry,
                    "currency",
                    f"its amounts are in {code} but exchange_rates has no rate for {code} "
                    f"(the reporting currency is {s.currency})",
                    f"add exchange_rates: {{{code}: <{s.currency} per {code}>}}, or remove "
                    "currency if the amounts are in the reporting currency",
                )
            )
            continue
        values = sorted(set(expand(rate, list(s.periods))))
        if producer and len(values) > 1:
            out.append(
                Problem(
                    entry,
                    "currency",
                    f"the rate of {code} changes over the horizon ({num(values[0])} to "
                    f"{num(values[-1])}), but a producer's prices are single numbers, "
                    "converted at one rate",
                    f"give exchange_rates.{code} one rate (e.g. the average over the "
                    "orders' arrival periods), or state the producer's prices in the "
                    "reporting currency",
                )
            )
    return out
