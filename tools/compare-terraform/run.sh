#!/usr/bin/env bash
# Times aksplan against terraform on the same generated configuration of
# terraform_data resources (terraform's built-in resource, so both run
# offline), command by command, alternating runs with farm-bench.
#
# usage: tools/compare-terraform/run.sh N [RUNS]    (N resources, a multiple of 10)
# needs: a release build (cargo build --release), terraform and farm-bench on
# the PATH. Work directories go under ${WORK:-/tmp/aksplan-vs-terraform}.
set -euo pipefail
N=${1:?usage: run.sh N [RUNS]}
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
A=$(cd "$HERE/../.." && pwd)/target/release/aksplan
W=${WORK:-/tmp/aksplan-vs-terraform}/$N
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1
rm -rf "$W" && mkdir -p "$W"
for d in tf-empty tf-full ak-empty ak-full; do python3 "$HERE/gen.py" "$N" "$W/$d"; done
(cd "$W/tf-empty" && terraform init -input=false >/dev/null)
(cd "$W/tf-full" && terraform init -input=false >/dev/null && terraform apply -auto-approve -input=false >/dev/null)
"$A" -chdir="$W/ak-full" apply -auto-approve >/dev/null
cp "$W/tf-full/terraform.tfstate" "$W/tf-state" && cp "$W/ak-full/aksplan.tfstate" "$W/ak-state"

bench() { # NAME AKSPLAN-COMMAND TERRAFORM-COMMAND
  echo "== $1 ($N resources)"
  farm-bench -n "$RUNS" --timeout 3600 --vs "$3" -- sh -c "$2" 2>&1 | grep -E "^(A|B) wall|A/B wall"
}
bench validate "exec $A -chdir=$W/ak-full validate >/dev/null" \
  "sh -c 'exec terraform -chdir=$W/tf-full validate >/dev/null'"
bench "plan, empty state" "exec $A -chdir=$W/ak-empty plan >/dev/null" \
  "sh -c 'exec terraform -chdir=$W/tf-empty plan -input=false >/dev/null'"
bench "plan, full state (refresh)" "exec $A -chdir=$W/ak-full plan >/dev/null" \
  "sh -c 'exec terraform -chdir=$W/tf-full plan -input=false >/dev/null'"
bench "apply, empty state" \
  "rm -rf $W/ak-empty/aksplan.tfstate* $W/ak-empty/.aksplan; exec $A -chdir=$W/ak-empty apply -auto-approve >/dev/null" \
  "sh -c 'rm -f $W/tf-empty/terraform.tfstate*; exec terraform -chdir=$W/tf-empty apply -auto-approve -input=false >/dev/null'"
bench destroy \
  "cp $W/ak-state $W/ak-full/aksplan.tfstate; exec $A -chdir=$W/ak-full destroy -auto-approve >/dev/null" \
  "sh -c 'cp $W/tf-state $W/tf-full/terraform.tfstate; exec terraform -chdir=$W/tf-full destroy -auto-approve -input=false >/dev/null'"
