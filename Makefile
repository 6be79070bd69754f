# ionos.activitylog development tasks. `make demo` and `make test` are the two entry points.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PY_VERSION := 3.11
VENV := .venv
VPY := $(VENV)/bin/python
COLLECTION := .build/ansible_collections/ionos/activitylog
ANSIBLE_TEST := $(abspath $(VENV))/bin/ansible-test
WITH_EMULATOR := $(VPY) scripts/with_emulator.py
# The integration targets get these emulators (see docs/emulator.md), as emulator_<name>_url.
BIG := --contracts 1 --entries 50000 --days 30 --seed 11
INTEGRATION_EMULATORS := \
  --emulator main='--contracts 3 --entries 2000 --days 30 --seed 7' \
  --emulator big='$(BIG)' \
  --emulator faults='$(BIG) --profile faults' \
  --emulator live='$(BIG) --live-rate 5'

.PHONY: help venv layout sanity lint units emulator-tests integration test demo throughput changelog clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed  ## create or reuse the virtualenv with the pinned development requirements

layout: venv  ## lay the collection out as ansible_collections/ionos/activitylog for ansible-test
	$(VPY) scripts/layout.py --dest $(COLLECTION)

sanity: layout  ## ansible-test sanity in ansible-test's own virtualenvs (no containers)
	$(VPY) scripts/ansible_test_bootstrap.py
	cd $(COLLECTION) && $(ANSIBLE_TEST) sanity --venv --python $(PY_VERSION) --color no

lint: layout  ## ansible-lint (production profile) on the roles, playbooks and test targets
	PATH=$(abspath $(VENV))/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(abspath .build) $(VENV)/bin/ansible-lint

units: layout  ## ansible-test units of the plugins
	@if find tests/unit -name 'test_*.py' | grep -q .; then \
	  $(VPY) scripts/ansible_test_bootstrap.py; \
	  cd $(COLLECTION) && $(ANSIBLE_TEST) units --venv --python $(PY_VERSION) --color no; \
	else echo "units: no unit tests under tests/unit yet"; fi

emulator-tests: venv  ## the emulator's semantics, its OpenAPI document and schemathesis conformance
	$(VPY) -m pytest tests/emulator -q -p no:cacheprovider

integration: layout  ## ansible-test integration targets against emulators on loopback
	$(WITH_EMULATOR) $(INTEGRATION_EMULATORS) \
	  --config $(COLLECTION)/tests/integration/integration_config.yml --cwd $(COLLECTION) \
	  -- $(ANSIBLE_TEST) integration --python $(PY_VERSION) --color no

test: sanity lint units emulator-tests integration  ## everything CI runs

demo: layout  ## run the demo playbook against a seeded emulator
	$(WITH_EMULATOR) --emulator main='--contracts 3 --entries 20000 --days 30 --seed 42' -- \
	  bash -c 'IONOS_API_URL="$$EMULATOR_MAIN_URL" IONOS_TOKEN=reseller-token ANSIBLE_COLLECTIONS_PATH=$(abspath .build) \
	  $(VENV)/bin/ansible-playbook -i localhost, playbooks/demo.yml'

throughput: venv  ## print the emulator's throughput on this machine
	$(VPY) scripts/emulator_throughput.py

changelog: venv  ## lint the changelog fragments
	$(VENV)/bin/antsibull-changelog lint

clean:  ## remove the virtualenv and build output
	rm -rf $(VENV) .build tests/output
