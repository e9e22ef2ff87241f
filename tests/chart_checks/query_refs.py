"""What a query needs from the data it reads: the metric names and labels of
a PromQL expression, the stream labels of a LogQL query and the resource
attributes of a TraceQL query, as written in the catalog's dashboards, rules
and datasource links (Grafana variables allowed).

promql(expr) -> [(metric, {labels})]: every vector selector with the labels
it matches on, plus the labels the expression groups or joins by (by,
without, on, ignoring, group_left/right), which every selector must carry.
"""
import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_TOKEN = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*|[0-9][0-9.eE+a-z]*|\$\{[^}]*\}|\$[A-Za-z_]+|[{}()\[\],]|[=!]~|!=|==|[-+*/%^<>=]+|\S")
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
             "atan2", "inf", "nan", "start", "end",
             # aggregation operators, which may be followed by by/without
             "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
             "quantile", "limitk", "limit_ratio"}
_GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
_MATCH_OPS = {"=", "!=", "=~", "!~"}


def _tokens(expr):
    expr = _STRING.sub('"s"', expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges and subqueries
    return _TOKEN.findall(expr)


def promql(expr):
    toks = _tokens(expr)
    selectors, grouping = [], set()
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if t in _GROUPING and nxt == "(":
            j = i + 2
            while j < len(toks) and toks[j] != ")":
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", toks[j]):
                    grouping.add(toks[j])
                j += 1
            i = j + 1
            continue
        if t == "offset":
            i += 2
            continue
        if t == "{" or (re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]*", t) and t not in _KEYWORDS and nxt != "("):
            metric = None if t == "{" else t
            labels = set()
            j = i if t == "{" else i + 1
            if j < len(toks) and toks[j] == "{":
                j += 1
                while j < len(toks) and toks[j] != "}":
                    if j + 1 < len(toks) and toks[j + 1] in _MATCH_OPS:
                        if toks[j] == "__name__":
                            metric = None
                        else:
                            labels.add(toks[j])
                    j += 1
                j += 1
            if metric is not None:
                selectors.append((metric, labels))
            i = j
            continue
        i += 1
    return [(m, labels | grouping) for m, labels in selectors]


def promql_alternatives(expr):
    """The operands of the top-level `or`s of expr, each as promql() refs:
    the expression returns series when any operand does."""
    parts, depth, start = [], 0, 0
    masked = _STRING.sub(lambda m: "_" * len(m.group(0)), expr)
    for m in re.finditer(r"[(){}\[\]]|\bor\b", masked):
        t = m.group(0)
        if t in "({[":
            depth += 1
        elif t in ")}]":
            depth -= 1
        elif depth == 0:
            parts.append(expr[start:m.start()])
            start = m.end()
    parts.append(expr[start:])
    return [promql(p) for p in parts]


def grafana_query(query):
    """A Grafana template-variable query: label_values(metric{...}, label) or
    an expression; -> promql references."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", query, re.S)
    if m:
        return [(metric, labels | {m.group(2)}) for metric, labels in promql(m.group(1))]
    m = re.fullmatch(r"\s*label_values\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", query)
    if m:
        return [(None, {m.group(1)})]
    if re.fullmatch(r"\s*(prometheus|loki|tempo)\s*", query):
        return []  # a datasource-type variable
    return promql(query)


def grafana_alternatives(query):
    """grafana_query as alternatives (see promql_alternatives)."""
    if re.match(r"\s*label_values\(", query) or re.fullmatch(r"\s*(prometheus|loki|tempo)\s*", query):
        return [grafana_query(query)]
    return promql_alternatives(query)


def logql_stream_labels(query):
    """The labels of the stream selector a LogQL query starts with (inside
    metric queries too: every {...} that precedes a pipeline)."""
    labels = set()
    for m in re.finditer(r"\{([^{}]*)\}", _STRING.sub('"s"', query)):
        for lm in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)", m.group(1)):
            labels.add(lm.group(1))
    return labels


def traceql_resource_attributes(query):
    return set(re.findall(r"\bresource\.([A-Za-z0-9_.]+)", _STRING.sub('"s"', query)))
