# edgec: the two commands a new user needs, and the pieces they are made of.
#   make har    train the HAR example on WISDM, compile it, verify it, print its budgets
#   make test   type-check and run every test (what CI runs)

APT_PACKAGES_HOST := gcc libc6-dev make
APT_PACKAGES_CORTEX := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm

.PHONY: har test setup deps toolchain golden bench

har: setup
	npx tsx examples/har/run.ts

test: setup
	npm test

setup: deps

# npm packages (only when package-lock.json changed), the host C compiler and the Cortex-M toolchain
# and QEMU if missing (Debian packages, without recommends).
deps: node_modules/.package-lock.json
	@command -v gcc >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y --no-install-recommends $(APT_PACKAGES_HOST))
	@command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1 || $(MAKE) toolchain

toolchain:
	apt-get update -qq && apt-get install -y --no-install-recommends $(APT_PACKAGES_CORTEX)

node_modules/.package-lock.json: package-lock.json
	npm install --no-audit --no-fund

# Regenerate the committed golden output: generated/har, and the hashes of every model's generated code
# (test/golden/codegen.json; needs CMSIS_NN_DIR for its CMSIS-NN entries). A refactor must not change a byte.
golden: setup
	npx tsx examples/har/run.ts --regenerate-golden
	npx tsx test/golden/update.ts

bench: setup
	npm run bench
