#!/usr/bin/env bash
# Which of two netfilter hook entries of equal priority runs first: the one registered last
# (nf_hook_entries_grow in net/netfilter/core.c inserts a new entry before the first one whose
# priority is not lower). Checked on the running kernel in scratch namespaces (pj-hook-*), for
# iptables-legacy, iptables-nft and a second nft table against an nft base chain at
# `hook input priority 0`. The nft chain made first or last sets mark 1; the other front end
# counts the packets it sees with mark 1 and with mark 0. Expected values in
# src/engine/kernel/netfilter/hook-order.test.ts come from this output. Run as root.
set -euo pipefail
NFT_SETS_MARK=(add table ip a ';' add chain ip a c '{ type filter hook input priority 0; }' ';'
  add rule ip a c meta mark set 1)
counts() { # ns tool
  if [ "$2" = nft ]; then
    ip netns exec "$1" nft list chain ip b c | grep -o 'mark 0x0000000[01] counter packets [0-9]*' |
      sed 's/ counter packets / /' | tr '\n' ' '
  else
    ip netns exec "$1" "$2" -L INPUT -v -n -x | awk 'NR > 2 { printf "mark %s %s ", $NF, $1 }'
  fi
}
counting() { # ns tool
  if [ "$2" = nft ]; then
    ip netns exec "$1" nft add table ip b
    ip netns exec "$1" nft add chain ip b c '{ type filter hook input priority 0; }'
    ip netns exec "$1" nft add rule ip b c meta mark 1 counter
    ip netns exec "$1" nft add rule ip b c meta mark 0 counter
  else
    ip netns exec "$1" "$2" -A INPUT -m mark --mark 1
    ip netns exec "$1" "$2" -A INPUT -m mark --mark 0
  fi
}
for tool in iptables-legacy iptables-nft nft; do
  for order in mark-setter-first counter-first; do
    ns=pj-hook-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
    ip -n "$ns" link set lo up
    if [ "$order" = mark-setter-first ]; then
      ip netns exec "$ns" nft "${NFT_SETS_MARK[@]}"
      counting "$ns" "$tool"
    else
      counting "$ns" "$tool"
      ip netns exec "$ns" nft "${NFT_SETS_MARK[@]}"
    fi
    ip netns exec "$ns" ping -c 1 -W 1 127.0.0.1 > /dev/null
    echo "$tool, $order: $(counts "$ns" "$tool")"
    ip netns del "$ns"
  done
done
