"""YAML mappings read with line numbers, and typed access to their fields.

Front matter and site.yaml are both YAML mappings whose every problem must be
reported at the line of the offending key, so both are read through here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from .problems import Problems

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Bounds on a YAML text, checked before it is composed (README "Limits"). Composing and reading
# recurse once a level, so a file nested thousands deep would crash them; no real file nests past 5.
MAX_YAML_DEPTH = 32
# Every value counts, and an alias as every value of what it repeats: nine aliases of nine
# aliases ("billion laughs") stand for a billion values. A timeline of 2,000 events has about 40,000.
MAX_YAML_VALUES = 100_000
# A list of text items (tags, related articles, a timeline event's articles) holds a few; each item may be looked up among every article.
MAX_LIST_ITEMS = 100


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that leaves dates as text, so we parse (and report) them ourselves."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlMapping:
    """A parsed YAML mapping and the 1-based line of each of its keys."""

    path: str
    values: dict[str, Any]
    lines: dict[str, int]
    start_line: int  # the line the mapping starts on, for problems about it as a whole

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.start_line)

    def lines_under(self, key: str) -> dict[str, int]:
        """The lines of the keys nested under `key`, by their path below it."""
        prefix = key + "."
        keys = self._sorted_keys
        # The keys under a prefix sit together in sorted order: found without reading all of them, which
        # would make reading a list of many mappings (a timeline's events) quadratic.
        first = last = bisect.bisect_left(keys, prefix)
        while last < len(keys) and keys[last].startswith(prefix):
            last += 1
        return {nested_key[len(prefix):]: self.lines[nested_key] for nested_key in keys[first:last]}

    @cached_property
    def _sorted_keys(self) -> list[str]:
        return sorted(self.lines)


def parse_mapping(text: str, path: str, problems: Problems, first_line: int = 1) -> YamlMapping | None:
    """Parse YAML text that must be a mapping; report syntax errors at their line."""
    loader = _Loader(text)
    try:
        refusal = _exceeded_bound(text)
        if refusal is not None:
            line, message = refusal
            problems.error(path, first_line + line, message)
            return None
        node = loader.get_single_node()
        if node is None:
            return YamlMapping(path, {}, {}, first_line)
        if not isinstance(node, yaml.MappingNode):
            problems.error(path, first_line + node.start_mark.line, "expected a mapping of keys to values")
            return None
        lines: dict[str, int] = {}
        _record_key_lines(node, "", first_line, lines, path, problems)
        values = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        last_line = first_line + text.rstrip("\n").count("\n")
        mark = error.problem_mark or error.context_mark
        line = min(first_line + mark.line, last_line) if mark else first_line
        message = error.problem or error.context
        if error.problem and error.context and error.context_mark:
            message += f" ({error.context} on line {first_line + error.context_mark.line})"
        problems.error(path, line, f"invalid YAML: {message}")
        return None
    except yaml.YAMLError as error:
        problems.error(path, first_line, f"invalid YAML: {error}")
        return None
    except (ValueError, TypeError, OverflowError) as error:  # an explicit tag on a value it cannot make: !!float x, !!timestamp 2023-99-99
        problems.error(path, first_line, f"invalid YAML: {error}")
        return None
    finally:
        loader.dispose()
    return YamlMapping(path, {str(key): value for key, value in values.items()}, lines, first_line)


def _exceeded_bound(text: str) -> tuple[int, str] | None:
    """The 0-based line at which a YAML text passes MAX_YAML_DEPTH or MAX_YAML_VALUES, and how; None if it does not.

    Read from the parser's events, which it makes without recursion, so the bound holds before anything recursive runs.
    A text too small to pass them is not read twice: each level of nesting needs one of the characters `[{-:?`, and
    without aliases (`*`) no character gives more than two values.
    """
    if "*" not in text and len(text) < MAX_YAML_VALUES // 4 and sum(map(text.count, "[{-:?")) < MAX_YAML_DEPTH:
        return None
    loader = _Loader(text)
    try:
        values = 0
        values_of_anchor: dict[str, int | None] = {}  # None while the anchored collection is still open
        open_collections: list[tuple[str | None, int]] = []  # each open collection's anchor and the count when it opened
        while not isinstance(event := loader.get_event(), yaml.StreamEndEvent):
            line = event.start_mark.line
            if isinstance(event, yaml.AliasEvent):
                repeated = values_of_anchor.get(event.anchor, 1)
                if repeated is None:
                    return line, f"the alias *{event.anchor} is inside the value it repeats, which would never end"
                values += repeated
            elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                values += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    open_collections.append((event.anchor, values - 1))
                    if event.anchor:
                        values_of_anchor[event.anchor] = None
                    if len(open_collections) > MAX_YAML_DEPTH:
                        return line, f"nested deeper than {MAX_YAML_DEPTH} levels"
                elif event.anchor:
                    values_of_anchor[event.anchor] = 1
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, count_at_start = open_collections.pop()
                if anchor:
                    values_of_anchor[anchor] = values - count_at_start
            if values > MAX_YAML_VALUES:
                if isinstance(event, yaml.AliasEvent):
                    return line, f"more than {MAX_YAML_VALUES:,} values once its aliases are repeated (an alias bomb?)"
                return line, f"more than {MAX_YAML_VALUES:,} values"
        return None
    finally:
        loader.dispose()


def _record_key_lines(
    node: yaml.Node, prefix: str, first_line: int, lines: dict[str, int], path: str, problems: Problems
) -> None:
    """Map each key's dotted path (`authors.nasrin.name`, `timeline.0.date`) to its line, flagging duplicates."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[f"{prefix}{index}"] = first_line + item.start_mark.line
            _record_key_lines(item, f"{prefix}{index}.", first_line, lines, path, problems)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        key = prefix + str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in lines:
            problems.error(path, line, f"duplicate key '{key_node.value}' (first at line {lines[key]})")
        lines[key] = line
        _record_key_lines(value_node, key + ".", first_line, lines, path, problems)


