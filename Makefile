# HostLedger: `make run` serves the whole system on 127.0.0.1:8000, `make test` runs the suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint venv clean messages compile-messages

# Python keeps the compiled form of every module it imports (__pycache__) unless told not to;
# without it each process compiles the whole project and its libraries again (about 15 s of
# CPU for every test worker, `hostledger` command and server process).
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.lock pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		rm -rf $(VENV); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@# The libvirt module's binding builds against the host's libvirt; without it the module
	@# is listed as unavailable in the staff area and everything else works.
	@if pkg-config --exists libvirt 2>/dev/null; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) libvirt-python==12.8.0 \
		|| echo "libvirt-python did not build; the libvirt module stays unavailable"; \
	else echo "libvirt not found (Debian: apt-get install libvirt-dev pkg-config); the libvirt module stays unavailable"; fi
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) compile-messages
	$(VENV)/bin/hostledger run

test: $(STAMP) compile-messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The translation catalogues (hostledger/locale/<language>/LC_MESSAGES/django.po): `make messages`
# extracts the marked texts again (needs GNU gettext); the .mo files are compiled with Babel.
messages: $(STAMP)
	$(PY) scripts/messages

compile-messages: $(STAMP)
	$(PY) scripts/compile-messages

clean:
	rm -rf $(VENV)
