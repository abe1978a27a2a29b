# SPDX-License-Identifier: GPL-3.0-or-later
"""A small validator for the JSON Schema subset doc/report-schema.json uses
(shared by report.py and anomalies.py).

validate(value, schema, schema, "$", errs) appends one message per violation
to errs."""
import re


def resolve(root, ref):
    node = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def type_ok(v, t):
    return {
        "object": isinstance(v, dict), "array": isinstance(v, list), "string": isinstance(v, str),
        "boolean": isinstance(v, bool), "null": v is None,
        "integer": isinstance(v, int) and not isinstance(v, bool),
        "number": isinstance(v, (int, float)) and not isinstance(v, bool),
    }[t]


def validate(v, s, root, path, errs):
    if "$ref" in s:
        validate(v, resolve(root, s["$ref"]), root, path, errs)
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(type_ok(v, t) for t in ts):
            errs.append(f"{path}: {v!r:.60} is not {s['type']}")
            return
    if "const" in s and v != s["const"]:
        errs.append(f"{path}: {v!r:.60} != {s['const']!r}")
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r:.60} not in {s['enum']}")
    if "minimum" in s and isinstance(v, (int, float)) and v < s["minimum"]:
        errs.append(f"{path}: {v} < {s['minimum']}")
    if "maximum" in s and isinstance(v, (int, float)) and v > s["maximum"]:
        errs.append(f"{path}: {v} > {s['maximum']}")
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
        errs.append(f"{path}: {v!r:.60} does not match {s['pattern']}")
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}: missing '{k}'")
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                validate(x, props[k], root, f"{path}.{k}", errs)
            elif isinstance(s.get("additionalProperties"), dict):
                validate(x, s["additionalProperties"], root, f"{path}.{k}", errs)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            validate(x, s["items"], root, f"{path}[{i}]", errs)
    for sub in s.get("allOf", []):
        validate(v, sub, root, path, errs)
    if "if" in s:
        probe = []
        validate(v, s["if"], root, path, probe)
        if not probe and "then" in s:
            validate(v, s["then"], root, path, errs)
