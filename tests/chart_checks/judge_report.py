#!/usr/bin/env python3
"""Judges a validate-repo --json report: every FAIL, and every WARN not
matched by allowed-warnings.txt (next to this file), is a problem.
Usage: judge_report.py REPORT.json   (exit 1 on any problem)"""
import json
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "allowed-warnings.txt")) as f:
    allowed = [re.compile(line.rstrip("\n")) for line in f if line.strip() and not line.startswith("#")]
with open(sys.argv[1]) as f:
    report = json.load(f)
problems = 0
for r in report["results"]:
    line = f"{r['check']} {r['target']}: {r['reason']}"
    if r["status"] == "FAIL" or (r["status"] == "WARN" and not any(a.search(line) for a in allowed)):
        print(r["status"], line)
        problems += 1
s = report["summary"]
print(f"validate-repo: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped, {s['warnings']} warnings; "
      f"{problems} not allowed")
sys.exit(1 if problems else 0)
