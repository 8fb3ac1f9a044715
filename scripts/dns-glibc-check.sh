#!/usr/bin/env bash
# By hand (not in npm test): does the model's resolver ask what glibc's asks?
# Two namespaces joined by a veth; a 30-line python3 responder on 10.96.0.10:53 (NXDOMAIN
# except web.default.svc.cluster.local. and www.example.com.); the pod's resolv.conf as
# kubelet writes it, bind-mounted by `ip netns exec` from /etc/netns/NAME. Real curl (glibc's
# getaddrinfo) runs for each name and the responder logs every query; the script then
# compares the sequence (type, name, one socket per name) with the engine's resolver.
# Needs root, python3, curl. Cost: about 45 s on the shared machine (mostly tsx start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d)
C=pjdns-client S=pjdns-coredns
cleanup() {
  set +e
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null
  ip netns del $C 2>/dev/null; ip netns del $S 2>/dev/null
  rm -rf "/etc/netns/$C" "$T"
}
trap cleanup EXIT
cat >"$T/resp.py" <<'PY'
import socket, struct, sys
TABLE = {'web.default.svc.cluster.local.': '10.96.0.100', 'www.example.com.': '192.168.1.200'}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 53))
while True:
    q, addr = s.recvfrom(512)
    qid, flags = struct.unpack('!HH', q[:4])
    i, labels = 12, []
    while q[i]: labels.append(q[i+1:i+1+q[i]].decode()); i += 1 + q[i]
    name = '.'.join(labels) + '.'; qtype = struct.unpack('!H', q[i+1:i+3])[0]; qend = i + 5
    with open(sys.argv[1], 'a') as log: log.write(f'{addr[1]} {"A" if qtype == 1 else "AAAA"} {name}\n')
    ip = TABLE.get(name)
    an = q[12:qend-4] + struct.pack('!HHIH', 1, 1, 30, 4) + socket.inet_aton(ip) if ip and qtype == 1 else b''
    hdr = struct.pack('!HHHHHH', qid, 0x8400 | (flags & 0x0100) | (0 if ip else 3), 1, 1 if an else 0, 0, 0)
    s.sendto(hdr + q[12:qend] + an, addr)
PY
ip netns add $C; ip netns add $S
ip link add pjdns0 netns $C type veth peer name pjdns1 netns $S
ip -n $C addr add 10.244.1.5/8 dev pjdns0; ip -n $S addr add 10.96.0.10/8 dev pjdns1
for n in $C $S; do ip -n $n link set lo up; done
ip -n $C link set pjdns0 up; ip -n $S link set pjdns1 up
mkdir -p "/etc/netns/$C"
printf 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n' >"/etc/netns/$C/resolv.conf"
ip netns exec $S python3 "$T/resp.py" "$T/log" & PID=$!
for _ in $(seq 1 50); do ip netns exec $S ss -lun | grep -q ':53 ' && break; sleep 0.1; done
fail=0
for host in web www.example.com nosuch; do
  rm -f "$T/log"
  ip netns exec $C curl -s -m 1 -o /dev/null "http://$host/" || true
  sleep 0.2
  # One socket per name: number the source ports in order of appearance.
  real=$(touch "$T/log"; awk '{ if (!($1 in p)) p[$1] = ++n; print p[$1], $2, $3 }' "$T/log")
  model=$(npx tsx -e "
    import { parseResolvConf, searchCandidates } from './src/engine/apps/resolv-conf';
    const rc = parseResolvConf(require('fs').readFileSync('/etc/netns/$C/resolv.conf', 'utf8'));
    const answered = ['web.default.svc.cluster.local.', 'www.example.com.'];
    let n = 0;
    for (const name of searchCandidates('$host', rc)) {
      n++; console.log(n + ' A ' + name); console.log(n + ' AAAA ' + name);
      if (answered.includes(name)) break;
    }")
  if [ "$real" == "$model" ]; then echo "agree: curl http://$host/ ($(echo "$real" | wc -l) queries)"
  else echo "DIFFER: curl http://$host/"; diff <(echo "$real") <(echo "$model") || true; fail=1; fi
done
ip netns exec $C curl -sS -m 1 -o /dev/null http://nosuch/ 2>&1 | sed 's/^/curl says: /' || true
exit $fail
