"""The rows read from each sheet, put together into a scenario's raw data.

Rows of linked sheets join by their key columns (an offer's ``producer``, a tier's
``producer`` and ``item``, a member's ``fund``); :class:`Book` remembers the sheet and
row each entry came from, so :func:`locate` can name them in the schema's problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from aggregate.errors import Problem, entry_label
from aggregate.io.excel.cells import clip
from aggregate.io.excel.layout import SHEET_BY_NAME, SUSTAINMENT_SHEETS
from aggregate.schema import Scenario


@dataclass
class Book:
    """What is read from a workbook, with where each entry came from."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    rows: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    """Path in the raw data -> ``sheet row N``."""
    fields: dict[str, str] = field(default_factory=dict)
    """Key/value field (``periods``, ``settings.solver``) -> ``sheet row N``."""
    sheets: set[str] = field(default_factory=set)

    def problem(self, where: str, column: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, column, message, fix))


@dataclass(frozen=True)
class Row:
    number: int
    """Row number as Excel shows it."""
    values: dict[str, Any]
    """Column -> converted value (blank cells left out)."""
    kv_field: str | None = None
    """Key/value sheets: the row's field (also when its value is blank)."""


def assemble(tables: dict[str, list[Row]], kv: dict[str, list[Row]], book: Book) -> dict[str, Any]:
    """The raw scenario data of a workbook's rows: ``tables`` and ``kv`` by sheet name.

    Problems (a row linking to an entry that is not there, a value given twice) go to
    ``book``; the caller raises them together.
    """
    raw: dict[str, Any] = {}
    raw.update(_assemble_kv("scenario", kv.get("scenario", []), book, ""))
    settings = _assemble_kv("settings", kv.get("settings", []), book, "settings.")
    if settings:
        raw["settings"] = settings

    for name in ("nations", "items"):
        _plain(raw, name, tables.get(name), book)
    _capabilities(raw, tables.get("capabilities"), book)
    for name in ("demands", "stockpiles"):
        _plain(raw, name, tables.get(name), book)
    _producers(raw, tables, book)
    for name in ("expansions", "placed_orders", "components", "component_suppliers"):
        _plain(raw, name, tables.get(name), book)
    _funds(raw, tables, book)
    _purchases(raw, tables.get("bilateral_purchases"), book)
    _sustainment(raw, tables, book)
    # the schema's order of fields, so a dump of the raw data reads like a YAML scenario
    order = list(Scenario.model_fields)
    return {k: raw[k] for k in sorted(raw, key=order.index)}


def _assemble_kv(sheet: str, rows: list[Row], book: Book, prefix: str) -> dict[str, Any]:
    spec = SHEET_BY_NAME[sheet]
    out: dict[str, Any] = {}
    for row in rows:
        if row.kv_field is not None:
            book.fields.setdefault(prefix + row.kv_field, f"{sheet} row {row.number}")
        for name, value in row.values.items():
            kind = spec.column(name).kind  # type: ignore[union-attr]
            where = f"{sheet} row {row.number}"
            if kind == "labels":
                out.setdefault(name, []).extend(value)
            elif kind == "lines":
                out.setdefault(name, []).append(value)
            elif name in out:
                book.problem(
                    where,
                    name,
                    f"'{name}' is given twice (first in {book.fields[prefix + name]})",
                    "keep one row",
                )
            else:
                out[name] = value
    return out


def _plain(raw: dict[str, Any], name: str, rows: list[Row] | None, book: Book) -> None:
    if rows is None:
        return
    entries = raw.setdefault(name, [])
    for row in rows:
        book.rows.append(((name, len(entries)), f"{name} row {row.number}"))
        entries.append(dict(row.values))


def _sustainment(raw: dict[str, Any], tables: dict[str, list[Row]], book: Book) -> None:
    """The sustainment block from its sheets; none when they hold no row (as written for a
    scenario without one)."""
    block: dict[str, Any] = {}
    for name in SUSTAINMENT_SHEETS:
        for row in tables.get(name) or []:
            entries = block.setdefault(name, [])
            book.rows.append((("sustainment", name, len(entries)), f"{name} row {row.number}"))
            entries.append(dict(row.values))
    if block:
        raw["sustainment"] = block


def _required(sheet: str, row: Row, names: Iterable[str], book: Book) -> bool:
    missing = [n for n in names if n not in row.values]
    for n in missing:
        book.problem(f"{sheet} row {row.number}", n, "missing value", f"fill in the {n}")
    return not missing


