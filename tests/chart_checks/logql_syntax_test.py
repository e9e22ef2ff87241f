#!/usr/bin/python3
"""logql_syntax.py accepts the LogQL metric queries Loki accepts (the forms
rules use) and refuses malformed ones with a reason."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logql_syntax  # noqa: E402

VALID = [
    'sum by (cluster) (rate({namespace="a"} |= "x" [5m])) > 1',
    'absent_over_time({namespace=~".+"}[15m])',
    'sum(count_over_time({app="a"} | json | level="error" [1m])) by (app)',
    'quantile_over_time(0.99, {app="a"} | logfmt | unwrap latency [5m]) by (pod)',
    'topk(3, sum by (pod) (bytes_rate({app="a"}[1m])))',
    'sum(rate({a="b"}[5m])) / sum(rate({a="b"} |~ `err` [5m])) > 0.1',
    'count_over_time({a="b"} |= "x" or "y" [5m]) > bool 2',
    'sum by (pod) (rate({a="b"} | logfmt | duration > 2s [5m]))',
]

INVALID = {
    'sum(rate({a="b"} [5m])': "expected )",
    '{a="b"} |= "x"': "metric query",
    'rate({a=""}[5m])': "excludes the empty value",
    'rate({a="b"})': "needs a range",
    'sum by (x) (rate({a="b"} |~ "(" [5m]))': "invalid regular expression",
    'avg_over_time({a="b"}[5m])': "unwrapped label",
    'rate({a="b"}[5m]) by (x)': "takes no grouping",
    'foo({a="b"}[5m])': "unexpected 'foo'",
    'sum(rate({a="b"}[5m])) > {a="b"}': "both sides",
}


class LogQLSyntaxTest(unittest.TestCase):
    def test_valid_queries_parse(self):
        for q in VALID:
            with self.subTest(q=q):
                logql_syntax.check(q)

    def test_invalid_queries_are_refused_with_a_reason(self):
        for q, reason in INVALID.items():
            with self.subTest(q=q):
                with self.assertRaises(logql_syntax.LogQLError) as e:
                    logql_syntax.check(q)
                self.assertIn(reason, str(e.exception))


if __name__ == "__main__":
    unittest.main()
