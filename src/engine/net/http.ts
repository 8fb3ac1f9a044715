/**
 * The bytes a scenario's TCP server answers with. A server declares only how many bytes it
 * answers (`reply`); these are those bytes, the same for the kernel lab's server and for the
 * model's clients, so that a client reads what the lab's would.
 */

/**
 * An HTTP response of exactly `bytes` bytes that closes the connection: one response, then
 * the server's FIN. Fewer bytes than the smallest such head (57) cannot hold a status line
 * and headers: they are that many bytes of body alone, which is not HTTP.
 */
export function httpResponse(bytes: number): string {
  for (let body = Math.max(0, bytes - 60); body <= bytes; body++) {
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body}\r\nConnection: close\r\n\r\n`;
    if (head.length + body === bytes) return head + 'x'.repeat(body);
  }
  return 'x'.repeat(bytes);
}

/**
 * Whether a response that begins with `bytes` bytes starts with a status line. curl 7.88
 * (lib/http.c, checkprotoprefix on the first line) takes anything else for HTTP/0.9, which it
 * refuses unless --http0.9: "Received HTTP/0.9 when not allowed" (CURLE_UNSUPPORTED_PROTOCOL).
 */
export function isHttpStatusLine(bytes: number): boolean {
  return httpResponse(bytes).startsWith('HTTP/');
}
