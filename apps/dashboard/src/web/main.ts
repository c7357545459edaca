import type {
  CommitMessage,
  ErrorReply,
  SessionReply,
  SignInReply,
  SignInRequest,
  SnapshotMessage,
  StatsMessage,
  TimelineReply,
  Viewer,
} from './dashboard-protocol.js';
import { DashboardStore, type ViewFilter } from './dashboard-store.js';
import { renderDashboard } from './dashboard-view.js';
import { h } from './dom-builder.js';
import { TimelinePanel } from './timeline-panel.js';

/** The tab keeps the token for its life only; closing it signs out. */
const TOKEN_KEY = 'lbaas-dashboard-token';

function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page lacks #${id}`);
  return found;
}

/** The data of a server-sent event; the server (this app) is the only sender, so its shape is the protocol's. */
function eventData<T>(event: Event): T {
  if (!(event instanceof MessageEvent) || typeof event.data !== 'string') throw new Error('a server-sent event without data');
  return JSON.parse(event.data) as T;
}

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as ErrorReply | null;
  return body?.error ?? `${response.status} ${response.statusText}`;
}

/** A `?token=` in the address signs in once; it is taken out so it stays in no history or bookmark. */
function takeTokenFromAddress(): string | null {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token === null) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  return token;
}

class DashboardPage {
  private readonly store = new DashboardStore();
  private filter: ViewFilter = { tenant: null, search: '' };
  private token = '';
  private stream: EventSource | null = null;
  private renderQueued = false;
  private tenantOptions = '';
  private readonly content = byId('content', HTMLElement);
  private readonly connection = byId('connection', HTMLElement);
  private readonly banner = byId('error-banner', HTMLElement);
  private readonly controls = byId('controls', HTMLFormElement);
  private readonly tenantPicker = byId('tenant-filter', HTMLSelectElement);
  private readonly search = byId('search', HTMLInputElement);
  private readonly viewerLabel = byId('viewer', HTMLElement);
  private readonly login = byId('login', HTMLElement);
  private readonly loginError = byId('login-error', HTMLElement);
  private readonly tokenInput = byId('token-input', HTMLInputElement);
  private readonly passwordForm = byId('password-login', HTMLFormElement);
  private readonly usernameInput = byId('username-input', HTMLInputElement);
  private readonly passwordInput = byId('password-input', HTMLInputElement);
  private readonly timeline = new TimelinePanel(
    byId('timeline', HTMLElement),
    (id) => this.loadTimeline(id),
    (id) => this.store.relatedIds(id),
  );

