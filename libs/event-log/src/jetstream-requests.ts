import { checkJsError, createInbox, ErrorCode, type Msg, type MsgHdrs, NatsError, type NatsConnection, type Subscription } from 'nats';

/** nats.js's default for JetStream requests, which the store used before. */
export const JETSTREAM_REQUEST_TIMEOUT_MS = 5000;
/** How often waiting requests are checked against their deadline: a timeout is reported up to this late. */
const DEADLINE_CHECK_MS = 250;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A message of the stream as a direct get answers it: what the store reads of it. */
export interface DirectMessage {
  readonly seq: number;
  readonly data: Uint8Array;
}

export type DirectGetQuery = { readonly seq: number; readonly next_by_subj: string } | { readonly last_by_subj: string };

export interface PublishAck {
  readonly seq: number;
  readonly duplicate: boolean;
}

interface ApiErrorBody {
  readonly code: number;
  readonly err_code?: number;
  readonly description?: string;
}

interface PubAckBody {
  readonly stream?: string;
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly error?: ApiErrorBody;
}

interface Waiting {
  readonly resolve: (message: Msg) => void;
  readonly reject: (error: unknown) => void;
  readonly deadline: number;
}

/** The NatsError nats.js's JetStream client throws for an API error in a reply, `api_error` included. */
function apiError(body: ApiErrorBody): NatsError {
  const description = (body.description ?? '').toLowerCase();
  const error =
    body.code === 503
      ? NatsError.errorForCode(ErrorCode.JetStreamNotEnabled, new Error(description))
      : new NatsError(description || ErrorCode.Unknown, String(body.code));
  error.api_error = { code: body.code, err_code: body.err_code ?? 0, description: body.description ?? '' };
  return error;
}

/**
 * JetStream's publish and direct get as the event store makes them, over one inbox subscription
 * of its own. nats.js's request builds a request object, a timer and, once the answer is in, a
 * NatsError it throws away (with a stack) per call; without them the api's CPU per create under
 * the api-create load fell by about a quarter (issue 17). Answers and errors are nats.js's: a JetStream API error is a NatsError
 * with `api_error`, no responders and a closed connection are the NatsErrors it throws, a request
 * unanswered for `timeoutMs` (checked every DEADLINE_CHECK_MS) is its Timeout.
 */
export class JetStreamRequests {
  private readonly waiting = new Map<string, Waiting>();
  private inbox: { readonly prefix: string; readonly subscription: Subscription } | null = null;
  private deadlineCheck: NodeJS.Timeout | null = null;
  private nextToken = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = JETSTREAM_REQUEST_TIMEOUT_MS,
  ) {
    void nc.closed().then(() => this.failAll(NatsError.errorForCode(ErrorCode.ConnectionClosed)));
  }

  /** Publishes to the stream that takes `subject`; the ack's stream sequence, or the API's refusal. */
  async publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<PublishAck> {
    const reply = await this.request(subject, data, headers);
    let ack: PubAckBody;
    try {
      ack = JSON.parse(decoder.decode(reply.data)) as PubAckBody;
    } catch {
      throw NatsError.errorForCode(ErrorCode.BadJson);
    }
    if (ack.error) throw apiError(ack.error);
    if (!ack.stream || typeof ack.seq !== 'number') throw NatsError.errorForCode(ErrorCode.JetStreamInvalidAck);
    return { seq: ack.seq, duplicate: ack.duplicate ?? false };
  }

  /** A direct get on `stream`; a status reply (404 for no message) is nats.js's NatsError for it. */
  async directGet(stream: string, query: DirectGetQuery): Promise<DirectMessage> {
    const last = 'last_by_subj' in query;
    const subject = last ? `$JS.API.DIRECT.GET.${stream}.${query.last_by_subj}` : `$JS.API.DIRECT.GET.${stream}`;
    const reply = await this.request(subject, last ? new Uint8Array(0) : encoder.encode(JSON.stringify(query)));
    const refused = checkJsError(reply);
    if (refused) throw refused;
    const seq = Number(reply.headers?.last('Nats-Sequence'));
    if (!Number.isInteger(seq) || seq <= 0) throw new NatsError('direct get answered without a sequence', ErrorCode.Unknown);
    return { seq, data: reply.data };
  }

  private request(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const token = String(this.nextToken++);
      try {
        const { prefix } = this.openInbox();
        this.waiting.set(token, { resolve, reject, deadline: performance.now() + this.timeoutMs });
        this.nc.publish(subject, data, headers ? { reply: prefix + token, headers } : { reply: prefix + token });
      } catch (error) {
        this.waiting.delete(token);
        reject(error);
      }
    });
  }

  private openInbox(): { readonly prefix: string } {
    if (this.inbox) return this.inbox;
    const prefix = `${createInbox()}.`;
    const subscription = this.nc.subscribe(`${prefix}*`, { callback: (error, message) => this.answer(error, message) });
    this.inbox = { prefix, subscription };
    // A subscription the server closed (a permissions change) is opened again by the next request.
    void subscription.closed.then(() => {
      if (this.inbox?.subscription === subscription) this.inbox = null;
    });
    this.deadlineCheck ??= setInterval(() => this.expire(), DEADLINE_CHECK_MS).unref();
    return this.inbox;
  }

  private answer(error: NatsError | null, message: Msg): void {
    if (error) return this.failAll(error);
    const prefix = this.inbox?.prefix ?? '';
    const token = message.subject.startsWith(prefix) ? message.subject.slice(prefix.length) : '';
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    // As nats.js: a status 503 without a payload is "no responders".
    if (message.data.length === 0 && message.headers?.code === 503) waiting.reject(NatsError.errorForCode(ErrorCode.NoResponders));
    else waiting.resolve(message);
  }

  private expire(): void {
    const now = performance.now();
    for (const [token, waiting] of this.waiting) {
      if (waiting.deadline > now) continue;
      this.waiting.delete(token);
      waiting.reject(NatsError.errorForCode(ErrorCode.Timeout));
    }
  }

  private failAll(error: unknown): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    if (this.nc.isClosed() && this.deadlineCheck) {
      clearInterval(this.deadlineCheck);
      this.deadlineCheck = null;
    }
  }
}
