#!/usr/bin/env node
// Draws the projects' dependency graph from the code (Nx's project graph, from the imports) as a
// Mermaid diagram in docs/ARCHITECTURE.md, between the two marker lines. `--check` only says
// whether the drawing there is current (a house check of `make test`).
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const DOC = 'docs/ARCHITECTURE.md';
const BEGIN = '<!-- dependency graph: written by `npm run graph` from the code; do not edit by hand -->';
const END = '<!-- end of dependency graph -->';

const dir = mkdtempSync(join(tmpdir(), 'lbaas-graph-'));
try {
  execFileSync('npx', ['nx', 'graph', `--file=${join(dir, 'graph.json')}`], {
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'ignore',
  });
  const { nodes, dependencies } = JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')).graph;
  const tagOf = (name) => (nodes[name].data.tags ?? []).find((t) => t.startsWith('type:'))?.slice(5) ?? 'other';
  const layers = { app: 'apps', tool: 'tools', lib: 'libs', domain: 'domain' };
  const names = Object.keys(nodes)
    .filter((n) => !['e2e', 'bench'].includes(n))
    .sort();
  const lines = ['```mermaid', 'flowchart TD'];
  for (const [layer, title] of Object.entries(layers)) {
    const members = names.filter((n) => tagOf(n) === layer);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${layer}_layer["${title}"]`);
    for (const n of members) lines.push(`    ${n.replace(/-/g, '_')}["${nodes[n].data.root}"]`);
    lines.push('  end');
  }
  for (const n of names) {
    for (const d of [...(dependencies[n] ?? [])].sort((a, b) => a.target.localeCompare(b.target))) {
      if (names.includes(d.target)) lines.push(`  ${n.replace(/-/g, '_')} --> ${d.target.replace(/-/g, '_')}`);
    }
  }
  lines.push('```');
  const drawing = `${BEGIN}\n${lines.join('\n')}\n${END}`;
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const stop = doc.indexOf(END);
  if (start < 0 || stop < 0) throw new Error(`${DOC} has no dependency graph markers`);
  const current = doc.slice(start, stop + END.length);
  if (process.argv.includes('--check')) {
    if (current !== drawing) {
      console.error(`${DOC}: the dependency graph is out of date; run \`npm run graph\`.`);
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, doc.slice(0, start) + drawing + doc.slice(stop + END.length));
    console.log(`wrote the dependency graph in ${DOC}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
