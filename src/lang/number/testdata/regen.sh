#!/bin/bash
# Regenerates terraform.tsv from exprs.txt with the terraform binary on PATH
# (terraform console in an empty directory, one process per expression,
# because the console stops at the first error). Output columns:
#   expression <TAB> printed result
#   expression <TAB> ERR <TAB> Terraform's message (without its summary,
#                                the stack of a panic or the final period)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
while IFS= read -r expr; do
  [ -z "$expr" ] && continue
  out=$(printf '%s\n' "$expr" | TF_CLI_CONFIG_FILE=/dev/null terraform console 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || true)
  if grep -q '^│ Error:' <<<"$out" || grep -q '^Error:' <<<"$out"; then
    msg=$(grep -v '^╷\|^╵' <<<"$out" | sed 's/^│ *//' | grep -v '^$' \
      | grep -v 'on <console-input>\|source code not available\|^Error:' | tr '\n' ' ' \
      | sed -e 's/ goroutine .*//' -e 's/^Error during operation: //' \
            -e 's/^Call to function "[a-z]*" failed: //' \
            -e 's/^Invalid value for "[a-z]*" parameter: //' \
            -e 's/ *$//' -e 's/\.$//')
    printf '%s\tERR\t%s\n' "$expr" "$msg"
  else
    printf '%s\t%s\n' "$expr" "$(tr -d '\n' <<<"$out")"
  fi
done < "$here/exprs.txt" > "$here/terraform.tsv"
