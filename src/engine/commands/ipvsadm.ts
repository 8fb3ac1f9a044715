/** `ipvsadm`: IPVS virtual services and real servers (-A/-E/-D, -a/-e/-d, -C, -L -n). */
import { parseIp } from '../net/ipv4';
import { CommandError } from '../kernel/errors';
import { Ipvs, type RealServer } from '../kernel/ipvs';
import type { CommandContext, CommandResult } from './types';

function addrPort(v: string | undefined, opt: string): { ip: number; port: number } {
  const m = v === undefined ? null : /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(v);
  const ip = m ? parseIp(m[1]!) : null;
  if (!m || ip === null || Number(m[2]) > 65535)
    throw new CommandError(`ipvsadm: illegal address:port specified for ${opt}`, 2);
  return { ip, port: Number(m[2]) };
}

/**
 * `ipvsadm -R` (ipvsadm-restore): one ipvsadm command a line on stdin, in the format
 * `ipvsadm -S` prints ("-A -t VIP:PORT -s rr", "-a -t VIP:PORT -r IP:PORT -m -w 1"), applied
 * in order; the first failing line stops it, as restore_table does.
 */
function ipvsadmRestore(ctx: CommandContext): CommandResult {
  if (ctx.stdin === undefined)
    throw new CommandError('ipvsadm: -R reads its commands from standard input; none was given', 2);
  const inner: CommandContext = { world: ctx.world, machine: ctx.machine, ns: ctx.ns, origin: ctx.origin };
  for (const line of ctx.stdin.split('\n')) {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0 || words[0]!.startsWith('#')) continue;
    if (words.includes('-R') || words.includes('--restore'))
      throw new CommandError("ipvsadm: invalid option -- 'R'", 2);
    ipvsadm(inner, ['ipvsadm', ...words]);
  }
  return { output: '' };
}

export function ipvsadm(ctx: CommandContext, argv: string[]): CommandResult {
  if (argv[0] === 'ipvsadm-restore' || argv[1] === '-R' || argv[1] === '--restore')
    return ipvsadmRestore(ctx);
  let cmd: string | undefined;
  let proto: 'tcp' | 'udp' = 'tcp';
  let svc: { ip: number; port: number } | undefined;
  let real: { ip: number; port: number } | undefined;
  let scheduler = 'wlc';
  let method: RealServer['method'] = 'route';
  let weight = 1;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (/^-[AEDaedCLl]n?$/.test(w) || w === '--list' || w === '-Ln') {
      cmd = w === '-Ln' || w === '--list' || w.startsWith('-L') || w.startsWith('-l') ? 'L' : w[1];
    } else if (w === '-n' || w === '--numeric') continue;
    else if (w === '-t' || w === '-u') {
      proto = w === '-t' ? 'tcp' : 'udp';
      svc = addrPort(argv[++i], w);
    } else if (w === '-r') real = addrPort(argv[++i], '-r');
    else if (w === '-s') scheduler = argv[++i] ?? '';
    else if (w === '-m') method = 'masq';
    else if (w === '-g') method = 'route';
    else if (w === '-i') method = 'tunnel';
    else if (w === '-w') weight = Number(argv[++i]);
    else throw new CommandError(`ipvsadm: invalid option -- '${w.replace(/^-+/, '')}'`, 2);
  }
  if (!cmd) throw new CommandError('ipvsadm: no command specified', 2);
  const ipvs = ctx.ns.ipvs ?? new Ipvs();
  if (cmd === 'L') return { output: (ctx.ns.ipvs ?? ipvs).rows().join('\n') };
  if (cmd === 'C') {
    ipvs.clear();
    ipvs.conns.splice(0);
  } else {
    if (!svc) throw new CommandError('ipvsadm: missing service address (-t or -u)', 2);
    const vs = ipvs.find(proto, svc.ip, svc.port);
    if (cmd === 'A') {
      if (vs) throw new CommandError('Service already exists', 255);
      if (!['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'sed', 'nq'].includes(scheduler))
        throw new CommandError(`Scheduler not found: ip_vs_${scheduler}.ko`, 255);
      ipvs.add({
        proto,
        vip: svc.ip,
        port: svc.port,
        scheduler,
        reals: [],
        next: 0,
        origin: ctx.origin,
      });
    } else if (cmd === 'D' || cmd === 'E') {
      if (!vs) throw new CommandError('No such service', 255);
      if (cmd === 'D') ipvs.remove(vs);
      else vs.scheduler = scheduler;
    } else {
      if (!vs) throw new CommandError('Service not defined', 255);
      if (!real) throw new CommandError('ipvsadm: missing real server address (-r)', 2);
      const i = vs.reals.findIndex((r) => r.ip === real!.ip && r.port === real!.port);
      if (cmd === 'a') {
        if (i >= 0) throw new CommandError('Destination already exists', 255);
        vs.reals.push({ ip: real.ip, port: real.port, weight, method });
      } else if (cmd === 'd') {
        if (i < 0) throw new CommandError('No such destination', 255);
        vs.reals.splice(i, 1);
      } else {
        if (i < 0) throw new CommandError('No such destination', 255);
        vs.reals[i] = { ip: real.ip, port: real.port, weight, method };
      }
    }
  }
  ipvs.edited();
  ctx.ns.ipvs = ipvs;
  ctx.ns.changed('ipvs');
  return { output: '' };
}
