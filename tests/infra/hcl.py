"""A static model of the Terraform roots, read with python-hcl2 (no terraform binary here).

Strings come back without their quotes; references and function calls stay as `${...}` text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import hcl2
from hcl2 import SerializationOptions

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "infra" / "terraform"
PLATFORM = TERRAFORM / "platform"
APP = TERRAFORM / "app"
CHALICE_BUILD = REPO / "build" / "chalice" / "chalice.tf.json"
CHALICE_CONFIG = REPO / ".chalice" / "config.json"

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


def parse(text: str) -> dict:
    return hcl2.loads(text, serialization_options=_OPTIONS)


def expression(text: str):
    """The value of an HCL expression such as `${jsonencode({job = "forward"})}`.

    jsonencode(...) is unwrapped; references inside stay `${...}` strings.
    """
    if not isinstance(text, str):  # already a value (instances() resolves jsonencode(each.value...))
        return text
    inner = text[2:-1] if text.startswith("${") and text.endswith("}") else text
    m = re.fullmatch(r"jsonencode\((.*)\)", inner.strip(), re.S)
    return parse("x = " + (m.group(1) if m else inner))["x"]


def ref(text: object) -> str:
    """`${aws_sqs_queue.x.arn}` → `aws_sqs_queue.x.arn`; other values unchanged as text."""
    s = str(text)
    return s[2:-1] if s.startswith("${") and s.endswith("}") else s


def blocks(body: dict, name: str) -> list[dict]:
    """Nested blocks of one type (hcl2 gives a list of dicts; a missing block gives [])."""
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def block(body: dict, name: str) -> dict:
    found = blocks(body, name)
    assert len(found) == 1, f"expected one {name} block, found {len(found)}"
    return found[0]


def strip_prefix(name: str, prefix: str) -> str:
    """`${var.resource_prefix}-records` → `records` (the logical name)."""
    assert name.startswith(prefix), f"{name!r} does not start with {prefix!r}"
    return name[len(prefix):]


def _comments_removed(text: str) -> str:
    return re.sub(r"(?m)^\s*(#|//).*$", "", text)


def _moved_removed(text: str) -> str:
    """Without `moved` blocks: their `from` addresses are gone by design (Root.moved keeps them)."""
    return re.sub(r"(?ms)^moved\s*\{.*?^\}", "", text)


class _Missing(Exception):
    """An each.value.<path> the entry does not have (try(...) falls back on it)."""


class _Unresolved(Exception):
    """An expression this model does not evaluate; it stays `${...}` text."""


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated parts of `a, f(b, c), [d]`."""
    parts, depth, start, quoted = [], 0, 0, False
    for i, c in enumerate(text):
        if c == '"' and text[i - 1:i] != "\\":
            quoted = not quoted
        elif not quoted and c in "([{":
            depth += 1
        elif not quoted and c in ")]}":
            depth -= 1
        elif not quoted and c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _evaluate(expr: str, scope: dict[str, tuple]):
    """The few expressions for_each and dynamic blocks use here: <iterator>.key,
    <iterator>.value.<path>, try(a, b, ...), jsonencode(x), [x, ...] and literals."""
    expr = expr.strip()
    if m := re.fullmatch(r"(try|jsonencode)\((.*)\)", expr, re.S):
        args = _split_args(m.group(2))
        if m.group(1) == "jsonencode":
            (arg,) = args
            return _evaluate(arg, scope)  # the value itself; compared as data
        for arg in args:
            try:
                return _evaluate(arg, scope)
            except _Missing:
                continue
        raise _Missing(expr)
    if expr.startswith("[") and expr.endswith("]"):
        return [_evaluate(item, scope) for item in _split_args(expr[1:-1])]
    if (m := re.fullmatch(r"(\w+)\.(key|value)((?:\.\w+)*)", expr)) and m.group(1) in scope:
        key, value = scope[m.group(1)]
        if m.group(2) == "key":
            return key
        for part in filter(None, m.group(3).split(".")):
            if not isinstance(value, dict) or part not in value:
                raise _Missing(expr)
            value = value[part]
        return value
    value = parse("x = " + expr)["x"]
    if isinstance(value, str) and "${" in value:
        raise _Unresolved(expr)
    return value


def _resolve(node, scope: dict[str, tuple]):
    """`node` with the iterators of `scope` (name → (key, value)) replaced by their values."""
    if isinstance(node, dict):
        return {k: _resolve(v, scope) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, scope) for v in node]
    if not isinstance(node, str) or not any(f"{name}." in node for name in scope):
        return node
    if node.startswith("${") and node.endswith("}") and node.count("${") == 1:
        try:
            return _evaluate(node[2:-1], scope)
        except _Unresolved:
            return node
        except _Missing as missing:
            raise AssertionError(f"{node}: the entry has no {missing}") from None

    def text(m: re.Match) -> str:
        found = _evaluate(m.group(1), scope)
        assert isinstance(found, (str, int, float)), f"${{{m.group(1)}}} is not a scalar in {node!r}"
        return str(found)

    names = "|".join(map(re.escape, scope))
    return re.sub(rf"\$\{{((?:{names})\.(?:key|value)(?:\.\w+)*)\}}", text, node)


