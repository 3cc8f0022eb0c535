import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

const KEY_LENGTH = 32;

/** scrypt with a per-password salt; the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** cost;
  const r = 8;
  const p = 1;
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
  return timingSafeEqual(key, expected);
}

/** A random secret for a browser to hold (session, web community member). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What the server stores of a token: its hash, so a leaked database does not leak sessions. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const SESSION_COOKIE = 'shequn_sid';
export const SESSION_TTL_MS = 30 * 24 * 3600_000;

/**
 * Login throttling: failures only, per (address, email) and per email. Five failures within the
 * window lock further attempts for the rest of it; a success clears the address's count.
 */
const MAX_TRACKED = 10_000;

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #max: number;
  readonly #windowMs: number;
  constructor(max = 5, windowMs = 15 * 60_000) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Milliseconds until another attempt is allowed; 0 when allowed now. */
  retryAfter(ip: string, email: string, now: number): number {
    let wait = 0;
    for (const [key, max] of [[`${ip}|${email}`, this.#max], [`*|${email}`, this.#max * 4]] as const) {
      const recent = this.#recent(key, now);
      if (recent.length >= max) wait = Math.max(wait, (recent[recent.length - max] ?? now) + this.#windowMs - now);
    }
    return wait;
  }

  fail(ip: string, email: string, now: number): void {
    if (this.#failures.size > MAX_TRACKED) this.#prune(now);
    for (const key of [`${ip}|${email}`, `*|${email}`]) this.#failures.set(key, [...this.#recent(key, now), now]);
  }

  succeed(ip: string, email: string): void {
    this.#failures.delete(`${ip}|${email}`);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures) if (!times.some((t) => t > now - this.#windowMs)) this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
  }
}
