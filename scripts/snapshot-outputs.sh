#!/usr/bin/env bash
# Render every fixture and every shared corpus plan in every format with one
# blast binary, into one folder, so that two builds can be compared byte for
# byte: scripts/snapshot-outputs.sh BIN OUTDIR, then diff -r the two folders.
# It proves that a refactoring changed no output.
set -uo pipefail
bin=$1 out=$2
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
mkdir -p "$out"
plans=()
for f in "$root"/fixtures/*/plan.json; do plans+=("$f"); done
if [ -d "$corpus" ]; then
  for f in "$corpus"/plans/*.json "$corpus"/other/*.json; do plans+=("$f"); done
fi
formats=(table json markdown sarif junit github)
cd "$root"
for p in "${plans[@]}"; do
  name=$(basename "$(dirname "$p")")__$(basename "$p")
  pol=/dev/null
  [ -f "$(dirname "$p")/blast.yml" ] && pol="$(dirname "$p")/blast.yml"
  for fmt in "${formats[@]}"; do
    "$bin" check --policy "$pol" --format "$fmt" --all "$p" >"$out/$name.$fmt" 2>"$out/$name.$fmt.err"
    echo "exit $?" >>"$out/$name.$fmt.err"
  done
  for fmt in dot mermaid; do
    "$bin" graph --format "$fmt" "$p" >"$out/$name.graph.$fmt" 2>&1
    "$bin" graph --format "$fmt" --radius "$p" >"$out/$name.radius.$fmt" 2>&1
  done
  "$bin" digest "$p" >"$out/$name.digest" 2>&1
done
echo "$(ls "$out" | wc -l) files in $out"
