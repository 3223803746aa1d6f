"""Scenario files on disk: YAML and JSON text, read safely and written atomically.

Reading never constructs arbitrary objects and refuses pathological inputs (oversized
files, alias bombs, recursive aliases, very deep nesting, duplicate keys, NaN in JSON)
with a :class:`~aggregate.errors.ScenarioError` naming the file, instead of exhausting
memory or hiding a typo. Writing goes to a temporary file in the target's directory that
replaces the target in one step, so a failed write never leaves a half-written file.

Workbooks (:mod:`aggregate.io.excel`) build on the same checks and writes; choosing the
format by a file's suffix is :mod:`aggregate.io.formats`' job, above both.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import ParserError
from yaml.resolver import Resolver
from yaml.scanner import ScannerError

from aggregate.errors import InputError, Problem, ScenarioError, shorten
from aggregate.schema import Scenario

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest scenario file read (bytes); far above any real scenario, far below a memory risk."""

MAX_NODES = 1_000_000
"""Most YAML values (scalars, lists, mappings) that aliases (``*name``) may add to a document.

Only the copies made by aliases count: the values written out in the file are already
bounded by :data:`MAX_FILE_BYTES`, so a large plain file passes, while a "billion laughs"
alias bomb is refused as soon as its copies pass this number."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted (a scenario needs fewer than ten levels)."""

_YAML_TAG = "tag:yaml.org,2002:"
_MERGE_TAG = _YAML_TAG + "merge"
_TIMESTAMP_TAG = _YAML_TAG + "timestamp"
_STR_TAG = _YAML_TAG + "str"
_FLOAT_TAG = _YAML_TAG + "float"
_INT_TAG = _YAML_TAG + "int"
# explicit tags a scenario may carry: plain data; every other tag (``!!binary``,
# ``!!timestamp``, ``!!python/...``, local ``!foo``) is refused before it is constructed
_SCALAR_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null")}
_SEQUENCE_TAG = _YAML_TAG + "seq"
_MAPPING_TAG = _YAML_TAG + "map"


def file_error(file: str | Path, message: str, fix: str = "") -> ScenarioError:
    """A :class:`ScenarioError` about the file as a whole."""
    return ScenarioError([Problem("file", "", message, fix)], str(file))


# --------------------------------------------------------------------------------- reading


