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
    """An attribute an object does not have (try(...) falls back on the next argument)."""


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated parts of `a, f(b, c), [d], { e = "x, y" }`."""
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


# A `for` expression as python-hcl2 writes it back: {for k, v in local.m : KEY => VALUE}.
_FOR = re.compile(r"\{for (\w+), (\w+) in local\.(\w+) : (.+?) => (.*)\}", re.S)


def _evaluate(expr: str, scope: dict, local=None):
    """The value of the few expressions the for_each maps here use.

    Iterators in `scope` (each → {"key", "value"}, a dynamic block's name → {"key", "value"},
    a `for` expression's bare names → their value) with attribute paths; try(a, b, ...);
    jsonencode(x) (the value itself: compared as data); merge(...) of objects; [x, ...]; `for`
    expressions over a local map and local.<name>, when `local` (a name → value function) is
    given; literals. Any other reference or call stays `${...}` text.
    """
    expr = expr.strip()
    if m := re.fullmatch(r"(try|jsonencode|merge)\((.*)\)", expr, re.S):
        args = _split_args(m.group(2))
        if m.group(1) == "jsonencode":
            (arg,) = args
            return _evaluate(arg, scope, local)
        if m.group(1) == "merge":
            merged = {}
            for arg in args:
                value = _evaluate(arg, scope, local)
                assert isinstance(value, dict), f"merge() of {arg!r}, not an object: {value!r}"
                merged.update(value)
            return merged
        for arg in args:
            try:
                return _evaluate(arg, scope, local)
            except _Missing:
                continue
        raise _Missing(expr)
    if local and (m := _FOR.fullmatch(expr)):
        key_name, value_name, source, key_expr, value_expr = m.groups()
        out = {}
        for k, v in local(source).items():
            inner = {**scope, key_name: k, value_name: v}
            out[_evaluate(key_expr, inner, local)] = _evaluate(value_expr, inner, local)
        return out
    if local and (m := re.fullmatch(r"local\.(\w+)", expr)):
        return local(m.group(1))
    if local and (m := re.fullmatch(r"local\.(\w+)\[(.+)\]", expr, re.S)):
        return local(m.group(1))[_evaluate(m.group(2), scope, local)]
    if expr.startswith("[") and expr.endswith("]"):
        return [_evaluate(item, scope, local) for item in _split_args(expr[1:-1])]
    if (m := re.fullmatch(r"(\w+)((?:\.\w+)*)", expr)) and m.group(1) in scope:
        value = scope[m.group(1)]
        for part in filter(None, m.group(2).split(".")):
            if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
                value = f"{value[:-1]}.{part}}}"  # an attribute of a referenced object
            elif not isinstance(value, dict) or part not in value:
                raise _Missing(expr)
            else:
                value = value[part]
        return value
    if scope:  # python-hcl2 gives a bare identifier as plain text: mark iterators used as values
        names = "|".join(map(re.escape, scope))
        expr = re.sub(rf'([=\[(,]\s*)((?:{names})(?:\.\w+)*)(?=\s*[,}}\])\n])', r'\1"${\2}"', expr)
    value = parse("x = " + expr)["x"]
    if isinstance(value, str):  # a quoted template is filled in; a bare reference or call stays
        return _fill(value, scope) if expr.startswith('"') else value
    return _resolve(value, scope, local)


def _uses(text: str, scope: dict) -> bool:
    return any(re.search(rf"\$\{{[^}}]*(?<![\w.]){re.escape(name)}\b", text) for name in scope)


def _fill(text: str, scope: dict) -> str:
    """`${name}` and `${name.path}` inside a longer string: the iterator's (scalar) value."""
    def value(m: re.Match) -> str:
        found = _evaluate(m.group(1), scope)
        assert isinstance(found, (str, int, float)), f"${{{m.group(1)}}} is not a scalar in {text!r}"
        return str(found)

    names = "|".join(map(re.escape, scope))
    return re.sub(rf"\$\{{((?:{names})(?:\.\w+)*)\}}", value, text)


def _resolve(node, scope: dict, local=None):
    """`node` (parsed HCL) with the iterators of `scope` replaced by their values."""
    if isinstance(node, dict):
        return {k: _resolve(v, scope, local) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, scope, local) for v in node]
    if not isinstance(node, str) or not _uses(node, scope):
        return node
    if node.startswith("${") and node.endswith("}") and node.count("${") == 1:
        try:
            return _evaluate(node[2:-1], scope, local)
        except _Missing as missing:
            raise AssertionError(f"{node}: no {missing}") from None
    return _fill(node, scope)


def _expand_dynamic(body: dict) -> dict:
    """`dynamic "x" { for_each = ...; content {...} }` (for_each already resolved) → x blocks.

    The blocks made follow the static x blocks (Terraform keeps source order): compare as sets.
    """
    body = dict(body)
    for entry in body.pop("dynamic", []):
        for name, spec in entry.items():
            items = spec["for_each"]
            assert isinstance(items, (dict, list)), f"dynamic {name}: for_each not resolved: {items!r}"
            pairs = items.items() if isinstance(items, dict) else enumerate(items)
            (content,) = blocks(spec, "content")
            made = [_resolve(content, {name: {"key": k, "value": v}}) for k, v in pairs]
            body[name] = blocks(body, name) + made
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

    def local(self, name: str):
        """A local's value, with `for` expressions, merge() and local.<name> evaluated."""
        assert name in self.locals, f"{self.path.name}: no local {name}"
        value = self.locals[name]
        if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
            return _evaluate(value[2:-1], {}, self.local)
        return value

    def instances(self, rtype: str, name: str) -> dict[str, dict]:
        """A resource with `for_each = local.<map>`: each key → the body as that instance sees it.

        each.key and each.value.<path> (also inside try(...) and jsonencode(...), which gives the
        value itself) are replaced by the entry's key and value, and dynamic blocks are expanded
        into the blocks they make; other references stay `${...}` text.
        """
        body = self.resource(rtype, name)
        m = re.fullmatch(r"\$\{local\.(\w+)\}", str(body.get("for_each")))
        assert m, f"{rtype}.{name}: for_each is not a local map: {body.get('for_each')!r}"
        entries = self.local(m.group(1))
        assert isinstance(entries, dict) and entries, f"local.{m.group(1)} is not a map"
        rest = {k: v for k, v in body.items() if k != "for_each"}
        return {
            key: _expand_dynamic(_resolve(rest, {"each": {"key": key, "value": value}}, self.local))
            for key, value in entries.items()
        }

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

    The alarms on them are local.metric_alarms (metrics.tf; `metric = "..."` literals); the
    dashboard reads local.custom_metrics. A check against the code's metric names can start here.
    """
    locals_ = platform().locals
    return set(locals_["custom_metrics"].values()) | {a["metric"] for a in locals_["metric_alarms"].values()}
