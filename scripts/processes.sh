# Sourced by run.sh and run-prod.sh: start background services in their own process groups, run the
# assistant in the foreground, and stop everything on SIGTERM, SIGINT, SIGHUP or when the assistant exits.
groups=()
foreground=""

stop_all() {
  trap - EXIT INT TERM HUP
  [ -n "$foreground" ] && kill -TERM "$foreground" 2>/dev/null || true
  for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
  # Give each process a few seconds to stop cleanly, then make sure.
  for _ in $(seq 1 50); do
    alive=0
    for group in "${groups[@]}"; do kill -0 -- "-$group" 2>/dev/null && alive=1; done
    { [ -n "$foreground" ] && kill -0 "$foreground" 2>/dev/null; } && alive=1
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 129' HUP

# start_group LOG COMMAND...: a background service in a new session (its own process group).
start_group() {
  local log="$1"; shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  groups+=("$!")
}

# run_foreground COMMAND...: the assistant, with the terminal's input, waited for so that signals are
# handled at once (bash runs traps only between commands, and `wait` is interruptible).
run_foreground() {
  "$@" <&0 &
  foreground=$!
  local status=0
  wait "$foreground" || status=$?
  # A signal interrupted `wait`: the trap has run; otherwise the assistant ended by itself.
  wait "$foreground" 2>/dev/null || true
  foreground=""
  return "$status"
}
