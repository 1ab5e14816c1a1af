/**
 * Client authentication at the token and revoke endpoints, bitbucket-api.md §1.3: HTTP Basic
 * `key:secret` (documented) or form fields `client_id` + `client_secret` (what GCM sends).
 *
 * Failure status (the bodies are UNCONFIRMED, §1.6): RFC 6749 §5.2 — 401 with a
 * `WWW-Authenticate` challenge when the client tried the Authorization header, 400 otherwise.
 */
import { timingSafeEqual } from 'node:crypto'
import { digest, type Consumer, type World } from '../model.js'
import type { EmulatorSettings } from '../settings.js'
import { TokenError } from './token-errors.js'

const BAD_CLIENT = 'Invalid client_id or client_secret.'

function basicFailure(): TokenError {
  // The realm text is the emulator's own; RFC 6749 §5.2 only requires the challenge.
  return new TokenError(401, 'invalid_client', BAD_CLIENT, { 'www-authenticate': 'Basic realm="Bitbucket.org"' })
}

function secretMatches(consumer: Consumer, secret: string): boolean {
  return timingSafeEqual(Buffer.from(digest(secret), 'hex'), Buffer.from(consumer.secretHash, 'hex'))
}

function basicPair(header: string): [string, string] | null {
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon <= 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

/**
 * The authenticated consumer. `secretOptional` marks grants where `requireClientSecret: false`
 * (UNCONFIRMED §1.3, public clients) lets `client_id` alone through.
 */
export function authenticateClient(
  world: World,
  settings: EmulatorSettings,
  authorization: string | undefined,
  form: Map<string, string>,
  secretOptional: boolean,
): Consumer {
  const formId = form.get('client_id')
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    const pair = basicPair(authorization)
    if (!pair) throw basicFailure()
    const consumer = world.consumer(pair[0])
    if (!consumer || !secretMatches(consumer, pair[1])) throw basicFailure()
    // RFC 6749 §2.3: one method only; a form client_id naming another client is a contradiction.
    if (formId !== undefined && formId !== consumer.key) throw basicFailure()
    return consumer
  }
  if (formId === undefined)
    throw new TokenError(400, 'invalid_client', 'Client authentication is required: send the consumer key and secret.')
  const consumer = world.consumer(formId)
  if (!consumer) throw new TokenError(400, 'invalid_client', BAD_CLIENT)
  const secret = form.get('client_secret')
  if (secret === undefined) {
    if (secretOptional && !settings.requireClientSecret) return consumer
    throw new TokenError(400, 'invalid_client', 'A client_secret is required.')
  }
  if (!secretMatches(consumer, secret)) throw new TokenError(400, 'invalid_client', BAD_CLIENT)
  return consumer
}
