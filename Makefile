# Two commands: `make book` builds the HTML book, `make test` runs every test.
# Both create the virtual environment from the pinned requirements.txt first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
# The unit tests: the library only, no book build, no browser (see pytest.ini markers)
FAST   := -m "not slow" -n 2 --dist loadfile

# Optional: CASES=dir of new case files, PARAMS=YAML file of notebook parameters
BUILD_ARGS := $(if $(CASES),--cases $(CASES)) $(if $(PARAMS),--params $(PARAMS)) $(if $(JOBS),--jobs $(JOBS))

.PHONY: book pdf test test-fast venv lock bench bench-build bench-build-smoke preview clean screenshots

book: $(STAMP)
	$(BIN)/python -m analysis.book $(BUILD_ARGS)

# The PDF edition (analysis/book/pdf.py): the built book printed by /usr/bin/chromium into
# _build/pdf/upgrading-edition.pdf, also offered on the landing page (_static/)
pdf: book
	$(BIN)/python -m analysis.book.pdf

test: $(STAMP)
	$(BIN)/python -m pytest

# Unit tests only (about 50 s on 2 cores, two xdist processes): what to run while editing the library
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(FAST)

# A screenshot of every page of _build/html at 1400 and 390 px, into _build/screenshots (for review)
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py _build/html _build/screenshots

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	# the analysis package itself, editable: notebooks, kernels and tests import it from here
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-pin requirements.txt from the top-level requirements.in
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

bench: $(STAMP)
	$(BIN)/python bench/bench_models.py
	$(BIN)/python bench/bench_validate.py

# Build timings: clean, no-change, one new case, naive jupyter-book, floor (several minutes)
bench-build: $(STAMP)
	$(BIN)/python bench/bench_build.py --json _build/bench-build.json

# One case file's profile page, rebuilt (WATCH=1: on every save). CASE=path/to/file.yaml
preview: $(STAMP)
	@test -n "$(CASE)" || (echo "usage: make preview CASE=path/to/file.yaml [WATCH=1]"; exit 2)
	$(BIN)/python -m analysis.book.preview $(CASE) $(if $(WATCH),--watch)

# The CI smoke version: 20 synthetic cases, per-case cost only (a few minutes)
bench-build-smoke: $(STAMP)
	$(BIN)/python bench/bench_build.py --smoke --json _build/bench-build-smoke.json

clean:
	rm -rf _build
