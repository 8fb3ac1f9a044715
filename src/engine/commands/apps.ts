/** Programs a flow runs: ping, curl, nc. Parsing follows their real options. */
import { parseIp } from '../net/ipv4';
import { Ping } from '../apps/ping';
import { Ping6 } from '../apps/ping6';
import { parseIp6 } from '../net/ipv6';
import { TcpClient } from '../apps/tcp-client';
import { UdpClient } from '../apps/udp-client';
import { ResolveThen } from '../apps/resolving';
import { Nslookup } from '../apps/nslookup';
import { GetentAhosts } from '../apps/getent-ahosts';
import { GetentHosts } from '../apps/getent';
import type { SockAddr } from '../kernel/addr';
import type { Device } from '../kernel/device';
import { CommandError } from '../kernel/errors';
import { SECOND_US } from '../kernel/timing';
import type { CommandContext, CommandResult } from './types';

function host(tool: string, v: string | undefined): number {
  const ip = v === undefined ? null : parseIp(v);
  if (v === 'localhost') return 0x7f000001;
  if (ip === null) throw new CommandError(`${tool}: ${v ?? ''}: Name or service not known`, 2);
  return ip;
}

/**
 * A number option. `modelMax`, when given, is the simulator's own cap below what the real tool
 * accepts: a value past it is refused with the limit stated, not with the tool's bare words.
 */
function intArg(
  tool: string,
  opt: string,
  v: string | undefined,
  min: number,
  max: number,
  modelMax?: { max: number; why: string },
): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    const limit = modelMax && v !== undefined && /^\d+$/.test(v) && Number(v) > modelMax.max;
    throw new CommandError(
      `${tool}: invalid argument: '${v ?? ''}'${opt ? ` for ${opt}` : ''}${
        limit ? `: Packet Journey allows ${min} to ${modelMax.max} (${modelMax.why})` : ''
      }`,
      2,
    );
  }
  return Number(v);
}

/** Every echo request is a journey of its own in the Trace: a flow sends at most this many. */
export const MAX_PING_COUNT = 100;

export function ping(ctx: CommandContext, argv: string[]): CommandResult {
  let count = 1;
  let size = 56;
  let ttl: number | undefined;
  let pmtu: 'do' | 'want' | 'dont' = 'want';
  let iface: string | undefined;
  let interval = 1;
  let wait = 10;
  let dst: string | undefined;
  let family: 6 | undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '-c')
      count = intArg('ping', '-c', argv[++i], 1, MAX_PING_COUNT, {
        max: MAX_PING_COUNT,
        why: 'each request is traced hop by hop',
      });
    else if (w === '-s') size = intArg('ping', '-s', argv[++i], 0, 65507);
    else if (w === '-t') ttl = intArg('ping', '-t', argv[++i], 1, 255);
    else if (w === '-W' || w === '-w') wait = intArg('ping', w, argv[++i], 1, 60);
    else if (w === '-i') interval = Number(argv[++i]);
    else if (w === '-I') iface = argv[++i];
    else if (w === '-M') {
      const v = argv[++i];
      if (v !== 'do' && v !== 'want' && v !== 'dont')
        throw new CommandError(`ping: invalid -M argument: ${v ?? ''}`, 2);
      pmtu = v;
    } else if (w === '-6') family = 6;
    else if (w === '-n' || w === '-q' || w === '-4') continue;
    else if (w.startsWith('-')) throw new CommandError(`ping: invalid option -- '${w.slice(1)}'`, 2);
    else dst = w;
  }
  if (!dst) throw new CommandError('ping: usage error: Destination address required', 2);
  if (family === 6 || dst.includes(':')) {
    const v6 = ping6(ctx, dst, iface, { count, size, hlim: ttl, interval, wait, pmtudisc: pmtu });
    return { output: '', process: v6 };
  }
  // -I takes an address (bind the source) or a device name (SO_BINDTODEVICE).
  const src = iface !== undefined ? (parseIp(iface) ?? undefined) : undefined;
  if (src !== undefined && !ctx.ns.isLocal(src))
    throw new CommandError('ping: bind: Cannot assign requested address', 2);
  const dev = iface && src === undefined ? ctx.ns.device(iface) : undefined;
  if (iface && src === undefined && !dev)
    throw new CommandError(`ping: SO_BINDTODEVICE ${iface}: No such device`, 2);
  const p = new Ping(ctx.ns, {
    dst: host('ping', dst),
    count,
    size,
    ttl,
    pmtudisc: pmtu,
    iface: dev,
    ...(src !== undefined ? { src } : {}),
    intervalUs: Math.max(0.002, Number.isFinite(interval) ? interval : 1) * SECOND_US,
    waitUs: wait * SECOND_US,
  });
  return { output: '', process: p };
}

