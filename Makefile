# kube-apiserver-ts. `make run` starts a dev server; `make test` runs every test.
SHELL := /bin/bash
NODE ?= node
TESTS_UNIT := $(shell find test/unit -name '*.test.ts' 2>/dev/null | sort | sed 's|^|dist/|; s|\.ts$$|.js|')
TESTS_INTEGRATION := $(shell find test/integration -name '*.test.ts' 2>/dev/null | sort | sed 's|^|dist/|; s|\.ts$$|.js|')
TESTS_E2E := $(shell find test/e2e -name '*.test.ts' 2>/dev/null | sort | sed 's|^|dist/|; s|\.ts$$|.js|')

.PHONY: all build generate run test test-unit test-integration test-e2e bench clean image flags-doc

all: build

node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

build: node_modules
	npx tsc -p tsconfig.json
	mkdir -p dist/src/generated bin
	cp -r src/generated/. dist/src/generated/
	printf '#!/usr/bin/env node\nimport("../dist/src/cmd/kube-apiserver.js");\n' > bin/kube-apiserver
	printf '#!/usr/bin/env node\nimport("../dist/src/cmd/kube-apiserver-migrate.js");\n' > bin/kube-apiserver-migrate
	chmod +x bin/kube-apiserver bin/kube-apiserver-migrate

# Regenerates src/generated from ../shared/upstream-api (only needed when the generator changes).
generate: node_modules
	npx tsc -p tsconfig.json
	$(NODE) dist/hack/generate.js

run: build
	bash hack/local-up.sh

# Installs etcd-server when it can; without etcd, runs on the embedded store and lists what it skipped.
test: build
	bash hack/test.sh

test-unit: build
	$(NODE) --test --test-reporter=spec $(TESTS_UNIT)

test-integration: build
	$(NODE) --test --test-reporter=spec --test-concurrency=1 $(TESTS_INTEGRATION)

test-e2e: build
	$(NODE) --test --test-reporter=spec --test-concurrency=1 $(TESTS_E2E)

# Container image with docker, podman or buildah (hack/build-image.sh; IMAGE, BASE, BUILDER override).
image:
	bash hack/build-image.sh

# Regenerates the flag tables of docs/OPERATING.md from src/options/flag-table.ts.
flags-doc: build
	$(NODE) dist/hack/flags-doc.js

bench: build
	$(NODE) dist/bench/run.js

clean:
	rm -rf dist bin
