#!/usr/bin/env bash
# Prints a short hash of everything that shapes the trained model; the model file is named after it,
# so training runs only when one of these inputs changed.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  # Of the Rasa environment only Rasa's own version shapes the model (other pins, e.g. the job queue, do not).
  grep -E '^(rasa|rasa-sdk|tensorflow|scikit-learn)==' requirements/rasa.lock
  find config.yml domain.yml nlu stories responses rasa_ext -type f \( -name '*.yml' -o -name '*.py' \) -not -path '*/__pycache__/*' | LC_ALL=C sort | while read -r f; do
    printf '%s\n' "$f"; cat "$f"
  done
} | sha256sum | cut -c1-16
