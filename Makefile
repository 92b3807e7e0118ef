# The README's two commands are `make run` and `make test`; everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint lock docs docs-build browser-tools oai-schema search-tools book-tools deploy-tools copy-tools bench-tools messages catalogs i18n-tools

# Rebuild the virtualenv only when the lock file changes. pip installs uv (its pin and hashes
# taken from the lock file), and uv the rest, hashes checked and compiled to bytecode as pip
# does (without it every new process compiles what it imports): 87 s with pip alone, 22 with uv.
$(STAMP): requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/{p=1;print;next} p&&/^[a-z0-9]/{p=0} p' requirements-dev.lock > $(VENV)/uv.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(VENV)/uv.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes --no-deps -r requirements-dev.lock
	touch $@

# Start the archive at http://127.0.0.1:8000 (embedded PostgreSQL unless DATABASE_URL is set).
run: $(STAMP) book-tools catalogs
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py start_archive --addr 127.0.0.1:8000

# The whole test suite (a throwaway embedded PostgreSQL unless DATABASE_URL is set), on
# every core (pytest-xdist, each worker its own database; work stealing balanced the suite
# best: 184 s against 214 s keeping each file on one worker).
test: $(STAMP) browser-tools oai-schema search-tools book-tools deploy-tools copy-tools catalogs
	$(BIN)/python -m pytest -n logical --dist worksteal $(PYTEST_ARGS)

# The interface's translations (docs/translators.md). The catalogs (locale/*/LC_MESSAGES/
# django.po) are the source and are committed; their compiled forms (.mo) are not: they are
# made here, by make run and make test, with GNU gettext's msgfmt, which also checks each
# translation's placeholders against its original.
LANGUAGES := uk ru es fr de zh_Hans mk ar
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
catalogs: i18n-tools $(CATALOGS)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check --output-file=$@ $<

# After marking words for translation: every catalog updated from the templates and code.
messages: $(STAMP) i18n-tools
	DEBUG=1 $(BIN)/python manage.py makemessages $(foreach l,$(LANGUAGES),--locale=$(l)) \
	  --ignore='.venv/*' --ignore='node_modules/*' --ignore='tests/*' --ignore='bench/*' \
	  --ignore='docs/*' --ignore='site/*' --ignore='staticfiles/*' --ignore='deploy/*' \
	  --no-obsolete --add-location=file

i18n-tools:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's gettext for the translations"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }; \
	  else echo "WARNING: gettext (msgfmt) is not installed and cannot be installed here"; fi; }

# What bench/public_pages.py and bench/load.py drive the site with: Debian's wrk.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's wrk for the benchmarks"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "WARNING: wrk is not installed and cannot be installed here"; fi; }

# What the copies' tests check them with (statements.copies): git for the mirror, and
# Debian's zim-tools for zimcheck. Where they cannot be installed those tests skip with the
# reason; under CI they fail instead.
copy-tools:
	@missing=""; \
	command -v git >/dev/null 2>&1 || missing="$$missing git"; \
	command -v zimcheck >/dev/null 2>&1 || missing="$$missing zim-tools"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing for the copies' tests"; \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; } \
	      || echo "WARNING:$$missing could not be installed"; \
	  else echo "WARNING:$$missing missing and cannot be installed here"; fi; \
	fi

# What tests/faults/test_deploy.py puts in front of its web hosts: Debian's nginx (the
# proxy of deploy/). Under CI that test fails where it cannot be installed.
deploy-tools:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's nginx for the deployment test"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; \
	    systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true; \
	  else echo "WARNING: nginx is not installed and cannot be installed here"; fi; }

# What the browser tests drive: Debian's Chromium (never a downloaded browser) and axe-core
# from npm. Where they cannot be installed the browser tests skip with the reason; under CI
# they fail instead.
browser-tools:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: chromium is not installed and cannot be installed here"; fi; }
	@test -f node_modules/axe-core/axe.min.js || { \
	  if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "WARNING: npm is missing: axe-core cannot be installed"; fi; }

# What the PDF and EPUB downloads need from Debian: Noto CJK, so that Chinese, Japanese and
# Korean come out in real glyphs (Typst brings Libertinus for Latin, Greek and Cyrillic), and
# a Java runtime for EPUBCheck, which the tests run on every EPUB they make. Where they
# cannot be installed the PDF test of CJK glyphs fails and says so.
book-tools:
	@missing=""; \
	fc-list 2>/dev/null | grep -q "Noto Serif CJK\|Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing for the PDF and EPUB downloads"; \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; } \
	      || echo "WARNING:$$missing could not be installed"; \
	  else echo "WARNING:$$missing missing and cannot be installed here"; fi; \
	fi

# The rum extension, for the RUM index that matches quoted phrases (migration 0026), in the
# PostgreSQL server DATABASE_URL names when it runs here: Debian's postgresql-<major>-rum.
# The embedded PostgreSQL has none; there, and wherever it cannot be installed, phrases are
# matched through the GIN index, and the RUM test skips with the reason.
search-tools:
	@if [ -n "$${DATABASE_URL:-}" ] && command -v psql >/dev/null 2>&1; then \
	  found=$$(psql "$$DATABASE_URL" -Atc "SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'" 2>/dev/null); \
	  major=$$(psql "$$DATABASE_URL" -Atc "SHOW server_version_num" 2>/dev/null | cut -c1-2); \
	  if [ "$$found" = 0 ] && [ -n "$$major" ] && [ -d "/usr/lib/postgresql/$$major" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "Installing Debian's postgresql-$$major-rum for phrase searches"; \
	      { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$$major-rum" >/dev/null 2>&1 || \
	        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$$major-rum" >/dev/null; }; } \
	        || echo "WARNING: postgresql-$$major-rum could not be installed"; \
	    else echo "WARNING: the rum extension is missing and cannot be installed here"; fi; \
	  fi; \
	fi

# The official OAI-PMH XML schema, which the OAI tests validate every response against, as
# shipped in pyoai's source distribution (hash-pinned in tests/oai-schema.lock).
OAI_SCHEMA_SDIST := .cache/pyoai/pyoai-2.5.0.tar.gz
oai-schema: $(OAI_SCHEMA_SDIST)
$(OAI_SCHEMA_SDIST): tests/oai-schema.lock $(STAMP)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
	  --require-hashes -r tests/oai-schema.lock -d .cache/pyoai \
	  || echo "WARNING: pyoai could not be downloaded: the OAI schema tests will skip"

# Ruff, the package boundaries (import-linter, contracts in pyproject.toml) and the types of
# statements/core and statements/catalog (mypy with django-stubs).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	# The Django plugin reads the settings; without DATABASE_URL they would start the embedded
	# PostgreSQL, which a type check never connects to.
	TESTING=1 DATABASE_URL=postgres://mypy@127.0.0.1:9/none $(BIN)/mypy

# The documentation site (mkdocs.yml, docs/): served at http://127.0.0.1:8001 while writing,
# and built strictly (a broken link or a page missing from the navigation fails) in CI.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

docs-build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Regenerate the lock files after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements-dev.lock
