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
# ansible-test finds Pythons by name: python3.X links to the real interpreters (pyenv's shims refuse versions that
# are not selected) go first on its PATH, and .venv/bin (shellcheck) after them.
PYTHON_LINKS := .build/pythons
ANSIBLE_TEST_PATH = $(abspath $(PYTHON_LINKS)):$(abspath $(VENV))/bin:$$PATH
# The integration targets get these emulators (see docs/emulator.md), as emulator_<name>_url.
BIG := --contracts 1 --entries 50000 --days 30 --seed 11
INTEGRATION_EMULATORS := \
  --emulator main='--contracts 3 --entries 2000 --days 30 --seed 7' \
  --emulator big='$(BIG)' \
  --emulator faults='$(BIG) --profile faults' \
  --emulator live='$(BIG) --live-rate 5'

.PHONY: help venv layout pythons sanity lint docs-lint units emulator-tests integration packaging test matrix docs demo demo-layout emulator bench throughput changelog clean

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

pythons: venv  ## link every Python from 3.9 on this machine into .build/pythons for ansible-test
	$(VPY) scripts/ansible_test_bootstrap.py
	@echo "Pythons for ansible-test: $$($(VPY) scripts/pythons.py --link-dir $(PYTHON_LINKS))"

sanity: layout pythons  ## ansible-test sanity in its own virtualenvs (no containers), on every Python from 3.9 here
	cd $(COLLECTION) && PATH=$(ANSIBLE_TEST_PATH) $(ANSIBLE_TEST) sanity --venv --color no

# The rules an editor's or pre-commit's plain `ansible-lint` applies (.ansible-lint), but offline, with the laid-out
# collection: CI reaches no host but the package index.
lint: layout  ## ansible-lint (production profile) on the whole repository
	PATH=$(abspath $(VENV))/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(abspath .build) ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1 $(VENV)/bin/ansible-lint --offline

units: layout pythons  ## ansible-test units: modules and module_utils on every Python from 3.9 here, controller plugins on 3.11+
	cd $(COLLECTION) && PATH=$(ANSIBLE_TEST_PATH) $(ANSIBLE_TEST) units --venv --color no

emulator-tests: venv  ## the emulator's semantics, its OpenAPI document and schemathesis conformance
	$(VPY) -m pytest tests/emulator -q -p no:cacheprovider

integration: layout  ## ansible-test integration targets against emulators on loopback
	$(WITH_EMULATOR) $(INTEGRATION_EMULATORS) \
	  --config $(COLLECTION)/tests/integration/integration_config.yml --cwd $(COLLECTION) \
	  -- $(ANSIBLE_TEST) integration --python $(PY_VERSION) --color no

packaging: layout pythons  ## build the artifact, install it, run the demo and the unit tests from it; the execution environment's build context
	$(VPY) -m pytest tests/packaging -q -p no:cacheprovider

test: sanity lint docs-lint units emulator-tests integration reliability eda-tests archive-tests packaging  ## what CI runs first (then matrix and docs)

# >>> eda
.PHONY: eda-tests
eda-tests: venv  ## the Event-Driven Ansible source (main(queue, args)) against emulators in live mode, the sample rulebook
	$(VPY) -m pytest tests/eda -q -p no:cacheprovider
# <<< eda

# >>> archive
.PHONY: archive-tests
archive-tests: venv  ## the archive's S3 test bed: a real S3 server (SeaweedFS, loopback, no telemetry) and the fault proxy
	$(VPY) -m pytest tests/archive -q -p no:cacheprovider
# <<< archive

# >>> reliability
# The module and the lookup end to end under faults, leaks, TLS and a live log (docs/reliability.md); the figures go
# to the log and to .build/reliability/results.json. RELIABILITY_ARGS: extra pytest arguments, e.g. -k soak.
RELIABILITY_ARGS ?=
.PHONY: reliability
reliability: layout  ## fault and paging matrices, soak, secrets, TLS and live-log tests of the module and the lookup (about 5 minutes)
	$(VPY) -m pytest tests/reliability -q -p no:cacheprovider -rfE $(RELIABILITY_ARGS)
# <<< reliability

# >>> properties
# `make units` runs the property tests derandomized (the same examples every run). This target draws ten times as
# many fresh examples, shrinks a failure to a minimal one and prints its seed; pytest on .venv's Python, no ansible-test.
PROPERTY_TESTS := $(addprefix tests/unit/plugins/,module_utils/test_properties_timeparse.py module_utils/test_properties_filters.py \
  module_utils/test_properties_normalize.py modules/test_properties_module_options.py lookup/test_properties_lookup_options.py)
