import { CommandError } from './cli-errors';
import type { Row } from './output';
import type { ResourceKind } from './resources';

/** The API's NeutronError, its message as the neutron CLI prints it. */
export class ApiError extends CommandError {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;
const REQUEST_TIMEOUT_MS = 30_000;

function isRow(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function neutronError(status: number, text: string): ApiError {
  try {
    const body: unknown = JSON.parse(text);
    const error = isRow(body) ? body.NeutronError : undefined;
    if (isRow(error) && typeof error.message === 'string') return new ApiError(status, String(error.type ?? ''), error.message);
  } catch {
    // Not JSON: fall through to the status line.
  }
  return new ApiError(status, '', `The API answered ${status}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`);
}

/** The Neutron v2.0 REST API as the CLI uses it: JSON in envelopes, the token in X-Auth-Token. */
export class NeutronClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async list(kind: ResourceKind, query: readonly (readonly [string, string])[] = []): Promise<Row[]> {
    const search = new URLSearchParams(query.map(([k, v]): [string, string] => [k, v])).toString();
    const body = await this.request('GET', `${kind.path}${search ? `?${search}` : ''}`);
    const items = isRow(body) ? body[kind.collection] : undefined;
    if (!Array.isArray(items) || !items.every(isRow)) throw new CommandError(`The API answered a list without '${kind.collection}'.`);
    return items;
  }

  async show(kind: ResourceKind, id: string): Promise<Row> {
    return this.unwrap(kind.key, await this.request('GET', `${kind.path}/${encodeURIComponent(id)}`));
  }

  async create(kind: ResourceKind, fields: Row): Promise<Row> {
    return this.unwrap(kind.key, await this.request('POST', kind.path, { [kind.key]: fields }));
  }

  async update(kind: ResourceKind, id: string, fields: Row): Promise<Row> {
    return this.unwrap(kind.key, await this.request('PUT', `${kind.path}/${encodeURIComponent(id)}`, { [kind.key]: fields }));
  }

  async remove(kind: ResourceKind, id: string): Promise<void> {
    await this.request('DELETE', `${kind.path}/${encodeURIComponent(id)}`);
  }

  /** A sub-resource call (`/lb/pools/{id}/stats`, `/lb/certificates/{id}/reseal`): the answer's `key` object. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, key: string | null, body?: Row): Promise<Row> {
    const answer = await this.request(method, path, body);
    return key === null ? {} : this.unwrap(key, answer);
  }

  private unwrap(key: string, body: unknown): Row {
    const item = isRow(body) ? body[key] : undefined;
    if (!isRow(item)) throw new CommandError(`The API answered without a '${key}' object.`);
    return item;
  }

  private async request(method: string, path: string, body?: Row): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: { 'X-Auth-Token': this.token, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : error instanceof Error
            ? error.message
            : String(error);
      throw new CommandError(`Unable to establish connection to ${url}: ${cause}`);
    }
    const text = await response.text();
    if (!response.ok) throw neutronError(response.status, text);
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CommandError(`The API answered ${response.status} with a body that is not JSON.`);
    }
  }
}
