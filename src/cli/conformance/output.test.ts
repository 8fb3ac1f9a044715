/**
 * Output comparison: the words a run determines are compared, the timings are not. The
 * kernel-side texts are what iputils ping, curl and netcat-openbsd printed in the lab.
 */
import { describe, expect, it } from 'vitest';
import { compareOutput, outputWords } from './output';

const KERNEL_PING = `PING 10.10.0.1 (10.10.0.1) 56(84) bytes of data.
64 bytes from 10.10.0.1: icmp_seq=1 ttl=63 time=0.084 ms

--- 10.10.0.1 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.084/0.084/0.084/0.000 ms
`;

describe('compareOutput', () => {
  it('ignores round-trip times and the rtt summary', () => {
    const trace = KERNEL_PING.replace('time=0.084 ms', 'time=0.1 ms').replace(/rtt .*\n/, '');
    expect(compareOutput('ping -c 1 10.10.0.1', KERNEL_PING, trace)).toBeUndefined();
  });

  it('reports a ping that was answered on one side only', () => {
    const trace = KERNEL_PING.replace(/64 bytes.*\n/, '').replace('1 received', '0 received');
    expect(compareOutput('ping -c 1 10.10.0.1', KERNEL_PING, trace)).toMatch(
      /^output line 1: kernel "64 bytes/,
    );
  });

  it("compares nc's words exactly", () => {
    const k = 'nc: connect to 10.77.0.1 port 80 (tcp) failed: Network is unreachable\n';
    expect(compareOutput('nc -z -v -w 2 10.77.0.1 80', k, k)).toBeUndefined();
    expect(
      compareOutput(
        'nc -z -v -w 2 10.77.0.1 80',
        k,
        'nc: Failed to connect to 10.77.0.1 port 80: Network is unreachable',
      ),
    ).toContain('kernel "nc: connect to 10.77.0.1 port 80 (tcp) failed');
  });

  it("keeps only curl's own messages, without elapsed times", () => {
    expect(
      outputWords(
        'curl http://10.1.1.1/',
        "HTTP/1.1 200 OK\ncurl: (28) Connection timed out after 5001 milliseconds\ncurl: (7) Failed to connect to 10.1.1.1 port 80 after 3 ms: Couldn't connect to server",
      ),
    ).toEqual([
      'curl: (28) Connection timed out',
      "curl: (7) Failed to connect to 10.1.1.1 port 80: Couldn't connect to server",
    ]);
  });
});
