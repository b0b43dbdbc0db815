#!/usr/bin/env bash
# `make run-prod`: RASA_INSTANCES Rasa servers (default 2) sharing a PostgreSQL tracker store and a Redis
# lock store, one action server, the staff dashboard and the adapter (webhook if TELEGRAM_WEBHOOK_URL is
# set, else long polling), all on this machine. Everything stops when the adapter exits.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/processes.sh
instances="${RASA_INSTANCES:-2}"
base="${RASA_PORT:-5005}"
actions_port="${ACTIONS_PORT:-5055}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/japanwork}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-postgresql://postgres@127.0.0.1:5432/rasa}"
export LOCK_STORE_URL="${LOCK_STORE_URL:-redis://127.0.0.1:6379/0}"
export REDIS_URL="${REDIS_URL:-$LOCK_STORE_URL}"
model="models/$(scripts/model-hash.sh).tar.gz"
mkdir -p data

.venv/bot/bin/python -m bot migrate                      # creates the databases if they do not exist yet
.venv/bot/bin/python -m bot endpoints data/endpoints-prod.yml
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3
start_group data/actions.log .venv/rasa/bin/rasa run actions --actions actions --port "$actions_port"
urls=()
for i in $(seq 0 $((instances - 1))); do
  port=$((base + i))
  start_group "data/rasa-$i.log" .venv/rasa/bin/rasa run --enable-api --interface 127.0.0.1 --port "$port" \
    --model "$model" --credentials credentials.yml --endpoints data/endpoints-prod.yml
  urls+=("http://127.0.0.1:$port")
done
for url in "${urls[@]}"; do
  echo "waiting for Rasa at $url ..." >&2
  for _ in $(seq 1 240); do
    curl -fsS "$url/status" 2>/dev/null | grep -q model_file && break
    sleep 1
  done
done
RASA_URLS="$(IFS=,; echo "${urls[*]}")"
export RASA_URLS
start_group data/dashboard.log .venv/bot/bin/python -m bot dashboard
run_foreground .venv/bot/bin/python -m bot run
