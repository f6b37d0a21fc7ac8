# Two commands on a fresh machine: `make run` serves the salon, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean eval eval-heldout bench console demo portaudio-check vendor livekit livekit-if-go

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Browser libraries (livekit-client for the call panels, Chart.js for analytics) come from npm,
# pinned in package-lock.json, and are copied into the static files: no CDN at run time.
VENDOR := salon_project/static/vendor
VENDOR_STAMP := $(VENDOR)/.built

$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/livekit-client/dist/livekit-client.umd.js $(VENDOR)/livekit-client.umd.js
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.umd.js
	touch $(VENDOR_STAMP)

install: $(STAMP) $(VENDOR_STAMP)

# The browser libraries alone (npm, no venv): the Procfile's release step runs it before collectstatic.
vendor: $(VENDOR_STAMP)

# LiveKit's console (`runworker console`, even with --text) opens audio devices through PortAudio,
# a system library this Makefile cannot install without root: it only says how.
portaudio-check: install
	@$(PY) -c "import sounddevice" 2>/dev/null || echo "Note: 'make console' needs the PortAudio library: \
	sudo apt-get install libportaudio2 (Debian/Ubuntu) or brew install portaudio (macOS)."

# LiveKit's own open-source server, built from source (pure Go, CGO off) at a pinned tag into
# var/bin/livekit-server; the version file beside it makes a second `make livekit` do nothing, and
# Go's module and build caches make a rebuild cheap. `make run` starts it when it is there, and the
# tests over the real server need it (they skip without it, except in CI).
LIVEKIT_VERSION := v1.13.5
LIVEKIT_SERVER := var/bin/livekit-server

livekit:
	@if [ -x $(LIVEKIT_SERVER) ] && [ "$$(cat $(LIVEKIT_SERVER).version 2>/dev/null)" = "$(LIVEKIT_VERSION)" ]; then \
	  echo "$(LIVEKIT_SERVER) $(LIVEKIT_VERSION) is built."; \
	else \
	  mkdir -p var/bin/go && \
	  CGO_ENABLED=0 GOBIN="$(CURDIR)/var/bin/go" go install github.com/livekit/livekit-server/cmd/server@$(LIVEKIT_VERSION) && \
	  mv var/bin/go/server $(LIVEKIT_SERVER) && rmdir var/bin/go && \
	  echo $(LIVEKIT_VERSION) > $(LIVEKIT_SERVER).version && $(LIVEKIT_SERVER) --version; \
	fi

# `make test` builds it when Go is installed; without Go, or when the build fails (offline), the
# tests over the real server skip (CI runs `make livekit` itself and fails there).
livekit-if-go:
	@if ! command -v go >/dev/null; then \
	  echo "Note: no Go toolchain, so the tests over LiveKit's own server skip (make livekit builds it)."; \
	elif ! $(MAKE) --no-print-directory livekit; then \
	  echo "Note: LiveKit's server could not be built, so the tests over it skip (see make livekit)."; fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_salon
	$(PY) manage.py setup_demo
	$(PY) manage.py serve

# Type to the receptionist (needs `make run` in another terminal, and PortAudio).
console: portaudio-check
	$(PY) manage.py runworker console --text

# The whole story, offline, with its own API server and throwaway database.
demo: install
	$(PY) manage.py demo

test: install livekit-if-go
	$(PY) -m pytest -q

# Judge the answers (lookup, triage, learning) on a questions file, in a throwaway SQLite database
# migrated and seeded for the run: `make eval EVAL_FILE=path/to/questions.yaml [EVAL_ARGS=...]`.
# `make eval-heldout`: the held-out split, counts only; it fails only on what is unsafe.
EVAL_FILE ?= ../shared/eval/questions.yaml
EVAL_ARGS ?=
define eval_answers
	@dir=$$(mktemp -d); \
	DATABASE_URL=sqlite:///$$dir/eval.sqlite3 $(PY) manage.py migrate --noinput -v0 && \
	DATABASE_URL=sqlite:///$$dir/eval.sqlite3 $(PY) manage.py seed_salon -v0 && \
	DATABASE_URL=sqlite:///$$dir/eval.sqlite3 $(PY) manage.py eval_answers $(1); \
	status=$$?; rm -rf $$dir; exit $$status
endef
eval: install
	$(call eval_answers,$(EVAL_FILE) $(EVAL_ARGS))

eval-heldout: install
	$(call eval_answers,$(EVAL_ARGS) --heldout)

# One table, each figure beside a baseline of the same run (bench/run.py): lookup and create
# against the empty endpoint (latency, requests/s), created -> console websocket, the voice
# agent's tool, lookup at 20k entries, the timeout sweep. Throwaway PostgreSQL database, Redis
# db 13 (emptied). Exit status 3 if a target is missed.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf var/ node_modules/ $(VENDOR)/
