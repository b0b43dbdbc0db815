# Two commands matter: `make run` and `make test`. Everything else is set up on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := run

RASA_VENV := .venv/rasa
BOT_VENV  := .venv/bot
RASA      := PYTHONPATH=$(CURDIR) TF_CPP_MIN_LOG_LEVEL=3 $(RASA_VENV)/bin/rasa
PY        := $(BOT_VENV)/bin/python
MODEL_HASH = $(shell scripts/model-hash.sh)
MODEL      = models/$(MODEL_HASH).tar.gz
LANGS     := ur ur_Latn
MO_FILES  := $(foreach l,$(LANGS),locales/$(l)/LC_MESSAGES/messages.mo)
RASA_DATA := nlu stories responses

.PHONY: run run-prod test rasa-server model setup i18n i18n-compile lint eval bench bench-alerts clean

## run: set up, train if needed, start Rasa and the assistant (terminal chat without TELEGRAM_BOT_TOKEN)
run: setup model i18n-compile
	scripts/run.sh

## run-prod: several Rasa instances on PostgreSQL + Redis, action server, dashboard and adapter
run-prod: setup model i18n-compile
	scripts/run-prod.sh

## rasa-server: only the dialogue server, HTTP API on 127.0.0.1:$RASA_PORT (default 5005)
rasa-server: setup model
	scripts/rasa-server.sh

## test: every check and test suite
test: setup model i18n-compile
	scripts/system-deps.sh
	$(RASA) data validate --domain domain.yml --data $(RASA_DATA) --config config.yml
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out data/results/core
	$(BOT_VENV)/bin/ruff check bot contract tests rasa_ext actions bench
	$(BOT_VENV)/bin/mypy
	$(BOT_VENV)/bin/mypy --config-file mypy-rasa.ini
	RASA_MODEL=$(MODEL) $(PY) -m pytest

## eval: held-out accuracy per language, plus Rasa's cross-validation (slow)
eval: setup model
	RASA_MODEL=$(MODEL) $(PY) -m tests.evaluate --write data/results/eval.json
	rm -rf data/cv-data && mkdir -p data/cv-data && cp -r nlu responses data/cv-data/
	$(RASA) test nlu --nlu data/cv-data --domain domain.yml --config config.yml --cross-validation --folds 3 \
	  --out data/results/cross-validation

## bench: latency against load (adapter vs. Rasa direct), cold start, training time, memory; then the alerts run
bench: setup model i18n-compile
	RASA_MODEL=$(MODEL) $(PY) -m bench.run
	$(PY) -m bench.alerts

## bench-alerts: only the alerts run (10,000 opted-in users, the adapter killed halfway and restarted)
bench-alerts: setup i18n-compile
	$(PY) -m bench.alerts

setup: $(RASA_VENV)/.installed $(BOT_VENV)/.installed

$(RASA_VENV)/.installed: requirements/rasa.lock scripts/rasa-python.sh
	rm -rf $(RASA_VENV)
	"$$(scripts/rasa-python.sh)" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/rasa.lock
	touch $@

$(BOT_VENV)/.installed: requirements/bot.lock
	rm -rf $(BOT_VENV)
	python3 -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/bot.lock
	touch $@

## model: train only when config, domain, training data or custom components changed
model: $(RASA_VENV)/.installed
	@if [ -f $(MODEL) ]; then echo "model $(MODEL) is current"; else \
	  echo "training $(MODEL) ..."; \
	  $(RASA) train --domain domain.yml --data $(RASA_DATA) --config config.yml --out models --fixed-model-name $(MODEL_HASH); fi
	@ln -sf $(MODEL_HASH).tar.gz models/current.tar.gz

## i18n: extract every string (Python and Rasa responses), update the catalogs, compile them
i18n: $(BOT_VENV)/.installed
	PYTHONPATH=$(CURDIR) $(BOT_VENV)/bin/pybabel extract -F babel.cfg -k _ --no-wrap --sort-by-file \
	  --project japan-work-pk -o locales/messages.pot .
	$(BOT_VENV)/bin/pybabel update --no-wrap -i locales/messages.pot -d locales --ignore-obsolete
	$(MAKE) i18n-compile

i18n-compile: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(BOT_VENV)/.installed
	$(BOT_VENV)/bin/pybabel compile -i $< -o $@ -l $* >/dev/null

lint:
	$(BOT_VENV)/bin/ruff check bot contract tests rasa_ext actions bench
	$(BOT_VENV)/bin/mypy
	$(BOT_VENV)/bin/mypy --config-file mypy-rasa.ini

clean:
	rm -rf models data/results
