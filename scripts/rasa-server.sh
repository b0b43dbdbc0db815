#!/usr/bin/env bash
# The dialogue engine: Rasa's action server (forms' validation, 127.0.0.1:$ACTIONS_PORT) in the background
# and Rasa's HTTP server (REST channel + HTTP API, 127.0.0.1:$RASA_PORT) in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
model="models/$(scripts/model-hash.sh).tar.gz"
[ -f "$model" ] || { echo "error: no trained model at $model; run 'make model'" >&2; exit 1; }
mkdir -p data
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=3
actions_port="${ACTIONS_PORT:-5055}"
.venv/rasa/bin/rasa run actions --actions actions --port "$actions_port" >data/actions.log 2>&1 &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true' EXIT
endpoints=endpoints.yml
if [ "$actions_port" != 5055 ]; then
  endpoints=data/endpoints.yml
  sed "s#127.0.0.1:5055#127.0.0.1:$actions_port#" endpoints.yml >"$endpoints"
fi
.venv/rasa/bin/rasa run --enable-api --interface 127.0.0.1 --port "${RASA_PORT:-5005}" \
  --model "$model" --credentials credentials.yml --endpoints "$endpoints" ${RASA_EXTRA_ARGS:-}
