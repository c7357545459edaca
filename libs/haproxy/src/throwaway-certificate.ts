import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes a self-signed certificate and its private key (P-256, one PEM file, mode 0600) to
 * `path`: what `haproxy -c` loads in place of a tenant's certificate, whose key the checker
 * never holds. Trusted by nobody; it only has to load.
 */
export async function writeThrowawayCertificate(path: string, opensslBin = '/usr/bin/openssl'): Promise<void> {
  const work = mkdtempSync(join(dirname(path), '.throwaway-'));
  try {
    const [key, cert] = [join(work, 'key.pem'), join(work, 'cert.pem')];
    await run(
      opensslBin,
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-sha256',
        '-days',
        '3650',
        '-subj',
        '/CN=lbaas-config-check',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { timeout: 20_000 },
    ).catch((error: { stderr?: string; message?: string }) => {
      throw new Error(
        `${opensslBin} could not make a throwaway certificate: ${(error.stderr || error.message || String(error)).trim().slice(0, 500)}`,
      );
    });
    writeFileSync(path, `${readFileSync(cert, 'utf8')}${readFileSync(key, 'utf8')}`, { mode: 0o600 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
