import { type ChildProcess, spawn } from 'node:child_process';
import { killOnExit } from './exit-cleanup';

export interface BackendOptions {
  /** What it answers (`<name>\n`), and its process title `lb-<name>`. */
  readonly name: string;
  readonly address: string;
  /** 80 unless given (443 is the usual one with `tls`). */
  readonly port?: number;
  /** Serve HTTPS with this certificate and key (PEM files) instead of plain HTTP. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/**
 * The program (for `node -e`) of a test backend: answers `<name>\n` to any path; `/slow` after
 * 3 s (`/slow?ms=N`: N ms, at most 30 s), to hold a connection open; `/headers` with `{"name", "headers"}`, the request headers as
 * it received them, so a test can see what the load balancer added (X-Forwarded-For, ...).
 */
export function backendProgram(options: BackendOptions): string {
  const { name, address, port = 80, tls } = options;
  const server = tls
    ? `require('https').createServer({ cert: fs.readFileSync(${JSON.stringify(tls.certFile)}), key: fs.readFileSync(${JSON.stringify(tls.keyFile)}) }, answer)`
    : `require('http').createServer(answer)`;
  return [
    `const fs = require('fs');`,
    `const name = ${JSON.stringify(name)};`,
    `const answer = (q, r) => {`,
    `  if (q.url === '/headers') { r.setHeader('content-type', 'application/json'); return r.end(JSON.stringify({ name, headers: q.headers })); }`,
    `  r.setHeader('content-type', 'text/plain');`,
    `  const held = q.url.startsWith('/slow') ? Math.min(Number(new URL(q.url, 'http://backend').searchParams.get('ms')) || 3000, 30000) : 0;`,
    `  setTimeout(() => r.end(name + '\\n'), held);`,
    `};`,
    `${server}.listen(${Number(port)}, ${JSON.stringify(address)});`,
  ].join('\n');
}

/** Runs a test backend inside the network namespace `ns` (root); SIGKILLed if this process exits first. */
export function startBackend(ns: string, options: BackendOptions): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, `--title=lb-${options.name}`, '-e', backendProgram(options)], {
    stdio: 'ignore',
  });
  killOnExit(child);
  return child;
}
