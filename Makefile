.PHONY: demo test build lint fixtures actionlint bench-data bench release-check release-pin

# Run blast on the plan embedded in the binary: an environment torn down.
demo:
	go run ./cmd/blast demo

# Everything CI runs: vet, staticcheck, and the tests with the race detector.
# scripts/testsum prints what go test prints, then the tests that skipped
# (those that need Terraform, git or ssh-keygen where they are missing) and
# why; pipefail keeps go test's exit status.
test: lint release-check
	bash -o pipefail -c 'go test -race -count=1 -json ./... | go run ./scripts/testsum'

lint: actionlint
	go vet ./...
	go tool staticcheck ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# The workflows that use the GitHub Action: actionlint checks them, and
# through the self-test (uses: ./) the inputs and outputs of action.yml.
# It runs shellcheck on their scripts when shellcheck is installed.
actionlint:
	go tool actionlint .github/workflows/example.yml .github/workflows/release.yml examples/github/blast.yml

build:
	go build -o bin/blast ./cmd/blast

# Regenerate fixtures/<case>/plan.json and graph.dot with real Terraform.
fixtures:
	bash fixtures/generate.sh

# Generated plans of 100 to 50,000 resources for the benchmarks, and the
# nested, chain and fan-out plans of the radius budgets, in the git-ignored
# bench-data/; made again when the generator changes.
bench-data:
	@for n in 100 1000 15000 50000; do \
		f=bench-data/plan-$$n.json; \
		if [ ! -f $$f ] || [ -n "$$(find fixtures/gen fixtures/demo-teardown/plan.json -newer $$f -print -quit)" ]; then \
			echo "go run ./fixtures/gen -n $$n -o $$f"; go run ./fixtures/gen -n $$n -o $$f || exit 1; \
		fi; \
	done
	@for spec in "nested-15000:-nested -n 15000" "chain-16000:-shape chain -n 16000" "fanout-19000:-shape fanout -n 19000"; do \
		f=bench-data/$${spec%%:*}.json; \
		if [ ! -f $$f ] || [ -n "$$(find fixtures/gen fixtures/demo-teardown/plan.json -newer $$f -print -quit)" ]; then \
			echo "go run ./fixtures/gen $${spec#*:} -o $$f"; go run ./fixtures/gen $${spec#*:} -o $$f || exit 1; \
		fi; \
	done

# The figures of BENCHMARKS.md: go test -bench, and blast check against jq
# (and opa, when on PATH) on the generated plans.
bench: bench-data
	bash scripts/bench.sh

# The release configuration (.goreleaser.yaml) cross-builds its six targets
# with CGO off, and VERSION.sha256 names that version's binaries. A few
# seconds with a warm build cache.
release-check:
	bash scripts/check-release.sh

# After bumping VERSION, before tagging: pin the release binaries' SHA-256
# in VERSION.sha256 (docs/integrations.md, "Releases").
release-pin:
	bash scripts/check-release.sh --pin
