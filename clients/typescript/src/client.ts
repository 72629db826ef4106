import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { problemFrom } from './errors.js';
import type { components, paths } from './generated/openapi.js';
import { OPERATIONS } from './generated/operations.js';

export type Schemas = components['schemas'];
export type TokenResponse = Schemas['TokenResponse'];
export type MfaChallengeResponse = Schemas['MfaChallengeResponse'];

/** What a front-end stores to resume a session (keep it out of reach of other sites' scripts). */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  accessTokenExpiresAt: number;
  /** ISO date-time after which refreshing stops working: sign in again. */
  sessionExpiresAt: string;
}

export interface CtcmClientOptions {
  /** The API's origin (and prefix, if any), e.g. `https://ctcm.example.la`. */
  baseUrl: string;
  /** The fetch to send with (default: globalThis.fetch). */
  fetch?: (request: Request) => Promise<Response>;
  /** A session stored earlier, to resume without signing in. */
  session?: Session;
  /** Called whenever the session changes (sign-in, refresh, sign-out, expiry): persist it there. */
  onSession?: (session: Session | undefined) => void;
  /** Makes the Idempotency-Key of each create (default: crypto.randomUUID()). */
  newIdempotencyKey?: () => string;
  /** Extra attempts for requests safe to repeat (GET, or POST with an Idempotency-Key) on 429, 503 or a network error. */
  retries?: number;
  /** Upper bound of one wait between attempts, whatever Retry-After says. */
  maxRetryDelayMs?: number;
}

/** Refresh this long before the access token expires, so a request never leaves with a dying token. */
const REFRESH_MARGIN_MS = 30_000;
const SESSION_ROUTES = /\/auth\/(login|refresh)$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ctcm-api client for partner front-ends: the typed calls of openapi-fetch (`client.api.GET(…)`,
 * generated from openapi.json) plus what every front-end would otherwise write by hand:
 *
 * - sign-in, and token refresh before expiry and once on a 401, with a single refresh in flight;
 * - `If-Match` from the last ETag read of the record an update names (the last id in its path);
 * - an `Idempotency-Key` on every create, kept across the client's own retries;
 * - retries of requests that are safe to repeat, after Retry-After, on 429, 503 and network errors;
 * - problem+json answers as typed exceptions (`unwrap`), and cursor pagination (`paginate`).
 */
export class CtcmClient {
  /** Typed calls: `await client.unwrap(client.api.GET('/cases/{id}', { params: { path: { id } } }))`. */
  readonly api: Client<paths>;
  private session: Session | undefined;
  private refreshing: Promise<void> | undefined;
  /** The last ETag read of each record, by record id. */
  private readonly etags = new Map<string, string>();
  private readonly send: (request: Request) => Promise<Response>;

  constructor(private readonly options: CtcmClientOptions) {
    this.session = options.session;
    this.send = options.fetch ?? ((request) => globalThis.fetch(request));
    this.api = createClient<paths>({ baseUrl: options.baseUrl, fetch: (request) => this.dispatch(request) });
    this.api.use(this.headersFromContract());
  }

