/**
 * PKCE (RFC 7636). bitbucket-api.md §1.7: clients send S256 challenges without error, but whether
 * Bitbucket verifies them is UNCONFIRMED, so `pkce` decides ('verify' checks, 'accept' ignores)
 * and `pkcePlainMethod` whether the `plain` method is taken.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { EmulatorSettings } from '../settings.js'

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const verifierShape = /^[A-Za-z0-9\-._~]{43,128}$/

/**
 * The method a challenge will be checked with, or an error text when the authorize request
 * names one the emulator refuses. A challenge without a method is `plain` (RFC 7636 §4.3).
 */
export function challengeMethod(
  challenge: string | null,
  method: string | null,
  settings: EmulatorSettings,
): { method: string | null } | { error: string } {
  if (challenge === null) return { method: null }
  // 'accept' models a Bitbucket that ignores PKCE entirely, so nothing about it can fail.
  if (settings.pkce === 'accept') return { method: method ?? 'plain' }
  const effective = method ?? 'plain'
  if (effective === 'S256' || (effective === 'plain' && settings.pkcePlainMethod)) return { method: effective }
  return { error: 'Transform algorithm not supported' }
}

function sameText(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

/** Whether `verifier` answers the stored challenge; true when there is nothing to check. */
export function verifierMatches(
  challenge: string | null,
  method: string | null,
  verifier: string | null,
  settings: EmulatorSettings,
): boolean {
  if (challenge === null || settings.pkce === 'accept') return true
  // RFC 7636 §4.6: a code issued against a challenge needs its verifier.
  if (verifier === null || !verifierShape.test(verifier)) return false
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  return sameText(computed, challenge)
}
