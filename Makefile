.PHONY: demo test build lint fixtures

# Run blast on the plan embedded in the binary: an environment torn down.
demo:
	go run ./cmd/blast demo

# Everything CI runs: vet, staticcheck, and the tests with the race detector.
test: lint
	go test -race -count=1 ./...

lint:
	go vet ./...
	go tool staticcheck ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

build:
	go build -o bin/blast ./cmd/blast

# Regenerate fixtures/<case>/plan.json and graph.dot with real Terraform.
fixtures:
	bash fixtures/generate.sh