def _expand_dynamic(body: dict) -> dict:
    """`dynamic "x" { for_each = ...; content {...} }` (for_each already resolved) → x blocks."""
    body = dict(body)
    for entry in body.pop("dynamic", []):
        for name, spec in entry.items():
            items = spec["for_each"]
            assert isinstance(items, (dict, list)), f"dynamic {name}: for_each not resolved: {items!r}"
            pairs = items.items() if isinstance(items, dict) else enumerate(items)
            (content,) = blocks(spec, "content")
            body[name] = blocks(body, name) + [_resolve(content, {name: pair}) for pair in pairs]
    return body


@dataclass
class Root:
    """All top-level blocks of one root directory; *_override.tf files are kept apart."""

    path: Path
    files: dict[str, dict] = field(default_factory=dict)
    resources: dict[str, dict[str, dict]] = field(default_factory=dict)
    data: dict[str, dict[str, dict]] = field(default_factory=dict)
    overrides: dict[str, dict[str, dict]] = field(default_factory=dict)
    override_outputs: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, object] = field(default_factory=dict)
    variables: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    terraform: list[dict] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    text: str = ""

    def of_type(self, rtype: str) -> dict[str, dict]:
        return self.resources.get(rtype, {})

    def resource(self, rtype: str, name: str) -> dict:
        assert name in self.of_type(rtype), f"{self.path.name}: no {rtype}.{name}"
        return self.of_type(rtype)[name]

    def in_file(self, filename: str) -> dict:
        return self.files[filename]

    def instances(self, rtype: str, name: str) -> dict[str, dict]:
        """A resource with `for_each = local.<map>`: each key → the body as that instance sees it.

        each.key, each.value.<path> (also inside try(...) and jsonencode(...), which gives the
        value itself) are replaced by the entry's key and value, and dynamic blocks are expanded
        into the blocks they make; other references stay `${...}` text.
        """
        body = self.resource(rtype, name)
        m = re.fullmatch(r"\$\{local\.(\w+)\}", str(body.get("for_each")))
        assert m, f"{rtype}.{name}: for_each is not a local map: {body.get('for_each')!r}"
        entries = self.locals[m.group(1)]
        assert isinstance(entries, dict) and entries, f"local.{m.group(1)} is not a map"
        rest = {k: v for k, v in body.items() if k != "for_each"}
        return {key: _expand_dynamic(_resolve(rest, {"each": (key, value)})) for key, value in entries.items()}

    def moves(self) -> dict[str, str]:
        """`moved` blocks: old address → new address (without `${}`)."""
        return {ref(m["from"]): ref(m["to"]) for m in self.moved}


def _add(target: dict, entries: list[dict], where: str) -> None:
    for entry in entries:
        for rtype, named in entry.items():
            for name, body in named.items():
                assert name not in target.setdefault(rtype, {}), f"{where}: duplicate {rtype}.{name}"
                target[rtype][name] = body


@cache
def load_root(path: Path) -> Root:
    root = Root(path=path)
    texts = []
    for tf in sorted(path.glob("*.tf")):
        raw = tf.read_text(encoding="utf-8")
        texts.append(_moved_removed(_comments_removed(raw)))
        doc = parse(raw)
        root.files[tf.name] = doc
        override = tf.name.endswith("_override.tf") or tf.name == "override.tf"
        _add(root.overrides if override else root.resources, doc.get("resource", []), tf.name)
        _add(root.data, doc.get("data", []), tf.name)
        for entry in doc.get("locals", []):
            for key, value in entry.items():
                assert key not in root.locals, f"{tf.name}: local {key} defined twice"
                root.locals[key] = value
        for entry in doc.get("variable", []):
            root.variables.update(entry)
        for entry in doc.get("output", []):
            (root.override_outputs if override else root.outputs).update(entry)
        root.terraform += doc.get("terraform", [])
        root.moved += doc.get("moved", [])
    root.text = "\n".join(texts)
    return root


def platform() -> Root:
    return load_root(PLATFORM)


def app() -> Root:
    return load_root(APP)


def chalice_build() -> dict | None:
    """`chalice package` output of `make package`, when it exists (build/ is git-ignored)."""
    return json.loads(CHALICE_BUILD.read_text(encoding="utf-8")) if CHALICE_BUILD.exists() else None


def custom_metric_names() -> set[str]:
    """Custom (application) metric names the platform's alarms and dashboard use.

    Alarms in metrics.tf name them as `metric_name = "..."` literals; the dashboard reads
    local.custom_metrics. A check against the code's metric names can start from here.
    """
    doc = platform().in_file("metrics.tf")
    names = set(platform().locals["custom_metrics"].values())
    for entry in doc.get("resource", []):
        for body in entry.get("aws_cloudwatch_metric_alarm", {}).values():
            names.add(body["metric_name"])
    return names
