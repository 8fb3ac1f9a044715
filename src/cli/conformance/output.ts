/**
 * What an application printed, compared between the kernel lab and the Trace. Only the
 * words a run determines are compared: round-trip times, elapsed milliseconds and the
 * body curl downloads (the lab sends it to /dev/null) are left out, the same on both sides.
 */

function pingWords(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(From |ping: |\d+ bytes from |\d+ packets transmitted)/.test(l))
    .map((l) =>
      l
        .replace(/ time[=<][\d.]+ ?ms/, '')
        .replace(/, time \d+ms$/, '')
        .replace(/ icmp_seq=\d+/, ' icmp_seq=N'),
    );
}

function curlWords(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl:'))
    .map((l) => l.replace(/ after \d+ (ms|milliseconds)/, ''));
}

function ncWords(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The comparable lines of one program's output. */
export function outputWords(command: string, text: string): string[] {
  const tool = command.trim().split(/\s+/)[0];
  if (tool === 'ping') return pingWords(text);
  if (tool === 'curl') return curlWords(text);
  return ncWords(text);
}

/** The first output line that differs, as a difference's text, or undefined when they agree. */
export function compareOutput(command: string, kernel: string, trace: string): string | undefined {
  const k = outputWords(command, kernel);
  const t = outputWords(command, trace);
  for (let i = 0; i < Math.max(k.length, t.length); i++) {
    if (k[i] !== t[i])
      return `output line ${i + 1}: kernel ${JSON.stringify(k[i] ?? '')}, trace ${JSON.stringify(t[i] ?? '')}`;
  }
  return undefined;
}
