"""Every agent that sends to the central cluster keeps retrying through a
central outage of at least OUTAGE_SECONDS before it discards anything: the
retry budget of each sender, computed from its rendered configuration and
the sender's documented defaults.

check_outage_budget(objs_by_cluster, problems) -> number of senders checked.
"""
import re

import yaml

import alloy_config as alloy

OUTAGE_SECONDS = 30 * 60
UNBOUNDED = float("inf")


def _duration(text):
    """Seconds of a Go/Alloy duration ("45m", "1h30m", "500ms"); 0 stays 0."""
    if text in (None, ""):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    total = 0.0
    for number, unit in re.findall(r"([\d.]+)(ms|h|m|s)", str(text)):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def _backoff_total(retries, first, cap):
    """Time spent by `retries` retries whose wait doubles from first up to cap."""
    total, wait = 0.0, first
    for _ in range(retries):
        total += min(wait, cap)
        wait *= 2
    return total


def _alloy_budgets(text):
    out = []
    for b in alloy.parse(text):
        if b.name == "loki.write":
            for ep in b.children("endpoint"):
                retries = int(ep.attrs.get("max_backoff_retries", "10"))
                first = _duration(alloy.string(ep.attrs.get("min_backoff_period")) or "500ms")
                cap = _duration(alloy.string(ep.attrs.get("max_backoff_period")) or "5m")
                out.append((f'loki.write "{b.label}"', UNBOUNDED if retries == 0 else _backoff_total(retries, first, cap)))
        elif b.name.startswith("otelcol.exporter.") and b.name not in ("otelcol.exporter.prometheus",
                                                                         "otelcol.exporter.loki"):
            retry = (b.children("retry_on_failure") or [None])[0]
            elapsed = _duration(alloy.string(retry.attrs.get("max_elapsed_time"))) if retry else None
            elapsed = 300.0 if elapsed is None else elapsed
            out.append((f'{b.name} "{b.label}"', UNBOUNDED if elapsed == 0 else elapsed))
        # prometheus.remote_write retries recoverable errors until its WAL
        # drops the data (max_keepalive_time, 8h by default).
    return out


def _collector_budgets(config):
    out = []
    for name, exporter in (config.get("exporters") or {}).items():
        if name.split("/")[0] in ("debug", "prometheus"):
            continue
        retry = (exporter or {}).get("retry_on_failure") or {}
        if retry.get("enabled") is False:
            out.append((f"exporter {name}", 0.0))
            continue
        elapsed = _duration(retry.get("max_elapsed_time"))
        elapsed = 300.0 if elapsed is None else elapsed
        out.append((f"exporter {name}", UNBOUNDED if elapsed == 0 else elapsed))
    return out


def _fluent_bit_budgets(text):
    out = []
    for section in re.split(r"^\s*\[", text, flags=re.M):
        if not section.startswith("OUTPUT]"):
            continue
        name = (re.search(r"^\s*Name\s+(\S+)", section, re.M) or [None, "?"])[1]
        m = re.search(r"^\s*Retry_Limit\s+(\S+)", section, re.M)
        limit = m.group(1) if m else "1"
        if limit.lower() in ("no_limits", "false", "off"):
            out.append((f"output {name}", UNBOUNDED))
        else:
            out.append((f"output {name}", _backoff_total(int(limit), 5.0, 2000.0)))  # scheduler base 5s, cap 2000s
    return out


def _vector_budgets(text):
    out = []
    for name, sink in ((yaml.safe_load(text) or {}).get("sinks") or {}).items():
        attempts = ((sink.get("request") or {}).get("retry_attempts"))
        if sink.get("type") in ("loki", "prometheus_remote_write", "opentelemetry", "http"):
            # Vector's default is effectively unlimited (i64::MAX attempts).
            out.append((f"sink {name}", UNBOUNDED if attempts is None else attempts * 30.0))
    return out


def check_outage_budget(objs_by_cluster, problems):
    checked = 0
    for cluster, objs in sorted(objs_by_cluster.items()):
        budgets = []
        for o in objs:
            data = o.get("data") or {} if o.get("kind") == "ConfigMap" else {}
            where = f"{o.get('kind')} {o.get('metadata', {}).get('namespace')}/{o.get('metadata', {}).get('name')}"
            if "config.alloy" in data:
                budgets += [(where, s, b) for s, b in _alloy_budgets(data["config.alloy"])]
            if "vector.yaml" in data:
                budgets += [(where, s, b) for s, b in _vector_budgets(data["vector.yaml"])]
            for key, text in data.items():
                if key.endswith(".conf") and "[OUTPUT]" in text:
                    budgets += [(where, s, b) for s, b in _fluent_bit_budgets(text)]
            if o.get("kind") == "OpenTelemetryCollector":
                budgets += [(where, s, b) for s, b in _collector_budgets(o.get("spec", {}).get("config") or {})]
        for where, sender, budget in budgets:
            checked += 1
            if budget < OUTAGE_SECONDS:
                problems.append(f"outage budget: {cluster}: {where}: {sender} gives up after {budget / 60:.1f} "
                                f"minutes of central outage (needs {OUTAGE_SECONDS // 60})")
    return checked
