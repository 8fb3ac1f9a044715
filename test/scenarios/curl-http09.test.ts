/**
 * curl and a response without a status line (seed 2038 f3). On the kernel lab (6.18, curl
 * 7.88) `curl http://10.0.0.2/` against test/fixtures/kernel/curl-http09.yaml's 32-byte server
 * printed "curl: (1) Received HTTP/0.9 when not allowed" and nothing for the 100-byte one
 * (`npx tsx src/cli/conformance.ts test/fixtures/kernel/curl-http09.yaml`: both flows agree).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../src/engine';
import { httpResponse, isHttpStatusLine } from '../../src/engine/net/http';

const FILE = 'test/fixtures/kernel/curl-http09.yaml';
const curlLines = (flow: string): string[] =>
  traceFlow(loadScenario(readFileSync(FILE, 'utf8'), FILE), flow)
    .output.split('\n')
    .filter((l) => l.startsWith('curl:'));

describe('curl reads the bytes the server sent', () => {
  it('refuses 32 bytes that do not begin with a status line, as curl 7.88 did', () => {
    expect(curlLines('curl-short')).toEqual(['curl: (1) Received HTTP/0.9 when not allowed']);
  });

  it('takes a 100-byte HTTP/1.1 response without complaint', () => {
    expect(curlLines('curl-http11')).toEqual([]);
  });

  it('a response needs 57 bytes for its status line and headers', () => {
    expect(httpResponse(57)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(isHttpStatusLine(56)).toBe(false);
    expect(isHttpStatusLine(57)).toBe(true);
  });
});
