#!/usr/bin/env bash
# `make run`: starts the dialogue engine (Rasa + its action server) and the staff dashboard in the
# background, waits until Rasa has a model loaded, then runs the assistant in the foreground
# (Telegram with TELEGRAM_BOT_TOKEN, else the terminal chat). Everything stops when the assistant exits.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${RASA_PORT:-5005}"
mkdir -p data
groups=()
stop_all() { for group in "${groups[@]}"; do kill -- "-$group" 2>/dev/null || true; done; }
trap stop_all EXIT

if [ -z "${RASA_URL:-}" ]; then
  setsid scripts/rasa-server.sh >data/rasa.log 2>&1 &
  rasa_pid=$!
  groups+=("$rasa_pid")
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
setsid .venv/bot/bin/python -m bot dashboard >data/dashboard.log 2>&1 &
groups+=("$!")
echo "Staff dashboard: http://127.0.0.1:${DASHBOARD_PORT:-8080}/admin (add a login: .venv/bot/bin/python -m bot staff add EMAIL)" >&2
.venv/bot/bin/python -m bot run
