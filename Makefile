.PHONY: fixtures

# Regenerate fixtures/<case>/plan.json and graph.dot with real Terraform.
fixtures:
	bash fixtures/generate.sh
