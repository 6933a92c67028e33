import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are hashed with Argon2id (memory-hard; @node-rs/argon2's defaults: 19 MiB, 2
 * passes, as OWASP recommends). Session and API tokens are 32 random bytes, so a SHA-256 of
 * them is enough to store: nothing can be guessed from it.
 */
export async function hashPassword(password: string): Promise<string> {
  const { hash } = await import('@node-rs/argon2');
  return hash(password);
}

/** Whether `password` matches `stored`; false for a malformed or missing hash. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  const { verify } = await import('@node-rs/argon2');
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A new secret: `prefix` + 43 characters of base64url (32 random bytes). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** A new password to hand to a person: 20 characters of base64url (15 random bytes, 120 bits). */
export function newPassword(): string {
  return randomBytes(15).toString('base64url');
}

/** What is stored of a secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two strings in constant time (for the CSRF token). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