/** `ping -6` or an IPv6 destination; `%IFACE` is the scope of a link-local address. */
function ping6(
  ctx: CommandContext,
  dst: string,
  iface: string | undefined,
  o: {
    count: number;
    size: number;
    hlim: number | undefined;
    interval: number;
    wait: number;
    pmtudisc: 'do' | 'want' | 'dont';
  },
): Ping6 {
  const pct = dst.indexOf('%');
  // -I takes an address (bind the source) or a device name (the scope, SO_BINDTODEVICE).
  const src = iface !== undefined ? (parseIp6(iface) ?? undefined) : undefined;
  if (src !== undefined && !ctx.ns.devicesInOrder().some((d) => d.addrs6.some((a) => a.addr === src)))
    throw new CommandError('ping: bind icmp socket: Cannot assign requested address', 2);
  const scope = pct >= 0 ? dst.slice(pct + 1) : src === undefined ? iface : undefined;
  const addr = parseIp6(pct >= 0 ? dst.slice(0, pct) : dst);
  if (addr === null) throw new CommandError(`ping: ${dst}: Name or service not known`, 2);
  const dev = scope ? ctx.ns.device(scope) : undefined;
  if (scope && !dev) throw new CommandError(`ping: ${dst}: Name or service not known`, 2);
  return new Ping6(ctx.ns, {
    dst: addr,
    ...(dev ? { iface: dev } : {}),
    ...(src !== undefined ? { src } : {}),
    shown: dst,
    count: o.count,
    size: o.size,
    ...(o.hlim !== undefined ? { hlim: o.hlim } : {}),
    pmtudisc: o.pmtudisc,
    intervalUs: Math.max(0.002, Number.isFinite(o.interval) ? o.interval : 1) * SECOND_US,
    waitUs: o.wait * SECOND_US,
  });
}

/**
 * An IPv6 literal with an optional zone (`fe80::1%eth0`; curl writes the `%` as `%25`): the
 * address and the device it names.
 */
function ipv6Literal(
  ctx: CommandContext,
  text: string,
  zoneSep: '%' | '%25',
): { addr: bigint; scope?: Device } | null | 'bad-zone' {
  const at = text.indexOf(zoneSep);
  const addr = parseIp6(at >= 0 ? text.slice(0, at) : text);
  if (addr === null) return null;
  if (at < 0) return { addr };
  const dev = ctx.ns.device(text.slice(at + zoneSep.length));
  return dev ? { addr, scope: dev } : 'bad-zone';
}

/** curl [-4|-6] [--local-port N] http://HOST[:PORT][/path] — an HTTP GET over TCP; HOST may be [IPv6]. */
export function curl(ctx: CommandContext, argv: string[]): CommandResult {
  let url: string | undefined;
  let timeout = 10;
  let sport: number | undefined;
  let family: 4 | 6 | undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '-m' || w === '--max-time' || w === '--connect-timeout')
      timeout = intArg('curl', w, argv[++i], 1, 60);
    else if (w === '--local-port') sport = intArg('curl', w, argv[++i], 1, 65535);
    else if (w === '-o' || w === '--output') i++;
    else if (w === '-4' || w === '--ipv4') family = 4;
    else if (w === '-6' || w === '--ipv6') family = 6;
    else if (w.startsWith('-')) continue;
    else url = w;
  }
  if (!url) throw new CommandError('curl: no URL specified!', 2);
  // An IPv6 literal is written in brackets (RFC 3986 3.2.2); bare colons read as a port.
  const m = /^(?:http:\/\/)?(\[[^\]/]+\]|[^/:[\]]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (!m) throw new CommandError(`curl: (3) URL using bad/illegal format or missing URL`, 3);
  const port = m[2] ? intArg('curl', '', m[2], 1, 65535) : 80;
  const path = m[3] ?? '/';
  // The request curl sends: request line, Host (brackets kept), User-Agent, Accept, blank line.
  const hostHdr = m[2] ? `${m[1]}:${m[2]}` : m[1]!;
  const request = `GET ${path} HTTP/1.1\r\nHost: ${hostHdr}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`
    .length;
  const connect = (dst: SockAddr, scope?: Device): TcpClient =>
    new TcpClient(ctx.ns, {
      process: 'curl',
      dst,
      ...(scope ? { scope } : {}),
      port,
      request,
      waitUs: timeout * SECOND_US,
      ...(sport !== undefined ? { sport } : {}),
    });
  // -4/-6 set CURLOPT_IPRESOLVE: a literal of the other family has no address to try.
  const wrongFamily = new CommandError(`curl: (7) Couldn't connect to server`, 7);
  const name = m[1]!;
  if (name.startsWith('[')) {
    const v6 = ipv6Literal(ctx, name.slice(1, -1), '%25');
    if (v6 === null || v6 === 'bad-zone')
      throw new CommandError(`curl: (3) URL using bad/illegal format or missing URL`, 3);
    if (family === 4) throw wrongFamily;
    return { output: '', process: connect(v6.addr, v6.scope) };
  }
  if (name === 'localhost' || parseIp(name) !== null) {
    if (family === 6) throw wrongFamily;
    return { output: '', process: connect(host('curl', name)) };
  }
  if (family === 6)
    throw new CommandError(
      `curl: -6 with a host name asks DNS for AAAA records, which Packet Journey does not model; give the address: curl http://[fd00::2]/`,
      6,
    );
  // A host name: getaddrinfo() asks DNS first (glibc, as the pod's resolv.conf says).
  const failure = `curl: (6) Could not resolve host: ${name}`;
  return {
    output: '',
    process: new ResolveThen(ctx.ns, 'curl', name, connect, failure, timeout * SECOND_US),
  };
}

