// The one redaction layer: every string that leaves the process (logs, journal, audit, summary, outputs, errors)
// can pass through `redact`. Known secrets are registered as soon as they exist; patterns catch the rest.
// `redact` is on the hot path (every log line, every journal string and key), so it allocates nothing for text that
// contains no secret: the secret list is sorted once per registration, not per call, and each secret and pattern is
// only applied when a cheap scan finds it (each hint accepts every text its pattern can match).

// Hoisted: a regex literal inside a function body is a new RegExp object on every call.
const AUTH_HINT = /basic|bearer/i;
const FIELD_HINT = /token|secret|password/i;

const PATTERNS: { re: RegExp; by: string; hint: (text: string) => boolean }[] = [
  // Authorization headers, wherever they end up in text.
  { re: /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, by: '$1 ***', hint: (t) => AUTH_HINT.test(t) },
  // access_token / client_secret fields in JSON or form bodies.
  {
    re: /("?(?:access_token|client_secret|refresh_token|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
    by: '$1***',
    hint: (t) => FIELD_HINT.test(t)
  },
  // Presigned URLs: keep scheme, host and path, drop the query string (signatures, credentials, expiry).
  { re: /(https?:\/\/[^\s"'?#]+)\?[^\s"'#]*/gi, by: '$1?***', hint: (t) => t.includes('?') && t.includes('://') }
];

export class Redactor {
  private readonly secrets = new Set<string>();
  /** The secrets longest first (so a secret that contains another is replaced whole); rebuilt after a registration. */
  private ordered: string[] | undefined;
  /** Length of the shortest registered form: shorter text cannot contain a secret. */
  private shortest = Number.POSITIVE_INFINITY;

  /** Registers a secret and its common encodings (base64 of itself, URL-encoded). Ignores short strings. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
    for (const f of forms) this.register(f);
  }

  /** Registers `id:secret` the way a Basic header carries it. */
  addBasic(id: string, secret: string): void {
    this.add(secret);
    this.register(Buffer.from(`${id}:${secret}`).toString('base64'));
  }

  private register(form: string): void {
    if (this.secrets.has(form)) return;
    this.secrets.add(form);
    this.ordered = undefined;
    this.shortest = Math.min(this.shortest, form.length);
  }

  redact(text: string): string {
    let out = text;
    if (out.length >= this.shortest) {
      this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
      for (const s of this.ordered) if (out.includes(s)) out = out.replaceAll(s, '***');
    }
    for (const { re, by, hint } of PATTERNS) if (hint(out)) out = out.replace(re, by);
    return out;
  }

  /** Redacts every string in a JSON-like value (keys included). */
  redactDeep<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[this.redact(k)] = walk(x);
        return out;
      }
      return v;
    };
    return walk(value) as T;
  }
}

/** Process-wide redactor: the client registers tokens here, main registers the inputs' secrets. */
export const redactor = new Redactor();