def _capabilities(raw: dict[str, Any], rows: list[Row] | None, book: Book) -> None:
    if rows is None:
        return
    caps: list[dict[str, Any]] = raw.setdefault("capabilities", [])
    index: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        if not _required("capabilities", row, ["capability"], book):
            continue
        values = dict(row.values)
        cap_id = values.pop("capability")
        where = f"capabilities row {row.number}"
        if cap_id not in index:
            index[cap_id] = len(caps)
            first_row[cap_id] = row.number
            caps.append({"id": cap_id, "satisfied_by": []})
            book.rows.append((("capabilities", index[cap_id]), where))
        cap = caps[index[cap_id]]
        for name in ("name", "unit"):
            if name not in values:
                continue
            value = values.pop(name)
            if name in cap and cap[name] != value:
                book.problem(
                    where,
                    name,
                    f"'{clip(value)}' differs from '{clip(cap[name])}' given for "
                    f"capability {cap_id} in row {first_row[cap_id]}",
                    "give the same value on every row of the capability, or leave it blank",
                )
            cap[name] = value
        if values:
            path = ("capabilities", index[cap_id], "satisfied_by", len(cap["satisfied_by"]))
            book.rows.append((path, where))
            cap["satisfied_by"].append(values)


def _producers(raw: dict[str, Any], tables: dict[str, list[Row]], book: Book) -> None:
    rows = tables.get("producers")
    if rows is None and not any(
        tables.get(n) for n in ("offers", "tiers", "commitments", "capacity")
    ):
        return
    producers: list[dict[str, Any]] = raw.setdefault("producers", [])
    by_id: dict[str, int] = {}
    for row in rows or []:
        pid = row.values.get("id")
        if isinstance(pid, str):
            by_id.setdefault(pid, len(producers))
        book.rows.append((("producers", len(producers)), f"producers row {row.number}"))
        producers.append({**row.values, "offers": []})

    offers: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
    for row in tables.get("offers", []):
        if not _required("offers", row, ["producer"], book):
            continue
        values = dict(row.values)
        pid = values.pop("producer")
        if pid not in by_id:
            book.problem(
                f"offers row {row.number}",
                "producer",
                f"producer '{clip(pid)}' is not on the producers sheet",
                "add the producer there, or correct the id",
            )
            continue
        p = by_id[pid]
        path = ("producers", p, "offers", len(producers[p]["offers"]))
        book.rows.append((path, f"offers row {row.number}"))
        producers[p]["offers"].append(values)
        if isinstance(values.get("item"), str):
            offers.setdefault((pid, values["item"]), (values, row.number))

    def offer_of(sheet: str, row: Row) -> dict[str, Any] | None:
        if not _required(sheet, row, ["producer", "item"], book):
            return None
        key = (row.values["producer"], row.values["item"])
        if key not in offers:
            book.problem(
                f"{sheet} row {row.number}",
                "item",
                f"no offer of item '{clip(key[1])}' by producer '{clip(key[0])}' on the "
                "offers sheet",
                "add the offer, or correct the ids",
            )
            return None
        return offers[key][0]

    for row in tables.get("tiers", []):
        offer = offer_of("tiers", row)
        if offer is None:
            continue
        tiers = offer.setdefault("tiers", [])
        tier_path = (*_path_of(offer, producers), "tiers", len(tiers))
        book.rows.append((tier_path, f"tiers row {row.number}"))
        tiers.append({k: v for k, v in row.values.items() if k not in ("producer", "item")})

    for row in tables.get("commitments", []):
        offer = offer_of("commitments", row)
        if offer is None:
            continue
        held = offer.setdefault("commitments", [])
        book.rows.append(
            (
                (*_path_of(offer, producers), "commitments", len(held)),
                f"commitments row {row.number}",
            )
        )
        held.append({k: v for k, v in row.values.items() if k not in ("producer", "item")})

    from_sheet: set[int] = set()
    for row in tables.get("capacity", []):
        offer = offer_of("capacity", row)
        if offer is None or not _required("capacity", row, ["period", "capacity"], book):
            continue
        where = f"capacity row {row.number}"
        if "capacity" in offer and id(offer) not in from_sheet:
            offer_row = offers[(row.values["producer"], row.values["item"])][1]
            book.problem(
                where,
                "capacity",
                f"the offer already has a capacity in offers row {offer_row}",
                "leave the offer's capacity cell blank to give it by period here",
            )
            continue
        from_sheet.add(id(offer))
        series = offer.setdefault("capacity", {})
        period = row.values["period"]
        if period in series:
            book.problem(where, "period", f"period '{clip(period)}' is given twice", "keep one")
            continue
        series[period] = row.values["capacity"]


def _path_of(offer: dict[str, Any], producers: list[dict[str, Any]]) -> tuple[str | int, ...]:
    for p, producer in enumerate(producers):
        for o, candidate in enumerate(producer["offers"]):
            if candidate is offer:
                return ("producers", p, "offers", o)
    raise AssertionError("offer not found")  # pragma: no cover - offers come from producers