ANSIBLE_TEST_PYTEST_PLUGINS = $(shell $(VPY) -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_util", "target", "pytest", "plugins"))')
.PHONY: properties-explore
properties-explore: layout  ## the hypothesis property tests with 10x fresh random examples, shrinking and the seed of a failure
	cd $(COLLECTION) && ACTIVITYLOG_HYPOTHESIS=explore ANSIBLE_COLLECTIONS_PATH=$(abspath .build) ANSIBLE_CONTROLLER_MIN_PYTHON_VERSION=$(PY_VERSION) \
	  PYTHONPATH=$(ANSIBLE_TEST_PYTEST_PLUGINS):$(abspath .build) PYTEST_PLUGINS=ansible_pytest_collections \
	  $(abspath $(VPY)) -m pytest -q -p no:cacheprovider --hypothesis-show-statistics $(PROPERTY_TESTS)
# <<< properties

matrix: layout  ## integration targets under the oldest and newest ansible-core claimed, on each Python here (tests/matrix.yml)
	$(VPY) scripts/matrix.py $(INTEGRATION_EMULATORS) $(TARGETS)

# `make demo` and `make emulator` need only ansible-core (the version requirements-dev.txt pins), requests and jmespath;
# the emulator and scripts/layout.py are standard library only. They get a slim virtualenv of their own, created on
# first use and reused after; it lives under .build/, which git ignores and the layout leaves out.
DEMO_VENV := .build/venv-demo
DEMO_VPY := $(DEMO_VENV)/bin/python
DEMO_REQUIREMENTS = $(shell grep -oE '^(ansible-core|requests|jmespath)==[^ ]+' requirements-dev.txt)
DEMO_DATA := --contracts 3 --entries 20000 --days 30 --seed 42

$(DEMO_VENV)/.installed: requirements-dev.txt
	@test "$(words $(DEMO_REQUIREMENTS))" = 3 || { echo "requirements-dev.txt must pin ansible-core, requests and jmespath"; exit 1; }
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VPY) -m pip install --quiet --disable-pip-version-check $(DEMO_REQUIREMENTS)
	touch $@

demo-layout: $(DEMO_VENV)/.installed
	$(DEMO_VPY) scripts/layout.py --dest $(COLLECTION)

demo: demo-layout  ## run the demo playbook against a seeded emulator (in .build/venv-demo: ansible-core, requests, jmespath)
	$(DEMO_VPY) scripts/with_emulator.py --emulator main='$(DEMO_DATA)' -- \
	  bash -c 'IONOS_API_URL="$$EMULATOR_MAIN_URL" IONOS_TOKEN=reseller-token ANSIBLE_COLLECTIONS_PATH=$(abspath .build) \
	  $(DEMO_VENV)/bin/ansible-playbook -i localhost, playbooks/demo.yml'

# PORT: where it listens on loopback (0: a free one); EMULATOR_ARGS: more flags (python -m emulator --help), e.g.
# EMULATOR_ARGS='--profile faults'; later flags win over the demo's data.
PORT ?= 8765
EMULATOR_ARGS ?=
emulator: demo-layout  ## serve the emulator with the demo's data in the foreground and print the exports for your playbooks (PORT=, EMULATOR_ARGS=)
	@$(DEMO_VPY) scripts/serve_emulator.py --collections-path $(abspath .build) --ansible-bin $(abspath $(DEMO_VENV))/bin \
	  -- --port $(PORT) $(DEMO_DATA) $(EMULATOR_ARGS)

# BENCH_ARGS: e.g. --quick (small data, 1 run), --runs 5, --cases 9k-40ms,200k-0ms, --runners baseline,direct,lookup,
# --out FILE (scripts/bench.py --help).
BENCH_ARGS ?=
bench: layout  ## time the engine, the lookup and the module against a plain requests loop and the floor (emulators on loopback)
	$(VPY) scripts/bench.py $(BENCH_ARGS)

throughput: venv  ## print the emulator's throughput on this machine
	$(VPY) scripts/emulator_throughput.py

# The documentation tools live in a virtualenv of their own (requirements-docs.txt).
DOCS_VENV := .venv-docs
DOCS_VPY := $(DOCS_VENV)/bin/python

$(DOCS_VENV)/.installed: requirements-docs.txt requirements-dev.txt
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VPY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(DOCS_VPY) -m pip install --quiet --disable-pip-version-check -r requirements-docs.txt
	touch $@

docs-lint: layout $(DOCS_VENV)/.installed  ## antsibull-docs lint of the plugin and role documentation (strict)
	cd $(COLLECTION) && PATH=$(abspath $(DOCS_VENV))/bin:$$PATH $(abspath $(DOCS_VENV))/bin/antsibull-docs \
	  lint-collection-docs --plugin-docs --validate-collection-refs all --disallow-unknown-collection-refs \
	  --check-extra-docs-refs .

docs: layout $(DOCS_VENV)/.installed  ## build the documentation site into .build/docs/html
	$(DOCS_VPY) scripts/docs.py --collection $(COLLECTION) --out .build/docs

changelog: venv  ## lint the changelog fragments
	$(VENV)/bin/antsibull-changelog lint

clean:  ## remove the virtualenv and build output
	rm -rf $(VENV) .venv-docs .build tests/output
