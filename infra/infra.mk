# Infrastructure targets. The main Makefile includes this file (`include infra/infra.mk`); it
# also works alone: `make -f infra/infra.mk infra-check`. Paths are relative to the repo root.

INFRA_PYTHON ?= $(shell command -v python3.11 || command -v python3)
INFRA_VENV ?= .venv-infra
CHALICE ?= .venv/bin/chalice
CHALICE_OUT ?= build/chalice
INFRA_APP_FILES := $(wildcard infra/terraform/app/*.tf)

.PHONY: package infra-check worker-layer

# Chalice's Terraform (chalice.tf.json + deployment.zip) plus the app root's committed files:
# the *_override.tf files merge into Chalice's resources, the others add what Chalice cannot
# declare. The result, $(CHALICE_OUT), is the app root: terraform -chdir=$(CHALICE_OUT) ...
# $(STAMP) is the main Makefile's .venv (empty when this file is used alone).
package: $(STAMP) worker-layer
	rm -rf $(CHALICE_OUT)
	AWS_DEFAULT_REGION=cn-north-1 $(CHALICE) package --pkg-format terraform --stage prod $(CHALICE_OUT)
	cp $(INFRA_APP_FILES) $(CHALICE_OUT)/

# The upload worker's layer (requirements-worker.txt: fastexcel + polars + isal, Linux x86_64 wheels for
# Python 3.11), attached to upload_worker alone (infra/terraform/app/worker_layer.tf); the native
# libraries are stripped of symbols (polars' runtime: 178 MB → 138 MB).
WORKER_LAYER ?= build/worker-layer
worker-layer: $(STAMP)
	rm -rf $(WORKER_LAYER) $(WORKER_LAYER).zip
	.venv/bin/python -m pip install --quiet --target $(WORKER_LAYER)/python --platform manylinux2014_x86_64 \
		--implementation cp --python-version 3.11 --only-binary=:all: -r requirements-worker.txt
	find $(WORKER_LAYER) -name '*.so' -exec strip --strip-unneeded {} +
	cd $(WORKER_LAYER) && $(CURDIR)/.venv/bin/python -m zipfile -c ../worker-layer.zip python

# The stamp makes a second run skip the install; it is redone when the pins change.
$(INFRA_VENV)/.installed: infra/requirements-infra.txt
	rm -rf $(INFRA_VENV)
	$(INFRA_PYTHON) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-infra.txt
	touch $@

# Static checks of both Terraform roots; skips are justified inline (#checkov:skip=ID:reason).
# --skip-download: no calls to the checkov vendor's API (this machine has no route to it).
infra-check: $(INFRA_VENV)/.installed
	$(INFRA_VENV)/bin/checkov -d infra/terraform --framework terraform --quiet --compact --skip-download
