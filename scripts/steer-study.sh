#!/bin/sh
# The steerability study behind docs/findings.md ("Steerability"): for each model and edit, a linear walk
# (atlas steer), its limits with 256 samples per α, and the same limits for a random direction of the same
# length (the control). Outputs go to $OUT (default /tmp/steer-study); scripts/steer-table.ts summarises them.
set -e
OUT=${OUT:-/tmp/steer-study}
STEPS=${STEPS:-1500}
mkdir -p "$OUT"
for model in ${MODELS:-shapes-style shapes-dcgan}; do
  for edit in ${EDITS:-shift-x shift-y zoom color}; do
    base="$OUT/$model-$edit"
    [ -f "$base.walk.json" ] || npx tsx scripts/atlas.ts steer --model "$model" --edit "$edit" --steps "$STEPS" --lr "${LR:-1e-3}" --out "$base.walk.json"
    [ -f "$base.limits.json" ] || npx tsx scripts/atlas.ts steer-limits --model "$model" --walk "$base.walk.json" --count "${COUNT:-256}" --png "$base.png" --out "$base.limits.json"
    [ -f "$base.control.json" ] || npx tsx scripts/atlas.ts steer-limits --model "$model" --walk "$base.walk.json" --count "${COUNT:-256}" --control random --match no --out "$base.control.json"
  done
done
