"""Scenario files in and out: YAML, JSON and Excel workbooks, and the JSON Schema."""

from aggregate.io.excel import load_excel, read_excel, write_excel, write_template
from aggregate.io.files import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, parse_json, parse_yaml
from aggregate.io.formats import load, read_raw, save
from aggregate.io.jsonschema import json_schema, write_json_schema

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "json_schema",
    "load",
    "load_excel",
    "parse_json",
    "parse_yaml",
    "read_excel",
    "read_raw",
    "save",
    "write_excel",
    "write_json_schema",
    "write_template",
]