_KEY_COLUMNS = ("basis", "tolerance", "max_share")
_ORIGIN_COLUMNS = {"origin_countries": "countries", "origin_max_outside_share": "max_outside_share"}


def _purchases(raw: dict[str, Any], rows: list[Row] | None, book: Book) -> None:
    """Each bilateral_purchases row into its paying nation's ``buys_for``."""
    nations: list[dict[str, Any]] = raw.get("nations", [])
    by_code: dict[str, int] = {}
    for i, n in enumerate(nations):
        if isinstance(n.get("code"), str):
            by_code.setdefault(n["code"], i)
    for row in rows or []:
        if not _required("bilateral_purchases", row, ["nation"], book):
            continue
        values = dict(row.values)
        code = values.pop("nation")
        if code not in by_code:
            book.problem(
                f"bilateral_purchases row {row.number}",
                "nation",
                f"nation '{clip(code)}' is not on the nations sheet",
                "add the nation there, or correct the code",
            )
            continue
        i = by_code[code]
        entries = nations[i].setdefault("buys_for", [])
        book.rows.append(
            (("nations", i, "buys_for", len(entries)), f"bilateral_purchases row {row.number}")
        )
        entries.append(values)


def _funds(raw: dict[str, Any], tables: dict[str, list[Row]], book: Book) -> None:
    rows = tables.get("funds")
    if rows is None and not tables.get("fund_members"):
        return
    funds: list[dict[str, Any]] = raw.setdefault("funds", [])
    by_id: dict[str, int] = {}
    rules: list[str | None] = []
    for row in rows or []:
        values = dict(row.values)
        rule = values.pop("rule", None)
        contribution = {k: values.pop(k) for k in _KEY_COLUMNS if k in values}
        if rule is not None or contribution:
            contribution = {"rule": rule or "key", **contribution}
            values["contribution"] = contribution
        origin = {v: values.pop(k) for k, v in _ORIGIN_COLUMNS.items() if k in values}
        if origin:
            values["component_origin"] = origin
        values["members"] = []
        fid = values.get("id")
        if isinstance(fid, str):
            by_id.setdefault(fid, len(funds))
        book.rows.append((("funds", len(funds)), f"funds row {row.number}"))
        funds.append(values)
        rules.append(rule or "key")

    for row in tables.get("fund_members", []):
        where = f"fund_members row {row.number}"
        if not _required("fund_members", row, ["fund", "nation"], book):
            continue
        fid, nation = row.values["fund"], row.values["nation"]
        if fid not in by_id:
            book.problem(
                where,
                "fund",
                f"fund '{clip(fid)}' is not on the funds sheet",
                "add the fund there, or correct the id",
            )
            continue
        f = by_id[fid]
        fund, rule = funds[f], rules[f]
        book.rows.append((("funds", f, "members", len(fund["members"])), where))
        fund["members"].append(nation)
        if "key_share" in row.values:
            if rule != "key":
                book.problem(
                    where,
                    "key_share",
                    f"fund {fid} has the rule '{rule}', not key",
                    "leave key_share blank, or set the fund's rule to key",
                )
            else:
                contribution = fund.setdefault("contribution", {"rule": "key"})
                contribution.setdefault("shares", {})[nation] = row.values["key_share"]
        pledge = {
            bound: row.values[f"pledge_{bound}"]
            for bound in ("min", "max")
            if f"pledge_{bound}" in row.values
        }
        if pledge:
            if rule != "pledge":
                book.problem(
                    where,
                    "pledge_min" if "min" in pledge else "pledge_max",
                    f"fund {fid} has the rule '{rule}', not pledge",
                    "set the fund's rule to pledge on the funds sheet, or leave the pledge blank",
                )
            else:
                fund["contribution"].setdefault("pledges", {})[nation] = pledge


def locate(problems: list[Problem], raw: dict[str, Any], book: Book) -> list[Problem]:
    """Add the sheet and row to problems found by validation (``offers row 5 (...)``)."""
    labels: dict[str, str] = {}
    for path, row in book.rows:
        labels.setdefault(entry_label(raw, path), row)
    out = []
    for problem in problems:
        where: str | None = labels.get(problem.entry)
        if where is not None:
            out.append(replace(problem, entry=f"{where} ({problem.entry})"))
            continue
        if problem.entry == "scenario":
            top = problem.field.split(".")[0]
            where = book.fields.get(problem.field) or book.fields.get(top)
            if where is None and top in SHEET_BY_NAME:
                where = f"{top} sheet"
            elif where is None and SHEET_BY_NAME["scenario"].column(top):
                where = "scenario sheet"
        out.append(replace(problem, entry=where) if where else problem)
    return out
