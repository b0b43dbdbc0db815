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
# Rasa's stores come from the same settings the assistant uses for erasure (TRACKER_STORE_URL, LOCK_STORE_URL).
.venv/bot/bin/python -m bot endpoints data/endpoints.yml
.venv/rasa/bin/rasa run actions --actions actions --port "$actions_port" >data/actions.log 2>&1 &
actions_pid=$!
rasa_pid=""
stop() { kill -TERM "$actions_pid" $rasa_pid 2>/dev/null || true; }
trap stop EXIT
trap 'stop; exit 143' TERM INT HUP
# shellcheck disable=SC2086  # RASA_EXTRA_ARGS is a list of arguments
.venv/rasa/bin/rasa run --enable-api --interface 127.0.0.1 --port "${RASA_PORT:-5005}" \
  --model "$model" --credentials credentials.yml --endpoints data/endpoints.yml ${RASA_EXTRA_ARGS:-} &
rasa_pid=$!
wait "$rasa_pid"
