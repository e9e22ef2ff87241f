#!/usr/bin/python3
"""Syntax check of the LogQL rules in Loki rule files (alerts/loki-rules/).

No LogQL parser ships with Debian, so this is one: a recursive-descent
parser of LogQL metric queries (what a Loki alerting or recording rule
holds), following Loki's grammar for stream selectors, line filters, parser
and formatting stages, label filters, range and vector aggregations and
binary operations. Regular expressions are compiled with Python's re (close
to RE2 for what rules use). It accepts a subset of LogQL, never more: a rule
it refuses that Loki would accept is a gap to fix here.

Usage: logql_syntax.py RULE_FILE...   exit 0 when every expression parses.
"""
import re
import sys

import yaml

RANGE_FUNCTIONS = {"rate", "count_over_time", "bytes_rate", "bytes_over_time", "absent_over_time",
                   "rate_counter", "sum_over_time", "avg_over_time", "max_over_time", "min_over_time",
                   "first_over_time", "last_over_time", "stdvar_over_time", "stddev_over_time",
                   "quantile_over_time"}
UNWRAP_FUNCTIONS = RANGE_FUNCTIONS - {"rate", "count_over_time", "bytes_rate", "bytes_over_time", "absent_over_time"}
AGGREGATIONS = {"sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "sort", "sort_desc"}
PARSERS = {"json", "logfmt", "unpack", "decolorize"}
BINARY = [("or", 1), ("and", 2), ("unless", 2), ("==", 3), ("!=", 3), (">=", 3), ("<=", 3), (">", 3), ("<", 3),
          ("+", 4), ("-", 4), ("*", 5), ("/", 5), ("%", 5), ("^", 6)]
PRECEDENCE = dict(BINARY)

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|`[^`]*`)
  | (?P<duration>(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w|y))+)(?![A-Za-z0-9_])
  | (?P<bytes>\d+(?:\.\d+)?(?:[KMGTPE]i?B|B))(?![A-Za-z0-9_])
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>\|=|\|~|\|>|!=|!~|!>|=~|==|>=|<=|[|{}()\[\],=<>+\-*/%^])
""", re.VERBOSE)


class LogQLError(ValueError):
    pass


def tokenize(text):
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise LogQLError(f"unexpected character {text[pos]!r} at offset {pos}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def _unquote(token):
    kind, text = token
    if text.startswith("`"):
        return text[1:-1]
    return bytes(text[1:-1], "utf-8").decode("unicode_escape")


class Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.i = 0

    # ---- token helpers
    def peek(self, offset=0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else ("end", "")

    def at(self, *texts):
        return self.peek()[1] in texts and self.peek()[0] in ("op", "ident")

    def take(self, kind=None, text=None):
        tok = self.peek()
        if (kind and tok[0] != kind) or (text and tok[1] != text):
            want = text or kind
            raise LogQLError(f"expected {want}, found {tok[1] or 'the end'!r}")
        self.i += 1
        return tok

    # ---- grammar
    def parse(self):
        node = self.expr(0)
        if self.peek()[0] != "end":
            raise LogQLError(f"unexpected {self.peek()[1]!r} after a complete expression")
        if node != "metric":
            raise LogQLError("a rule needs a metric query (a log query alone returns lines, not numbers)")

    def expr(self, min_prec):
        left = self.unary()
        while self.peek()[1] in PRECEDENCE and self.peek()[0] in ("op", "ident") and PRECEDENCE[self.peek()[1]] > min_prec:
            op = self.take()[1]
            if self.at("bool"):
                self.take()
            if self.at("on", "ignoring"):
                self.take()
                self.label_list()
                if self.at("group_left", "group_right"):
                    self.take()
                    if self.at("("):
                        self.label_list()
            right = self.expr(PRECEDENCE[op] - (1 if op == "^" else 0))
            if "log" in (left, right):
                raise LogQLError(f"'{op}' needs metric queries on both sides")
            left = "metric"
        return left

    def unary(self):
        if self.at("-", "+"):
            self.take()
        return self.primary()

    def primary(self):
        kind, text = self.peek()
        if kind in ("number", "duration") and re.fullmatch(r"\d+(\.\d+)?([eE][-+]?\d+)?", text):
            self.take()
            return "metric"
        if kind == "op" and text == "(":
            self.take()
            node = self.expr(0)
            self.take("op", ")")
            return node
        if kind == "op" and text == "{":
            self.log_query()
            return "log"
        if kind == "ident" and text in AGGREGATIONS:
            return self.vector_aggregation()
        if kind == "ident" and text in RANGE_FUNCTIONS:
            return self.range_aggregation()
        if kind == "ident" and text == "vector":
            self.take()
            self.take("op", "(")
            self.take("number")
            self.take("op", ")")
            return "metric"
        if kind == "ident" and text == "label_replace":
            self.take()
            self.take("op", "(")
            self.expr(0)
            for _ in range(4):
                self.take("op", ",")
                self.take("string")
            self.take("op", ")")
            return "metric"
        raise LogQLError(f"unexpected {text or 'end of expression'!r}")

    def label_list(self):
        self.take("op", "(")
        if not self.at(")"):
            self.take("ident")
            while self.at(","):
                self.take()
                self.take("ident")
        self.take("op", ")")

    def vector_aggregation(self):
        name = self.take()[1]
        if self.at("by", "without"):
            self.take()
            self.label_list()
        self.take("op", "(")
        if name in ("topk", "bottomk"):
            self.take("number")
            self.take("op", ",")
        if self.expr(0) != "metric":
            raise LogQLError(f"{name}() needs a metric query, not log lines")
        self.take("op", ")")
        if self.at("by", "without"):
            self.take()
            self.label_list()
        return "metric"

    def range_aggregation(self):
        name = self.take()[1]
        self.take("op", "(")
        if name == "quantile_over_time":
            self.take("number")
            self.take("op", ",")
        unwrapped = self.log_range()
        if name in UNWRAP_FUNCTIONS and not unwrapped:
            raise LogQLError(f"{name}() needs an unwrapped label (| unwrap <label>)")
        if name not in UNWRAP_FUNCTIONS and unwrapped:
            raise LogQLError(f"{name}() counts lines; it takes no unwrap")
        self.take("op", ")")
        if self.at("by", "without"):
            if name not in UNWRAP_FUNCTIONS:
                raise LogQLError(f"{name}() takes no grouping; aggregate it with sum by (...)")
            self.take()
            self.label_list()
        return "metric"

    def log_range(self):
        """A log query with its range: {..} pipeline [d] or {..} [d] pipeline. True when it unwraps."""
        if self.at("("):
            self.take()
            unwrapped = self.log_query()
            self.take("op", ")")
            self.range()
            return unwrapped
        unwrapped = self.log_query()
        if self.at("["):
            self.range()
            if self.at("|", "|=", "!=", "|~", "!~", "|>", "!>"):
                unwrapped = self.pipeline() or unwrapped
        elif self.peek()[1] != "[":
            raise LogQLError("a range aggregation needs a range such as [5m]")
        if self.at("offset"):
            self.take()
            self.take("duration")
        return unwrapped

    def range(self):
        self.take("op", "[")
        self.take("duration")
        self.take("op", "]")
        if self.at("offset"):
            self.take()
            self.take("duration")

    def log_query(self):
        self.selector()
        return self.pipeline()

    def selector(self):
        self.take("op", "{")
        matchers = []
        while True:
            name = self.take("ident")[1]
            op = self.take("op")[1]
            if op not in ("=", "!=", "=~", "!~"):
                raise LogQLError(f"'{op}' is not a label matcher operator")
            value = _unquote(self.take("string"))
            if op in ("=~", "!~"):
                _compile(value)
            matchers.append((name, op, value))
            if self.at("}"):
                break
            self.take("op", ",")
        self.take("op", "}")
        if not any((op == "=" and v) or (op == "=~" and not re.fullmatch(f"(?:{v})", "")) for _, op, v in matchers):
            raise LogQLError("the stream selector needs a matcher that excludes the empty value, e.g. namespace=~\".+\"")

    def pipeline(self):
        unwrapped = False
        while True:
            if self.at("|=", "!=", "|~", "!~", "|>", "!>"):
                op = self.take()[1]
                value = _unquote(self.take("string"))
                if op in ("|~", "!~"):
                    _compile(value)
                while self.at("or"):
                    self.take()
                    self.take("string")
                continue
            if not self.at("|"):
                return unwrapped
            self.take()
            kind, text = self.peek()
            if kind == "ident" and text in PARSERS:
                self.take()
                while self.peek()[0] == "ident" and self.peek(1)[1] == "=":
                    self.take()
                    self.take()
                    self.take("string")
                    if self.at(","):
                        self.take()
            elif kind == "ident" and text in ("regexp", "pattern", "line_format"):
                self.take()
                value = _unquote(self.take("string"))
                if text == "regexp":
                    _compile(value)
            elif kind == "ident" and text == "label_format":
                self.take()
                self.assignments()
            elif kind == "ident" and text in ("drop", "keep"):
                self.take()
                self.take("ident")
                while self.at(","):
                    self.take()
                    self.take("ident")
            elif kind == "ident" and text == "unwrap":
                self.take()
                if self.at("duration", "duration_seconds", "bytes") and self.peek(1)[1] == "(":
                    self.take()
                    self.take("op", "(")
                    self.take("ident")
                    self.take("op", ")")
                else:
                    self.take("ident")
                unwrapped = True
            elif kind == "ident":
                self.label_filter()
            else:
                raise LogQLError(f"unexpected {text!r} after '|'")

    def assignments(self):
        while True:
            self.take("ident")
            self.take("op", "=")
            if self.peek()[0] == "string":
                self.take()
            else:
                self.take("ident")
            if not self.at(","):
                return
            self.take()

    def label_filter(self):
        while True:
            if self.at("("):
                self.take()
                self.label_filter()
                self.take("op", ")")
            else:
                self.take("ident")
                op = self.take("op")[1]
                if op not in ("=", "!=", "=~", "!~", "==", ">", ">=", "<", "<="):
                    raise LogQLError(f"'{op}' is not a label filter operator")
                kind, value = self.take()
                if kind not in ("string", "number", "duration", "bytes"):
                    raise LogQLError(f"a label filter compares with a string, number, duration or size, not {value!r}")
                if op in ("=~", "!~"):
                    _compile(_unquote((kind, value)))
            if self.at("and", "or", ","):
                self.take()
                continue
            return


def _compile(pattern):
    try:
        re.compile(pattern)
    except re.error as e:
        raise LogQLError(f"invalid regular expression {pattern!r}: {e}") from None


def check(expr):
    Parser(expr).parse()


def main(paths):
    problems = checked = 0
    for path in paths:
        for group in (yaml.safe_load(open(path)) or {}).get("groups") or []:
            for rule in group.get("rules") or []:
                checked += 1
                try:
                    check(rule["expr"])
                except LogQLError as e:
                    problems += 1
                    name = rule.get("alert") or rule.get("record")
                    print(f"{path}: group {group['name']!r}, rule {name}: {e}\n  {rule['expr'].strip()}")
    print(f"LogQL: {checked} rule(s) in {len(paths)} file(s), {problems} with errors")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
