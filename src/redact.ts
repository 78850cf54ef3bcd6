// The one redaction layer: every string that leaves the process (logs, journal, audit, summary, outputs, errors)
// can pass through `redact`. Known secrets are registered as soon as they exist; patterns catch the rest.

const PATTERNS: [RegExp, string][] = [
  // Authorization headers, wherever they end up in text.
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, '$1 ***'],
  // access_token / client_secret fields in JSON or form bodies.
  [/("?(?:access_token|client_secret|refresh_token|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***'],
  // Presigned URLs: keep scheme, host and path, drop the query string (signatures, credentials, expiry).
  [/(https?:\/\/[^\s"'?#]+)\?[^\s"'#]*/gi, '$1?***']
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret and its common encodings (base64 of itself, URL-encoded). Ignores short strings. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
    for (const f of forms) this.secrets.add(f);
  }

  /** Registers `id:secret` the way a Basic header carries it. */
  addBasic(id: string, secret: string): void {
    this.add(secret);
    this.secrets.add(Buffer.from(`${id}:${secret}`).toString('base64'));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
    for (const [re, by] of PATTERNS) out = out.replace(re, by);
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