/**
 * getent hosts NAME: glibc's gethostbyname2, IPv6 first; getent ahosts NAME: getaddrinfo
 * (other databases are not modelled).
 */
export function getent(ctx: CommandContext, argv: string[]): CommandResult {
  const [db, key, ...rest] = argv.slice(1);
  if (db !== 'hosts' && db !== 'ahosts')
    throw new CommandError(
      `getent: only the hosts and ahosts databases are modelled here (getent hosts NAME)`,
      1,
    );
  if (key === undefined || rest.length > 0)
    throw new CommandError(`getent: give one name: getent ${db} web`, 1);
  return {
    output: '',
    process: db === 'hosts' ? new GetentHosts(ctx.ns, key) : new GetentAhosts(ctx.ns, key),
  };
}

/** nslookup NAME [SERVER]: BIND 9's, with the servers of /etc/resolv.conf. */
export function nslookup(ctx: CommandContext, argv: string[]): CommandResult {
  const pos = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (pos.length === 0)
    throw new CommandError('nslookup: interactive mode is not modelled here; give a name: nslookup web', 1);
  if (pos.length > 1)
    throw new CommandError(
      'nslookup: asking a given server is not modelled here; it uses /etc/resolv.conf',
      1,
    );
  return { output: '', process: new Nslookup(ctx.ns, pos[0]!) };
}

/** The address nc connects to, as OpenBSD nc's getaddrinfo() call (AI_NUMERICHOST with -n aside) reports it. */
function ncHost(
  ctx: CommandContext,
  v: string,
  port: string,
  family: 4 | 6 | undefined,
): { addr: SockAddr; scope?: Device } {
  const gai = (why: string): CommandError =>
    new CommandError(`nc: getaddrinfo for host "${v}" port ${port}: ${why}`, 1);
  const v6 = ipv6Literal(ctx, v, '%');
  if (v6 === 'bad-zone') throw gai('Name or service not known');
  if (v6 !== null) {
    if (family === 4) throw gai('Address family for hostname not supported');
    return v6.scope ? { addr: v6.addr, scope: v6.scope } : { addr: v6.addr };
  }
  if (v !== 'localhost' && parseIp(v) === null) throw gai('Name or service not known');
  if (family === 6) throw gai('Address family for hostname not supported');
  return { addr: host('nc', v) };
}

/** nc [-4|-6] [-u] [-z] [-p SPORT] [-w SECS] HOST PORT (HOST: an IPv4 or IPv6 address, no brackets) */
export function nc(ctx: CommandContext, argv: string[]): CommandResult {
  let udp = false;
  let zero = false;
  let verbose = false;
  let wait = 5;
  let sport: number | undefined;
  let family: 4 | 6 | undefined;
  const pos: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '-u') udp = true;
    else if (w === '-z') zero = true;
    else if (w === '-4' || w === '-6') family = w === '-4' ? 4 : 6;
    else if (w === '-v' || w === '-n' || w === '-vz' || w === '-zv') {
      zero ||= w.includes('z');
      verbose ||= w.includes('v');
    } else if (w === '-w') wait = intArg('nc', '-w', argv[++i], 1, 60);
    else if (w === '-p') sport = intArg('nc', '-p', argv[++i], 1, 65535);
    else if (w === '-l')
      throw new CommandError(
        'nc: listening is declared as a server in the scenario (servers:), not run as a flow',
        1,
      );
    else if (w.startsWith('-')) throw new CommandError(`nc: invalid option -- '${w.slice(1)}'`, 1);
    else pos.push(w);
  }
  if (pos.length !== 2) throw new CommandError('usage: nc [-46CDdFhklNnrStUuvZz] [destination] [port]', 1);
  const port = intArg('nc', '', pos[1], 1, 65535);
  const { addr: dst, scope } = ncHost(ctx, pos[0]!, pos[1]!, family);
  if (udp)
    return {
      output: '',
      process: new UdpClient(ctx.ns, {
        dst,
        ...(scope ? { scope } : {}),
        port,
        bytes: 6,
        waitUs: wait * SECOND_US,
        verbose,
      }),
    };
  return {
    output: '',
    process: new TcpClient(ctx.ns, {
      process: 'nc',
      dst,
      ...(scope ? { scope } : {}),
      port,
      request: zero ? 0 : 6,
      waitUs: wait * SECOND_US,
      verbose,
      sport,
    }),
  };
}
