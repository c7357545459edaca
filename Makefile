# The README's two commands, `make up` and `make test`, and their companions. Run as root on
# Debian (the first run apt-installs what is missing).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help deps build up down stop test clean

help:
	@echo "make up     install what is missing, build, start NATS and every service; print URLs and dev tokens"
	@echo "make up CLUSTER=3   the same with the event log on a three-node NATS JetStream cluster (R3 streams)"
	@echo "make up KEYSTONE=1  the same with Debian's Keystone on 127.0.0.1:5000: the api and dashboard take its tokens too; .lbaas/clouds.yaml for the openstack CLI"
	@echo "make down   stop everything 'make up' started and remove what it created (.lbaas/: event log, read models, tokens, Keystone's state, logs)"
	@echo "make stop   stop everything 'make up' started; keep the data in .lbaas/ for the next 'make up'"
	@echo "make test   install what is missing, build, run every test; ends with 'N passed, M failed'"
	@echo "make build  install what is missing and compile every app and library"
	@echo "make clean  'make down', then remove the build output"

deps:
	@scripts/install-deps.sh $(if $(filter 1,$(KEYSTONE)),--keystone)

build: deps
	@npm run --silent build

up: build
	@CLUSTER=$(CLUSTER) KEYSTONE=$(KEYSTONE) scripts/up.sh

down:
	@scripts/down.sh --purge

stop:
	@scripts/down.sh

test: build
	@scripts/install-deps.sh --test
	@scripts/run-tests.sh

clean:
	@scripts/down.sh --purge
	rm -rf apps/*/dist libs/*/dist bench/dist .test-results jest-results.json
