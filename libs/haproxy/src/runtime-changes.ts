const SERVER = /^ {4}server (\S+) (\S+) weight (\d+)(.*?)( disabled)?$/;

/**
 * The runtime API commands that turn a running HAProxy from `before` into `after` without a
 * reload, or null when the files differ in anything else. Only member weights and enable/
 * disable qualify: they are the changes that come often (ARCHITECTURE.md section 6) and the
 * runtime API applies them to the live process, counters and connections untouched.
 */
export function runtimeChanges(before: string, after: string): string[] | null {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) return null;
  const commands: string[] = [];
  let backend = '';
  for (let i = 0; i < a.length; i++) {
    const header = /^backend (\S+)$/.exec(b[i]);
    if (header) backend = header[1];
    if (a[i] === b[i]) continue;
    const x = SERVER.exec(a[i]);
    const y = SERVER.exec(b[i]);
    if (!x || !y || backend === '' || x[1] !== y[1] || x[2] !== y[2] || x[4] !== y[4]) return null;
    const server = `${backend}/${y[1]}`;
    if (x[3] !== y[3]) commands.push(`set server ${server} weight ${y[3]}`);
    if (x[5] !== y[5]) commands.push(y[5] ? `disable server ${server}` : `enable server ${server}`);
  }
  return commands;
}