def check_size(path: Path) -> None:
    """Refuse a missing, unreadable, oversized or special file with a :class:`ScenarioError`.

    Only regular files are read: a pipe would block until something writes to it, and a
    device (``/dev/zero``, ``/dev/urandom``) or socket never ends or is not data at all.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise file_error(path, "file not found", "check the path and the file name") from None
    except OSError as exc:
        raise file_error(path, f"cannot read the file ({exc.strerror})") from None
    _check_regular(path, info.st_mode)
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise file_error(
            path,
            f"the file is {size / 2**20:.1f} MB, above the limit of "
            f"{MAX_FILE_BYTES / 2**20:.0f} MB",
            "split the data or check that this is the right file",
        )


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise file_error(path, "this is a directory, not a file", "give a scenario file")
    if not stat.S_ISREG(mode):
        raise file_error(
            path,
            "this is not a regular file (it is a pipe, a device or a socket)",
            "save the scenario to a file and give that file",
        )


def read_text(path: Path) -> str:
    """The UTF-8 text of the regular file ``path``, refused as :func:`check_size` says."""
    check_size(path)
    try:
        # non-blocking open and a second look at what was opened: the path may have been
        # swapped for a pipe since it was checked, and opening a pipe would wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            _check_regular(path, os.fstat(fh.fileno()).st_mode)
            # read one byte past the limit: the file may have grown since it was checked
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise file_error(path, f"cannot read the file ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise file_error(path, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(
            path,
            f"the file is not UTF-8 text (byte {exc.start})",
            "save it as UTF-8 (in Excel: use the .xlsx workbook instead)",
        ) from None


def parse_json(text: str, file: str = "<json>") -> Any:
    """Parse JSON text; NaN, Infinity, overflowing numbers and duplicate keys are errors."""
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_pairs,
        )
    except json.JSONDecodeError as exc:
        raise file_error(
            file,
            f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "correct the JSON at that position (a missing comma or quote is common)",
        ) from None
    except _JSONValueError as exc:
        raise file_error(file, str(exc), exc.fix) from None
    except RecursionError:
        raise file_error(file, "the JSON is nested too deeply", "flatten the data") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise file_error(
            file,
            f"invalid JSON value ({shorten(str(exc))})",
            "write numbers with at most a few dozen digits (1.5e9 rather than 1500000000...)",
        ) from None


class _JSONValueError(InputError):
    """A JSON value refused while parsing; :func:`parse_json` says it as a file problem."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def _reject_constant(name: str) -> float:
    raise _JSONValueError(
        f"JSON contains the constant {name}",
        "use a finite number; leave an optional field out rather than writing NaN",
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JSONValueError(f"the number {text[:30]} is too large", "use a smaller number")
    return value


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JSONValueError(
                f"duplicate key '{shorten(key)}' in one JSON object",
                "keep one entry per key (the later one would silently replace the earlier)",
            )
        out[key] = value
    return out


def parse_yaml(text: str, file: str = "<yaml>") -> Any:
    """Parse YAML text safely (see :class:`SafeScenarioLoader`); errors name line and column."""
    loader = SafeScenarioLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise file_error(file, _yaml_message(exc), _yaml_fix(exc)) from None
    except yaml.YAMLError as exc:
        raise file_error(file, f"cannot read the YAML: {exc}") from None
    except RecursionError:
        raise file_error(file, "the YAML is nested too deeply", "flatten the data") from None
    except (ValueError, LookupError, AttributeError, TypeError, ArithmeticError) as exc:
        # the tag rule keeps malformed tagged values from the constructor; whatever PyYAML
        # still fails to build is a fault of the file, said as one, never a traceback
        raise file_error(
            file,
            f"invalid YAML value ({type(exc).__name__}: {shorten(str(exc))})",
            "write plain values: text, numbers, true/false, lists and mappings",
        ) from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    if "nesting depth" in str(exc.problem):  # libyaml's own limit, said as ours
        return f"nesting deeper than {MAX_DEPTH} levels{where}"
    kind = "YAML syntax error" if isinstance(exc, ScannerError | ParserError) else "YAML error"
    parts = [shorten(p, 200) for p in (exc.context, exc.problem) if p]
    return f"{kind}{where}: {'; '.join(parts) or 'cannot read'}"


def _yaml_fix(exc: yaml.MarkedYAMLError) -> str:
    if isinstance(exc, _RefusedYAML):
        return exc.fix
    if "nesting depth" in str(exc.problem):
        return _NESTING_FIX
    if isinstance(exc, ConstructorError) and "merging" in str(exc.problem):
        return "`<<` merges mappings: write `<<: *name` with an anchor of a mapping"
    if isinstance(exc, ConstructorError):
        return "remove the tag (`!!...`): scenario files hold plain data only"
    return "check indentation, colons and quotes around that position"


_NESTING_FIX = "a scenario needs only a few levels; check the brackets and the indentation"


def _tag_name(tag: str) -> str:
    return shorten("!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag, 40)


class _RefusedYAML(yaml.MarkedYAMLError):
    """A YAML construct refused by the safe loader (not a syntax error)."""

    def __init__(self, problem: str, mark: Any, fix: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


class _HardenedComposer(Composer):
    """The checks of :class:`SafeScenarioLoader`, over whichever parser produces the events."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _depth = 0

    if TYPE_CHECKING:  # provided by the parser and resolver the loader is built on
        anchors: dict[Any, Node]

        def peek_event(self) -> Any: ...

        def resolve(self, kind: type, value: Any, implicit: Any) -> str: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            event = self.peek_event()
            if self._depth > MAX_DEPTH:
                raise _RefusedYAML(
                    f"nesting deeper than {MAX_DEPTH} levels",
                    event.start_mark if event is not None else None,
                    _NESTING_FIX,
                )
            if isinstance(event, AliasEvent):
                self._count_alias(event)
            elif event is not None and getattr(event, "tag", None) not in (None, "!"):
                self._check_tag(event)
            node = super().compose_node(parent, index)
            if getattr(event, "anchor", None) is not None and not isinstance(event, AliasEvent):
                self._closed.add(id(node))
            return node
        finally:
            self._depth -= 1

    def _check_tag(self, event: Any) -> None:
        """Refuse an explicit tag other than plain data, or one its value does not fit.

        PyYAML's constructors trust a tagged value's shape (``!!bool maybe`` is a KeyError,
        ``!!int ''`` an IndexError); checking the value against what the tag would be
        without it keeps every malformed one from them.
        """
        tag = event.tag
        mark = event.start_mark
        if isinstance(event, ScalarEvent):
            if tag in _SCALAR_TAGS:
                if tag == _STR_TAG:
                    return
                implicit = self.resolve(ScalarNode, event.value, (True, False))
                if implicit == tag or (tag == _FLOAT_TAG and implicit == _INT_TAG):
                    return
                raise _RefusedYAML(
                    f"the value '{shorten(event.value, 40)}' is not a valid {_tag_name(tag)}",
                    mark,
                    "remove the tag and write a plain value (a number, true/false, text)",
                )
        else:
            kind = _SEQUENCE_TAG if isinstance(event, SequenceStartEvent) else _MAPPING_TAG
            if tag == kind:
                return
            if tag in (*_SCALAR_TAGS, _SEQUENCE_TAG, _MAPPING_TAG):
                shape = "a list" if kind == _SEQUENCE_TAG else "a mapping"
                raise _RefusedYAML(
                    f"the tag {_tag_name(tag)} does not fit {shape}",
                    mark,
                    "remove the tag: the value's own shape says what it is",
                )
        raise _RefusedYAML(
            f"the tag {_tag_name(tag)} is not allowed",
            mark,
            "remove the tag: scenario files hold plain data only (text, numbers, "
            "true/false, lists and mappings)",
        )

    def _count_alias(self, event: Any) -> None:
        """Add the values an alias copies to the document's count, refusing a bomb or a cycle.

        Each alias adds its anchor's values with every alias inside them expanded; the
        sizes are memoised, so an alias bomb is measured in time proportional to its text,
        and a file without aliases costs nothing here.
        """
        target = self.anchors.get(event.anchor)
        if target is None:  # an undefined alias: the composer says so
            return
        if not isinstance(target, ScalarNode) and id(target) not in self._closed:
            raise _RefusedYAML(
                "an alias refers to the anchor that contains it (a cycle)",
                event.start_mark,
                "remove the alias (`*name`) from inside its own anchor (`&name`)",
            )
        self._alias_values += _expanded_size(target, self._sizes)
        if self._alias_values > MAX_NODES:
            raise _RefusedYAML(
                f"the document expands to more than {MAX_NODES:,} values through its "
                "aliases (aliases repeated inside aliases)",
                event.start_mark,
                "write the data out instead of nesting aliases (`*name`)",
            )

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: dict[str, Any] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = str(key_node.value)
            if key in seen:
                raise _RefusedYAML(
                    f"duplicate key '{shorten(key)}' (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                    "keep one entry per key: YAML would silently keep only the last",
                )
            seen[key] = key_node.start_mark
        return node

    def compose_document(self) -> Node | None:
        self._sizes: dict[int, int] = {}
        self._closed: set[int] = set()
        self._alias_values = 0
        return super().compose_document()


class PySafeScenarioLoader(_HardenedComposer, yaml.SafeLoader):
    """:class:`SafeScenarioLoader` on PyYAML's pure-Python parser (when libyaml is missing)."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)


SafeScenarioLoader: type[Any] = PySafeScenarioLoader
"""PyYAML's safe loader, hardened for untrusted scenario files.

* only plain data (no ``!!python/...`` tags), as :class:`yaml.SafeLoader`;
* dates stay text (``2024-01-01`` is a period label, not a ``datetime.date``);
* duplicate keys in one mapping are errors (YAML would silently keep the last);
* nesting deeper than :data:`MAX_DEPTH` is refused before it exhausts the stack;
* explicit tags other than plain data (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!seq``, ``!!map``) are refused, and so is a tagged value that does not
  fit its tag (``!!bool maybe``);
* the values aliases add are counted as they are met, before anything is built:
  more than :data:`MAX_NODES` (a "billion laughs" alias bomb) or an alias inside its
  own anchor (a cycle) is refused.

libyaml's C parser produces the events when it is installed (three times faster); the
checks above run in the Python composer either way.
"""

try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    pass
else:

    class CSafeScenarioLoader(_HardenedComposer, CParser, SafeConstructor, Resolver):
        """:class:`SafeScenarioLoader` on libyaml's parser."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    SafeScenarioLoader = CSafeScenarioLoader


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _expanded_size(root: Node, size: dict[int, int]) -> int:
    """The values under ``root`` with every alias expanded, without expanding.

    Iterative depth-first walk; ``size`` memoises each node's count across calls. Only
    complete anchors reach here (a cycle is refused before), so the walk ends.
    """
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if key in size:
            continue
        if closing:
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    return size[id(root)]


# --------------------------------------------------------------------------------- writing


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON-compatible data, every field written (defaults included)."""
    return scenario.model_dump(mode="json", exclude_defaults=False)


class _PlainDumper(yaml.SafeDumper):
    """Safe YAML writer that never emits anchors/aliases (each value written out)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """Plain data as block-style YAML, keys in their given order."""
    return yaml.dump(
        data,
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def dump_json(data: Any) -> str:
    """Plain data as indented JSON (NaN refused)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically."""
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes_with(path: str | Path, writer: Callable[[IO[bytes]], None]) -> None:
    """Let ``writer`` fill a binary file that atomically becomes ``path``."""
    with atomic_target(path) as tmp, tmp.open("wb") as fh:
        writer(fh)


@contextmanager
def atomic_target(path: str | Path, staging: str | Path | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` in one step.

    On any error the temporary file is removed and ``path`` is left as it was.
    ``staging``: a folder for the temporary file instead of ``path``'s own (on the same
    file system), so a killed process leaves no stray file beside ``path``.
    """
    path = Path(path)
    folder = path.parent if staging is None else Path(staging)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:  # data on disk before the rename makes it visible
            os.fsync(fh.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
