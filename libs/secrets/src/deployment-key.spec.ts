import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transpileModule } from 'typescript';
import { deploymentKey } from './deployment-key';

describe('deploymentKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-deployment-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates 32 random bytes as 64 hex characters in a file only its owner reads, and its directory', () => {
    const path = join(dir, 'etc', 'lbaas', 'secret.key');
    const key = deploymentKey(path);
    expect(key).toHaveLength(32);
    expect(readFileSync(path, 'utf8')).toBe(key.toString('hex'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'etc', 'lbaas')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'etc', 'lbaas'))).toEqual(['secret.key']);
  });

  it('reads the same key on every later use', () => {
    const path = join(dir, 'secret.key');
    expect(deploymentKey(path).equals(deploymentKey(path))).toBe(true);
  });

  it('reads a key written by hand, with a trailing newline', () => {
    const path = join(dir, 'secret.key');
    writeFileSync(path, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    expect(deploymentKey(path).toString('hex')).toBe('ab'.repeat(32));
  });

  it.each([
    { desc: 'too short', text: 'ab'.repeat(31) },
    { desc: 'not hexadecimal', text: 'zz'.repeat(32) },
    { desc: 'empty', text: '' },
  ])('refuses a key file that is $desc, naming it', ({ text }) => {
    const path = join(dir, 'secret.key');
    writeFileSync(path, text, { mode: 0o600 });
    expect(() => deploymentKey(path)).toThrow(`${path} must hold 64 hexadecimal characters (32 bytes)`);
  });

  it('gives every one of many processes that create it at once the same key', async () => {
    const module = join(dir, 'deployment-key.js');
    writeFileSync(
      module,
      transpileModule(readFileSync(join(__dirname, 'deployment-key.ts'), 'utf8'), { compilerOptions: { module: 1 } }).outputText,
    );
    const path = join(dir, 'shared', 'secret.key');
    // Each process waits for the same instant, so their creations overlap.
    const start = Date.now() + 500;
    const script = `while (Date.now() < ${start}); process.stdout.write(require(${JSON.stringify(module)}).deploymentKey(${JSON.stringify(path)}).toString('hex'));`;
    const keys = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['-e', script]);
            let out = '';
            let err = '';
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
            });
            child.stderr.on('data', (chunk: Buffer) => {
              err += chunk.toString();
            });
            child.on('error', reject);
            child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
          }),
      ),
    );
    expect(new Set(keys)).toEqual(new Set([readFileSync(path, 'utf8')]));
    expect(readdirSync(join(dir, 'shared'))).toEqual(['secret.key']);
  });
});
