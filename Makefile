# edgec: the two commands a new user needs, and the pieces they are made of.
#   make har    train the HAR example on WISDM, compile it, verify it, print its budgets
#   make ecg    train a heartbeat classifier on MIT-BIH (DS1), compile it, verify it on held-out DS2
#   make test   type-check and run every test (what CI runs)

# Debian packages come from the `tools` field of targets/*.json (targets/packages.mjs reads them).
APT_INSTALL := apt-get update -qq && apt-get install -y --no-install-recommends

.PHONY: har ecg test setup deps test-deps toolchain golden bench

har: setup
	npx tsx examples/har/run.ts

ecg: setup
	npx tsx examples/ecg/run.ts

test: setup test-deps
	npm test

setup: deps

# npm packages (only when package-lock.json changed), and the Debian packages (without recommends) of
# every tool the targets name that is not on PATH: host gcc, the Cortex-M toolchain, QEMU.
deps: node_modules/.package-lock.json
	@missing="$$(node targets/packages.mjs --missing)"; [ -z "$$missing" ] || ($(APT_INSTALL) $$missing)

# Test-only tools: headless Chromium renders `edgec report`'s page (test/e2e/report.test.ts).
test-deps:
	@command -v chromium >/dev/null 2>&1 || ($(APT_INSTALL) chromium)

# Every target's Debian packages, installed or not.
toolchain:
	$(APT_INSTALL) $$(node targets/packages.mjs)

node_modules/.package-lock.json: package-lock.json
	npm install --no-audit --no-fund

# Regenerate the committed golden output: generated/har, and the hashes of every model's generated code
# (test/golden/codegen.json; needs CMSIS_NN_DIR for its CMSIS-NN entries). A refactor must not change a byte.
golden: setup
	npx tsx examples/har/run.ts --regenerate-golden
	npx tsx test/golden/update.ts

bench: setup
	npm run bench
