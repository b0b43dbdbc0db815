#!/usr/bin/env bash
# `make run`: starts the Rasa server in the background (unless RASA_URL points at one already),
# waits until it has a model loaded, then runs the assistant in the foreground; stops Rasa on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${RASA_PORT:-5005}"
mkdir -p data
if [ -z "${RASA_URL:-}" ]; then
  scripts/rasa-server.sh >data/rasa.log 2>&1 &
  rasa_pid=$!
  trap 'kill "$rasa_pid" 2>/dev/null; wait "$rasa_pid" 2>/dev/null || true' EXIT
  echo "Starting the dialogue server on 127.0.0.1:$port (log: data/rasa.log) ..." >&2
  for _ in $(seq 1 180); do
    if curl -fsS "http://127.0.0.1:$port/status" 2>/dev/null | grep -q model_file; then break; fi
    if ! kill -0 "$rasa_pid" 2>/dev/null; then echo "error: the Rasa server stopped; see data/rasa.log" >&2; tail -20 data/rasa.log >&2; exit 1; fi
    sleep 1
  done
  export RASA_URL="http://127.0.0.1:$port"
fi
.venv/bot/bin/python -m bot migrate
.venv/bot/bin/python -m bot run