  /** The answer's data, or its problem+json as a typed exception (ApiProblemError and subclasses). */
  async unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await call;
    if (!response.ok) throw problemFrom(response, error);
    return data as T;
  }

  get currentSession(): Session | undefined {
    return this.session;
  }

  /**
   * POST /auth/login. When `mustChangePassword` is true, call `changePassword` before anything else.
   * An account with a second factor answers `mfaRequired: true` and a challenge instead of tokens:
   * finish with `verifySecondFactor`.
   */
  async signIn(email: string, password: string): Promise<TokenResponse | MfaChallengeResponse> {
    const answer = await this.unwrap(this.api.POST('/auth/login', { body: { email, password } }));
    if ('accessToken' in answer) this.adopt(answer);
    return answer;
  }

  /** POST /auth/mfa/verify: the sign-in challenge and the code from the authenticator app (or a recovery code). */
  async verifySecondFactor(challengeToken: string, code: string): Promise<TokenResponse> {
    const tokens = await this.unwrap(this.api.POST('/auth/mfa/verify', { body: { challengeToken, code } }));
    this.adopt(tokens);
    return tokens;
  }

  /** POST /auth/password: every earlier session ends; the answer's tokens start the new one. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    this.adopt(await this.unwrap(this.api.POST('/auth/password', { body: { currentPassword, newPassword } })));
  }

  /** POST /auth/refresh, once at a time however many requests need it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.rotate().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** POST /auth/logout: this session's tokens stop working. */
  async signOut(): Promise<void> {
    try {
      await this.unwrap(this.api.POST('/auth/logout'));
    } finally {
      this.adopt(undefined);
    }
  }

  /** The ETag last read for a record (what If-Match will carry), if any. */
  etagOf(id: string): string | undefined {
    return this.etags.get(id.toLowerCase());
  }

  private async rotate(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    if (!refreshToken) return;
    const { data, response } = await this.api.POST('/auth/refresh', { body: { refreshToken } });
    // A used, revoked or expired refresh token ends the session: the caller signs in again.
    this.adopt(response.ok ? data : undefined);
  }

  private adopt(tokens: Omit<TokenResponse, 'tokenType' | 'mustChangePassword'> | undefined): void {
    this.session = tokens && {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: Date.now() + tokens.expiresIn * 1000,
      sessionExpiresAt: tokens.sessionExpiresAt,
    };
    this.options.onSession?.(this.session);
  }

  /**
   * Sends one request: with the current access token (refreshed first when about to expire, and
   * once more after a 401), and again after Retry-After when repeating it is safe. Each attempt is
   * a copy of the same request, so a create keeps its Idempotency-Key.
   */
  private async dispatch(request: Request): Promise<Response> {
    const sessionRoute = SESSION_ROUTES.test(new URL(request.url).pathname);
    const repeatable = request.method === 'GET' || request.headers.has('idempotency-key');
    const retries = this.options.retries ?? 2;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      if (!sessionRoute && this.session && this.session.accessTokenExpiresAt - Date.now() < REFRESH_MARGIN_MS)
        await this.refresh();
      const headers = new Headers(request.headers);
      if (!sessionRoute && this.session) headers.set('authorization', `Bearer ${this.session.accessToken}`);
      let response: Response;
      try {
        response = await this.send(new Request(request.clone(), { headers }));
      } catch (networkError) {
        if (!repeatable || attempt >= retries) throw networkError;
        await sleep(Math.min(500 * 2 ** attempt, this.options.maxRetryDelayMs ?? 10_000));
        continue;
      }
      if (response.status === 401 && !sessionRoute && this.session && !refreshed) {
        refreshed = true;
        await this.refresh();
        if (this.session) continue;
      }
      if ((response.status === 429 || response.status === 503) && repeatable && attempt < retries) {
        const seconds = Number(response.headers.get('retry-after')) || 1;
        await sleep(Math.min(seconds * 1000, this.options.maxRetryDelayMs ?? 10_000));
        continue;
      }
      return response;
    }
  }

  /** Adds the headers the contract asks of each operation, and remembers the ETags read. */
  private headersFromContract(): Middleware {
    return {
      onRequest: ({ request, schemaPath, params }) => {
        const traits = OPERATIONS[`${request.method} ${schemaPath}`];
        if (traits?.idempotencyKey && !request.headers.has('idempotency-key'))
          request.headers.set('idempotency-key', this.options.newIdempotencyKey?.() ?? crypto.randomUUID());
        if (traits?.ifMatch && !request.headers.has('if-match')) {
          // The record an update changes is the last one its path names (/cases/{id}/support-plans/{recordId}).
          const names = [...schemaPath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
          const id = (params.path as Record<string, unknown> | undefined)?.[names.at(-1) ?? ''];
          const etag = typeof id === 'string' ? this.etagOf(id) : undefined;
          // Unread: the server answers 428 (PreconditionRequiredProblem): read the record first.
          if (etag) request.headers.set('if-match', etag);
        }
        return request;
      },
      onResponse: async ({ response }) => {
        if (!response.ok || !/json/.test(response.headers.get('content-type') ?? '')) return response;
        const body: unknown = await response
          .clone()
          .json()
          .catch(() => undefined);
        this.rememberEtags(body, response.headers.get('etag'));
        return response;
      },
    };
  }

  private rememberEtags(body: unknown, etag: string | null): void {
    const record = (value: unknown) =>
      value !== null && typeof value === 'object' ? (value as { id?: unknown; version?: unknown }) : {};
    const one = record(body);
    if (etag && typeof one.id === 'string') this.etags.set(one.id.toLowerCase(), etag);
    // Lists carry each record's version: the ETag of a record is its version, quoted (RFC 9110 strong tag).
    const items = Array.isArray(body)
      ? body
      : Array.isArray((body as { items?: unknown })?.items)
        ? (body as { items: unknown[] }).items
        : [];
    for (const item of items.map(record))
      if (typeof item.id === 'string' && typeof item.version === 'number')
        this.etags.set(item.id.toLowerCase(), `"${item.version}"`);
  }
}