  start(): void {
    this.controls.addEventListener('submit', (event) => event.preventDefault());
    this.search.addEventListener('input', () => {
      this.filter = { ...this.filter, search: this.search.value };
      this.scheduleRender();
    });
    this.tenantPicker.addEventListener('change', () => {
      this.filter = { ...this.filter, tenant: this.tenantPicker.value === '' ? null : this.tenantPicker.value };
      this.scheduleRender();
    });
    byId('sign-out', HTMLButtonElement).addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      this.stream?.close();
      location.reload();
    });
    byId('token-login', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signIn(this.tokenInput.value.trim());
    });
    this.passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signInWithPassword();
    });
    this.content.addEventListener('click', (event) => this.openTimelineAt(event.target));
    this.content.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.openTimelineAt(event.target);
    });
    const token = takeTokenFromAddress() ?? sessionStorage.getItem(TOKEN_KEY);
    if (token) void this.signIn(token);
    else this.showLogin(null);
  }

  /** The dashboard asks Keystone for a token with the user's password; the page then uses it as a pasted one. */
  private async signInWithPassword(): Promise<void> {
    const form: SignInRequest = {
      username: this.usernameInput.value.trim(),
      password: this.passwordInput.value,
      project: byId('project-input', HTMLInputElement).value.trim(),
      domain: byId('domain-input', HTMLInputElement).value.trim(),
    };
    if (form.username === '' || form.password === '') return this.showLogin('Enter a user name and a password.');
    this.setConnection('signing in');
    let response: Response;
    try {
      response = await fetch('/api/sign-in', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(form),
      });
    } catch {
      return this.showLogin('The dashboard does not answer; try again.');
    }
    this.passwordInput.value = '';
    if (!response.ok) return this.showLogin(await errorOf(response));
    const { token } = (await response.json()) as SignInReply;
    return this.signIn(token);
  }

  private async signIn(token: string): Promise<void> {
    if (token === '') return this.showLogin('Enter a token.');
    this.setConnection('connecting');
    let response: Response;
    try {
      response = await fetch('/api/session', { headers: { 'X-Auth-Token': token } });
    } catch {
      return this.showError('The dashboard does not answer; retrying…', () => void this.signIn(token));
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      return this.showLogin('That token is not accepted: use a token of the api (X-Auth-Token).');
    }
    if (!response.ok) return this.showError(`Signing in failed: ${await errorOf(response)}; retrying…`, () => void this.signIn(token));
    const { viewer } = (await response.json()) as SessionReply;
    this.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    this.showViewer(viewer);
    this.openStream();
  }

  private openStream(): void {
    this.stream?.close();
    this.content.replaceChildren(
      h('p', { className: 'loading', attrs: { id: 'loading-state', role: 'status' } }, 'Loading the load balancers…'),
    );
    const stream = new EventSource(`/api/stream?token=${encodeURIComponent(this.token)}`);
    this.stream = stream;
    stream.addEventListener('snapshot', (event) => {
      this.store.applySnapshot(eventData<SnapshotMessage>(event));
      this.setConnection('live');
      this.banner.hidden = true;
      this.scheduleRender();
    });
    stream.addEventListener('commit', (event) => {
      const message = eventData<CommitMessage>(event);
      this.store.applyCommit(message);
      this.timeline.onCommit(message);
      this.scheduleRender();
    });
    stream.addEventListener('stats', (event) => {
      this.store.applyStats(eventData<StatsMessage>(event));
      this.scheduleRender();
    });
    stream.addEventListener('error', () => {
      // EventSource retries by itself after a dropped connection; it gives up only on an answer
      // that is not a stream, such as a 401 for a token removed from the file.
      if (stream.readyState === EventSource.CLOSED) void this.signIn(this.token);
      else this.showError('Connection to the dashboard lost; reconnecting…', null);
    });
  }

  private async loadTimeline(id: string): Promise<TimelineReply> {
    const response = await fetch(`/api/timeline?id=${encodeURIComponent(id)}`, { headers: { 'X-Auth-Token': this.token } });
    if (!response.ok) throw new Error(await errorOf(response));
    return (await response.json()) as TimelineReply;
  }

  private openTimelineAt(target: EventTarget | null): void {
    if (!(target instanceof Element)) return;
    const id = target.closest<HTMLElement>('[data-object-id]')?.dataset.objectId;
    if (id) void this.timeline.open(id, this.store.describe(id));
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    if (this.store.viewer?.admin) this.updateTenantPicker();
    this.content.replaceChildren(...renderDashboard(this.store, this.filter));
  }

  private updateTenantPicker(): void {
    const tenants = this.store.tenants();
    if (this.filter.tenant !== null && !tenants.includes(this.filter.tenant)) tenants.push(this.filter.tenant);
    const key = tenants.join(' ');
    if (key === this.tenantOptions) return;
    this.tenantOptions = key;
    this.tenantPicker.replaceChildren(
      h('option', { attrs: { value: '' } }, 'All tenants'),
      ...tenants.map((tenant) => h('option', { attrs: { value: tenant } }, tenant)),
    );
    this.tenantPicker.value = this.filter.tenant ?? '';
  }

  private showViewer(viewer: Viewer): void {
    this.login.hidden = true;
    this.controls.hidden = false;
    this.tenantPicker.hidden = !viewer.admin;
    this.viewerLabel.textContent = viewer.admin
      ? `${viewer.name} (administrator: every tenant)`
      : `${viewer.name} (tenant ${viewer.tenantId})`;
  }

  private showLogin(message: string | null): void {
    this.stream?.close();
    this.stream = null;
    this.setConnection('signed out');
    this.controls.hidden = true;
    this.login.hidden = false;
    this.loginError.textContent = message ?? '';
    this.content.replaceChildren();
    this.usernameInput.focus();
  }

  /** A problem the page recovers from by itself: said in the banner, with what it retries. */
  private showError(message: string, retry: (() => void) | null): void {
    this.setConnection('reconnecting');
    this.banner.textContent = message;
    this.banner.hidden = false;
    if (retry) setTimeout(retry, 2000);
  }

  private setConnection(state: string): void {
    this.connection.textContent = state;
    this.connection.dataset.state = state;
  }
}

new DashboardPage().start();
