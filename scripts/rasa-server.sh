#!/usr/bin/env bash
# Runs Rasa's HTTP server (REST channel + HTTP API) on 127.0.0.1:$RASA_PORT with the current model.
set -euo pipefail
cd "$(dirname "$0")/.."
model="models/$(scripts/model-hash.sh).tar.gz"
[ -f "$model" ] || { echo "error: no trained model at $model; run 'make model'" >&2; exit 1; }
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=3
exec .venv/rasa/bin/rasa run --enable-api --interface 127.0.0.1 --port "${RASA_PORT:-5005}" \
  --model "$model" --credentials credentials.yml --endpoints endpoints.yml ${RASA_EXTRA_ARGS:-}