def suggest(word: str, known: list[str], closest: bool = True) -> str:
    """A short hint listing the known values, the likeliest first (unless `closest` is False: finding it takes time)."""
    close = difflib.get_close_matches(word, known, n=1) if closest else []
    ordered = close + [k for k in known[:7] if k not in close]
    listed = ", ".join(ordered[:6]) + (", …" if len(known) > 6 else "")
    return f"(known: {listed})" if listed else "(none are defined)"


# Finding the closest of thousands of slugs takes difflib up to 85 ms a word, so a file naming thousands of
# unknown articles (or keys) would take hours. Past this many in one file (or mapping), the hint only lists some known values.
CLOSEST_PER_FILE = 10


class Suggestions:
    """Hints for words of many files against one long list of known values, the closest sought a few times per file."""

    def __init__(self, known: list[str]):
        self.known = known
        self._sought: dict[str, int] = {}

    def __call__(self, word: str, path: str) -> str:
        self._sought[path] = self._sought.get(path, 0) + 1
        return suggest(word, self.known, closest=self._sought[path] <= CLOSEST_PER_FILE)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?)?$")
# Every time zone of the world is a whole number of quarter hours from UTC, and none more than 14 hours.
OFFSET_STEP_MINUTES = 15
MAX_OFFSET_MINUTES = 14 * 60


def is_real_offset(offset: dt.timedelta) -> bool:
    """Whether some time zone is this far from UTC."""
    minutes, seconds = divmod(abs(offset.total_seconds()), 60)
    return not seconds and minutes % OFFSET_STEP_MINUTES == 0 and minutes <= MAX_OFFSET_MINUTES


def bad_offset(text: str) -> str | None:
    """The time-zone offset of an ISO 8601 date-time if no time zone has it ("+05:17", "+15:00"), else None."""
    match = _ISO_DATE.match(text.strip())
    offset = match["offset"] if match else None
    if not offset or offset == "Z":
        return None
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    return offset if minutes >= 60 or not is_real_offset(dt.timedelta(hours=hours, minutes=minutes)) else None


