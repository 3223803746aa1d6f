"""The scenario's JSON Schema, for editors that check YAML/JSON files as they are typed.

With the VS Code YAML extension, start a scenario file with the line
``# yaml-language-server: $schema=scenario.schema.json`` (after ``aggregate schema --out
scenario.schema.json``) to get completion, field descriptions and type errors while editing.
The schema checks field names and types; cross-references (a demand's nation exists, ...)
are checked by ``aggregate validate``.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from aggregate.io.files import dump_json, write_text_atomic
from aggregate.schema import Scenario
from aggregate.schema.base import Id

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:aggregate:scenario"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, with ``$schema``, ``$id`` and title.

    Ids and period labels also accept whole numbers, as the loader does (YAML reads
    ``2024`` as a number; it becomes the label ``"2024"``), and ids carry their pattern
    (which Pydantic leaves out of the schema for a type with a before-validator).
    """
    body = _accept_numeric_labels(Scenario.model_json_schema())
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "aggregate scenario",
        **{k: v for k, v in body.items() if k != "title"},
    }


def write_json_schema(path: str | Path) -> Path:
    """Write :func:`json_schema` to ``path`` (atomically); returns the path."""
    path = Path(path)
    write_text_atomic(path, dump_json(json_schema()))
    return path


def _is_label(node: dict[str, Any]) -> bool:
    """An id (text of 1 to 80 characters) or a period label (1 to 40 characters)."""
    if node.get("type") != "string" or "pattern" in node or "enum" in node:
        return False
    return node.get("minLength") == 1 and node.get("maxLength") in (40, 80)


def _accept_numeric_labels(node: Any) -> Any:
    if isinstance(node, list):
        return [_accept_numeric_labels(v) for v in node]
    if not isinstance(node, dict):
        return node
    if _is_label(node):
        text = {k: v for k, v in node.items() if k not in ("title", "description")}
        if text.get("maxLength") == 80 and _ID_PATTERN:
            text["pattern"] = _ID_PATTERN
        extra = {k: v for k, v in node.items() if k in ("title", "description")}
        return {"anyOf": [text, {"type": "integer", "minimum": 0}], **extra}
    # property names are always text in JSON; only values (and list items) are widened
    return {k: v if k == "propertyNames" else _accept_numeric_labels(v) for k, v in node.items()}


def _pattern_of(annotated: Any) -> str | None:
    for meta in typing.get_args(annotated)[1:]:
        for item in getattr(meta, "metadata", []):
            if getattr(item, "pattern", None):
                return str(item.pattern)
    return None


_ID_PATTERN = _pattern_of(Id)
