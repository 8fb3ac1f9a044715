#!/usr/bin/env bash
# Regenerate test/fixtures/nft/*.out from the real nft (Debian's nftables package), in a scratch
# network namespace: every expected text in test/nft.test.ts comes from here, not from the engine.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/nft"
NS=pj-nft-fixtures
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT
N=(ip netns exec "$NS" nft)
for f in *.nft; do
  "${N[@]}" flush ruleset
  "${N[@]}" -f "$f"
  "${N[@]}" list ruleset > "${f%.nft}.out"
done
"${N[@]}" flush ruleset
while IFS= read -r line; do eval "${N[*]} $(printf '%q ' $line)" ; done < commands.txt
"${N[@]}" list ruleset > commands.out
# The errors run against a small ruleset: table ip t (chains d, busy with a rule, base chain o at output),
# table inet f (no chains).
"${N[@]}" flush ruleset
"${N[@]}" -f - <<'NFT'
table ip t {
  chain d {
  }
  chain busy {
    accept
  }
  chain o {
    type filter hook output priority 0;
  }
}
table inet f {
}
NFT
: > errors.out
while IFS= read -r line; do
  read -ra words <<< "$line"
  { "${N[@]}" "${words[@]}" 2>&1 || echo "rc=$?"; } >> errors.out
done < errors.txt
# The IPv6 errors run against table ip6 t (chain d) and table inet f (chain c).
"${N[@]}" flush ruleset
"${N[@]}" -f - <<'NFT'
table ip6 t {
  chain d {
  }
}
table inet f {
  chain c {
  }
}
NFT
: > errors6.out
while IFS= read -r line; do
  read -ra words <<< "$line"
  { "${N[@]}" "${words[@]}" 2>&1 || echo "rc=$?"; } >> errors6.out
done < errors6.txt
"${N[@]}" flush ruleset