def parse_datetime(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """An ISO 8601 date or date-time with a real time-zone offset; one without an offset is in `zone`."""
    text = text.strip()
    if not _ISO_DATE.match(text) or bad_offset(text):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
        value = value if value.tzinfo else value.replace(tzinfo=zone)
        value.astimezone(dt.timezone.utc)  # feeds and the search index give it in UTC: year 1 or 9999 may not have it
    except (ValueError, OverflowError):
        return None
    return value


class FieldReader:
    """Typed reads of a YAML mapping's fields, each failure reported at its key's line."""

    def __init__(self, mapping: YamlMapping, problems: Problems, what: str = ""):
        self.mapping = mapping
        self.problems = problems
        self.what = what  # e.g. "author 'nasrin'" to qualify messages about nested maps

    def error(self, key: str, message: str) -> None:
        prefix = f"{self.what}: " if self.what else ""
        self.problems.error(self.mapping.path, self.mapping.line_of(key), prefix + message)

    def _get(self, key: str, required: bool) -> Any:
        value = self.mapping.values.get(key)
        if value is None and required:
            if key in self.mapping.values:
                self.error(key, f"'{key}' is empty")
            else:
                prefix = f"{self.what}: " if self.what else ""
                self.problems.error(self.mapping.path, self.mapping.start_line, f"{prefix}missing required key '{key}'")
        return value

    def reject_unknown(self, allowed: list[str]) -> None:
        unknown = [key for key in self.mapping.values if key not in allowed]
        for count, key in enumerate(unknown, start=1):
            self.error(key, f"unknown key '{key}' {suggest(key, allowed, closest=count <= CLOSEST_PER_FILE)}")

    def string(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self._get(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(key, f"'{key}' must be text, not {_type_name(value)}")
            return default
        text = str(value).strip()
        if not text:
            if required:
                self.error(key, f"'{key}' is empty")
            return default
        return text

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {value!r}")
            return default
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(key, f"'{key}' must be a whole number of at least {minimum}, not {value!r}")
            return default
        return value

    def number(self, key: str, default: float) -> float:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            self.error(key, f"'{key}' must be a number of at least 0, not {value!r}")
            return default
        return float(value)

    def string_list(self, key: str) -> list[str]:
        value = self._get(key, False)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            self.error(key, f"'{key}' lists {len(value):,} items, more than the {MAX_LIST_ITEMS} a list may have")
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value
        ):
            self.error(key, f"'{key}' must be a list of text items")
            return []
        return [str(item).strip() for item in value if str(item).strip()]

    def string_items(self, key: str) -> list[tuple[str, int]]:
        """string_list's items, each with its line: its own in a block list, the key's in a flow list or for one text."""
        items = self.string_list(key)
        written = self.mapping.values.get(key)
        if not isinstance(written, list):
            return [(item, self.mapping.line_of(key)) for item in items]
        lines = [self.mapping.line_of(f"{key}.{index}") for index, item in enumerate(written) if str(item).strip()]
        return list(zip(items, lines))

    def datetime(self, key: str, zone: ZoneInfo, required: bool = False) -> dt.datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        parsed = parse_datetime(value, zone) if isinstance(value, str) else None
        if parsed is None and isinstance(value, str) and (offset := bad_offset(value)):
            self.error(key, f"bad time-zone offset '{offset}' in '{key}' (offsets are whole quarter hours from -14:00 to +14:00)")
        elif parsed is None:
            self.error(key, f"bad date {str(value)!r} in '{key}' (expected ISO 8601, e.g. 2023-09-13 or 2023-09-13T10:30:00+03:00)")
        return parsed

    def mapping_of(self, key: str, required: bool = False) -> YamlMapping | None:
        """A nested mapping, as its own YamlMapping that still knows its keys' lines."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping, not {_type_name(value)}")
            return None
        return self._nested(key, value)

    def list_of_mappings(self, key: str, required: bool = False) -> list[YamlMapping]:
        """A list whose items are mappings (timeline events), each knowing its keys' lines."""
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list, not {_type_name(value)}")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append(self._nested(f"{key}.{index}", item))
            else:
                self.problems.error(self.mapping.path, self.mapping.line_of(f"{key}.{index}"), f"each item of '{key}' must be a mapping")
        return items

    def _nested(self, key: str, value: dict) -> YamlMapping:
        lines = self.mapping.lines_under(key)
        return YamlMapping(self.mapping.path, {str(k): v for k, v in value.items()}, lines, self.mapping.line_of(key))


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)
