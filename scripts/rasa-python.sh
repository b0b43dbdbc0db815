#!/usr/bin/env bash
# Prints the Python 3.10 interpreter for Rasa's virtual environment: $RASA_PYTHON, else pyenv's 3.10.
set -euo pipefail
if [ -n "${RASA_PYTHON:-}" ]; then candidate="$RASA_PYTHON"
elif command -v pyenv >/dev/null 2>&1 && prefix=$(pyenv prefix 3.10 2>/dev/null); then candidate="$prefix/bin/python"
else candidate=""
fi
if [ -z "$candidate" ] || ! version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
  echo "error: Rasa 3.6 needs Python 3.10 and none was found. Install it (e.g. 'pyenv install 3.10') or set RASA_PYTHON=/path/to/python3.10" >&2
  exit 1
fi
if [ "$version" != "3.10" ]; then
  echo "error: RASA_PYTHON=$candidate is Python $version; Rasa 3.6 needs Python 3.10" >&2
  exit 1
fi
echo "$candidate"
