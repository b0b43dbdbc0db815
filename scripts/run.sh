#!/usr/bin/env bash
# `make run`: starts the dialogue engine (Rasa + its action server) and the staff dashboard in the
# background, waits until Rasa has a model loaded, then runs the assistant (Telegram with
# TELEGRAM_BOT_TOKEN, else the terminal chat). SIGTERM, SIGINT (Ctrl-C) or the assistant's exit stop
# every process this script started, each in its own process group, within a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/processes.sh
port="${RASA_PORT:-5005}"
mkdir -p data

if [ -z "${RASA_URL:-}" ]; then
  start_group data/rasa.log scripts/rasa-server.sh
  rasa_pid="${groups[-1]}"
  echo "Starting the dialogue server on 127.0.0.1:$port (log: data/rasa.log) ..." >&2
  for _ in $(seq 1 180); do
    if curl -fsS "http://127.0.0.1:$port/status" 2>/dev/null | grep -q model_file; then break; fi
    if ! kill -0 "$rasa_pid" 2>/dev/null; then
      echo "error: the Rasa server stopped; see data/rasa.log" >&2; tail -20 data/rasa.log >&2; exit 1
    fi
    sleep 1
  done
  export RASA_URL="http://127.0.0.1:$port"
fi

.venv/bot/bin/python -m bot migrate
start_group data/dashboard.log .venv/bot/bin/python -m bot dashboard
echo "Staff dashboard: http://127.0.0.1:${DASHBOARD_PORT:-8080}/admin (add a login: .venv/bot/bin/python -m bot staff add EMAIL)" >&2
run_foreground .venv/bot/bin/python -m bot run
