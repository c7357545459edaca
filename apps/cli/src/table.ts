/**
 * Cells and tables as the neutron CLI (cliff over prettytable) prints them: booleans as
 * True/False, null as blank, one list item per line, dictionaries as JSON.
 */

/** JSON with Python's separators, as the neutron CLI shows a dictionary. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return pythonJson(value);
}

export function cellText(value: unknown): string {
  return Array.isArray(value) ? value.map(scalarText).join('\n') : scalarText(value);
}

/** A boxed table; a cell with several lines spans several text lines of its row. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const split = rows.map((row) => row.map((cell) => cell.split('\n')));
  const widths = headers.map((h, c) => Math.max(h.length, ...split.map((row) => Math.max(...row[c].map((line) => line.length)))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const body = split.flatMap((row) => {
    const height = Math.max(...row.map((lines) => lines.length));
    return Array.from({ length: height }, (_, i) => line(row.map((lines) => lines[i] ?? '')));
  });
  return [rule, line(headers), rule, ...body, rule].join('\n');
}
