#!/usr/bin/env bash
@@header@@
# Runs every bootstrap step in order; stops at the first that fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
@@steps@@
