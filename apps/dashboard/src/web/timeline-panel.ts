import type { CommitMessage, EventRecord, TimelineReply } from './dashboard-protocol.js';
import { h } from './dom-builder.js';

const time = (iso: string): string => iso.replace('T', ' ').replace('Z', ' UTC');

/**
 * The events that shaped one object: loaded once when the object is clicked, then extended by
 * the commits the stream pushes, so a failover shows up here as it happens.
 */
export class TimelinePanel {
  private openId: string | null = null;
  private title = '';
  private events = new Map<string, EventRecord>();
  private total = 0;
  private state: 'loading' | 'loaded' | 'failed' = 'loading';
  private failure = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly load: (id: string) => Promise<TimelineReply>,
    /** The ids whose events belong in `id`'s timeline now (a VIP gains its service instance). */
    private readonly relatedIds: (id: string) => readonly string[],
  ) {}

  async open(id: string, title: string): Promise<void> {
    this.openId = id;
    this.title = title;
    this.events = new Map();
    this.total = 0;
    this.state = 'loading';
    this.render();
    try {
      const reply = await this.load(id);
      if (this.openId !== id) return;
      // Commits that arrived while loading are already in the map; the reply fills in the past.
      const live = this.events;
      this.events = new Map(reply.events.map((event) => [event.id, event]));
      this.total = reply.total;
      for (const [eventId, event] of live) {
        if (this.events.has(eventId)) continue;
        this.events.set(eventId, event);
        this.total++;
      }
      this.state = 'loaded';
    } catch (error) {
      if (this.openId !== id) return;
      this.state = 'failed';
      this.failure = error instanceof Error ? error.message : String(error);
    }
    this.render();
  }

  close(): void {
    this.openId = null;
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  onCommit(message: CommitMessage): void {
    if (this.openId === null) return;
    const ids = new Set(this.relatedIds(this.openId));
    let added = false;
    for (const event of message.events) {
      if (this.events.has(event.id) || !event.refs.some((ref) => ids.has(ref))) continue;
      this.events.set(event.id, event);
      this.total++;
      added = true;
    }
    if (added) this.render();
  }

  private render(): void {
    this.root.hidden = false;
    const closeButton = h('button', { className: 'close', attrs: { type: 'button', 'aria-label': 'Close the timeline' } }, '×');
    closeButton.addEventListener('click', () => this.close());
    const heading = h('header', {}, h('h2', {}, 'Timeline of ', this.title), closeButton, h('p', { className: 'id' }, this.openId ?? ''));
    if (this.state === 'loading') return this.root.replaceChildren(heading, h('p', { className: 'loading' }, 'Loading the events…'));
    if (this.state === 'failed')
      return this.root.replaceChildren(heading, h('p', { className: 'error' }, `Could not load the timeline: ${this.failure}`));
    // Stable sort: events of one commit keep their order.
    const events = [...this.events.values()].sort((a, b) => a.seq - b.seq);
    const shown =
      events.length < this.total ? h('p', { className: 'muted' }, `The newest ${events.length} of ${this.total} events.`) : null;
    if (events.length === 0)
      return this.root.replaceChildren(heading, h('p', { className: 'none' }, 'No events you may see shaped this object.'));
    const rows = events.map((event) =>
      h(
        'tr',
        { className: 'event', data: { type: event.type, correlationId: event.correlationId } },
        h('td', { className: 'time' }, time(event.occurredAt)),
        h('td', { className: 'type' }, event.type),
        h('td', {}, event.aggregate),
        h('td', { className: 'actor' }, event.actor),
        h('td', { className: 'correlation-id' }, event.correlationId),
      ),
    );
    this.root.replaceChildren(
      heading,
      shown ?? '',
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['Time', 'Event', 'Stream', 'Actor', 'Correlation id'].map((label) => h('th', {}, label)))),
        h('tbody', {}, ...rows),
      ),
    );
  }
}
