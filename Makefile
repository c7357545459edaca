# The two commands of the README: `make up` and `make test`. Run as root on Debian.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help deps build up down stop test clean

help:
	@echo "make up     install what is missing, build, start NATS and every service, print URLs and dev tokens"
	@echo "make down   stop everything and remove what 'make up' created (.lbaas/: event log, read models, tokens, logs)"
	@echo "make stop   stop everything, keep .lbaas/ (the next 'make up' resumes with the same data)"
	@echo "make test   install what is missing, build, run every test; ends with 'N passed, M failed'"

deps:
	@scripts/install-deps.sh

build: deps
	@npm run --silent build

up: build
	@scripts/up.sh

stop:
	@scripts/down.sh

down:
	@scripts/down.sh --purge

test: build
	@scripts/install-deps.sh --test
	@scripts/run-tests.sh

clean: down
	rm -rf node_modules apps/*/dist libs/*/dist bench/dist
