"""kubectl's JSONPath, the subset the bootstrap scripts use, with kubectl's
semantics: `{.a.b}` walks fields, `\\.` escapes a dot inside a field name
(`{.data.tls\\.crt}`), `[N]` indexes a list, text outside braces is printed
as is, and a missing field prints nothing (kubectl allows missing keys for
-o jsonpath), but an index past the end of a list is an error. Scalars print raw, lists and maps as JSON. Anything else
(filters, ranges, wildcards) is refused, so a script that starts using it
fails the simulator instead of passing silently.
"""
import json
import re


class JsonPathError(Exception):
    pass


def _fields(expr):
    """'.a.b\\.c[0]' -> ['a', 'b.c', 0]"""
    if not expr.startswith("."):
        raise JsonPathError(f"unsupported JSONPath expression {{{expr}}}")
    out, cur, i = [], "", 1
    while i < len(expr):
        ch = expr[i]
        if ch == "\\" and i + 1 < len(expr):
            cur += expr[i + 1]
            i += 2
            continue
        if ch == ".":
            out.append(cur)
            cur = ""
        elif ch == "[":
            end = expr.index("]", i)
            if cur:
                out.append(cur)
                cur = ""
            idx = expr[i + 1:end]
            if not re.fullmatch(r"\d+", idx):
                raise JsonPathError(f"unsupported JSONPath index [{idx}] in {{{expr}}}")
            out.append(int(idx))
            i = end + 1
            if i < len(expr) and expr[i] == ".":
                i += 1
            continue
        elif ch in "*?@()":
            raise JsonPathError(f"unsupported JSONPath expression {{{expr}}}")
        else:
            cur += ch
        i += 1
    if cur:
        out.append(cur)
    return out


def _lookup(obj, fields):
    for f in fields:
        if isinstance(f, int):
            if not isinstance(obj, list):
                return None
            if f >= len(obj):  # kubectl: an error, not an empty result
                raise JsonPathError(f"array index out of bounds: index {f}, length {len(obj)}")
            obj = obj[f]
        else:
            if not isinstance(obj, dict) or f not in obj:
                return None
            obj = obj[f]
    return obj


def _show(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)  # Go prints maps sorted
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def evaluate(template, obj):
    out, i = "", 0
    while i < len(template):
        if template[i] == "{":
            end = template.index("}", i)
            expr = template[i + 1:end]
            if expr.startswith("range") or expr == "end":
                raise JsonPathError(f"unsupported JSONPath {{{expr}}}")
            out += _show(_lookup(obj, _fields(expr)))
            i = end + 1
        else:
            out += template[i]
            i += 1
    return out
