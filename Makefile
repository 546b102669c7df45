# Everyday commands. Without DATABASE_URL, `run` and `test` use a private
# PostgreSQL kept in .data/ (see internal/devdb); `portal devdb` manages it.

GO      ?= go
PORTAL  := bin/portal
# Tests get TEST_DATABASE_URL from `portal devdb exec`: yours if set, else a
# server on 127.0.0.1:5432 that lets us in, else the private cluster.
WITH_DB := $(PORTAL) devdb exec --

.DEFAULT_GOAL := build
.PHONY: build run test generate bench bench-data fmt clean clean-data

build:
	$(GO) build -o $(PORTAL) ./cmd/portal

# exec: the shell gives way to the portal, so Ctrl-C reaches it directly and
# it can shut down (and stop the private database) cleanly.
run: build
	exec $(PORTAL) serve

# CI checks separately that generated templ code is current (.ci/run).
test: build
	$(GO) vet ./...
	$(WITH_DB) $(GO) test -count=1 -timeout 20m ./...

generate:
	$(GO) tool templ generate

# The load benchmark of issue #6 on the bench database (make bench-data
# fills it): the portal as a child process, driven by signed-in users, then
# the deadline storm; the report goes to bench/ and is printed. ARGS are
# passed on, e.g. make bench ARGS='--duration 5s --only matrix,search'.
bench: build
	$(PORTAL) bench $(ARGS)

# Ten years of generated activity in the bench database (dropped first).
bench-data: build
	$(PORTAL) bench-data --reset --years 10 $(ARGS)

fmt:
	$(GO) fmt ./...
	$(GO) tool templ fmt .

# Keeps .data (the private database): use clean-data for that.
clean:
	rm -rf bin
	$(GO) clean -testcache

# Deletes the private database too (including data kept outside .data when
# running as root from a directory the postgres user cannot enter).
clean-data: build
	$(PORTAL) devdb destroy
	rm -rf .data
