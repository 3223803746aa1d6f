"""Hints that turn an error into its fix: "did you mean", the format a value must follow
and the country code of a country name.

Used by :mod:`aggregate.errors` (type errors) and :mod:`aggregate.checks.lookups`
(references to unknown ids), so every message suggests the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

COUNTRY_CODES: dict[str, str] = {
    "australia": "AUS",
    "austria": "AUT",
    "belgium": "BEL",
    "bulgaria": "BGR",
    "canada": "CAN",
    "croatia": "HRV",
    "czechia": "CZE",
    "czech republic": "CZE",
    "denmark": "DNK",
    "estonia": "EST",
    "finland": "FIN",
    "france": "FRA",
    "germany": "DEU",
    "greece": "GRC",
    "hungary": "HUN",
    "iceland": "ISL",
    "ireland": "IRL",
    "italy": "ITA",
    "japan": "JPN",
    "latvia": "LVA",
    "lithuania": "LTU",
    "luxembourg": "LUX",
    "netherlands": "NLD",
    "the netherlands": "NLD",
    "new zealand": "NZL",
    "norway": "NOR",
    "poland": "POL",
    "portugal": "PRT",
    "romania": "ROU",
    "slovakia": "SVK",
    "slovenia": "SVN",
    "south korea": "KOR",
    "korea": "KOR",
    "spain": "ESP",
    "sweden": "SWE",
    "switzerland": "CHE",
    "turkey": "TUR",
    "turkiye": "TUR",
    "ukraine": "UKR",
    "united kingdom": "GBR",
    "uk": "GBR",
    "great britain": "GBR",
    "united states": "USA",
    "united states of america": "USA",
    "us": "USA",
}
"""Country name (lower case) -> ISO 3166-1 alpha-3 code, for the countries of the scenario
library and their neighbours: enough to turn ``Germany`` into ``DEU`` in a message."""

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/+ -]*$"
"""The pattern of every id (:data:`aggregate.schema.base.Id`)."""
CODE_PATTERN = "^[A-Z]{3}$"
"""The pattern of nation codes and currency codes."""

NATION_FORMAT = "an ISO 3166-1 alpha-3 country code in capitals, e.g. DEU"
CURRENCY_FORMAT = "an ISO 4217 currency code in capitals, e.g. EUR"
ID_FORMAT = (
    "an id: a letter or digit first, then letters, digits, spaces and _ . : / + - (e.g. shell-155)"
)

CONFUSED_FIELDS: dict[tuple[str, str], str] = {
    ("Demand", "item"): "capability",
    ("Demand", "country"): "nation",
    ("Demand", "due"): "period",
    ("Nation", "country"): "code",
    ("Nation", "id"): "code",
    ("Stockpile", "country"): "nation",
    ("Capability", "items"): "satisfied_by",
    ("Fund", "beneficiaries"): "eligible_beneficiaries",
    ("Fund", "budget"): "cap",
    ("Producer", "nation"): "country",
    ("Offer", "price_per_unit"): "price",
}
"""(model, field written) -> the field meant, for mistakes too far in spelling for
:func:`closest` to catch (a demand asks for a capability, not an item)."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` in spelling, or None when none is close.

    Case is ignored first (``deu`` -> ``DEU``), then :func:`difflib.get_close_matches`
    with its usual cutoff of 0.6 similarity picks the best of the rest.
    """
    options = sorted(set(choices))
    for option in options:
        if option.lower() == word.lower():
            return option
    found = difflib.get_close_matches(word, options, n=1)
    return found[0] if found else None


def country_code(value: str) -> str | None:
    """The alpha-3 code a written value most likely means: a known country name
    (``Germany``), a code in the wrong case (``deu``), or None."""
    text = value.strip()
    if text.lower() in COUNTRY_CODES:
        return COUNTRY_CODES[text.lower()]
    if len(text) == 3 and text.isalpha():
        return text.upper()
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else empty."""
    best = closest(word, choices)
    return f" (did you mean '{best}'?)" if best is not None and best != word else ""
