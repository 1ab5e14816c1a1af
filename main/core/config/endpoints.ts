/**
 * Bitbucket's addresses: Bitbucket Cloud by default; `PAIL_WEB_URL` / `PAIL_API_URL` or the
 * provisioning file point Pail at another (the emulator, in tests and the demo).
 */
import { callbackInForce, type Provisioning } from './provisioning.js'

export interface Endpoints {
  /** https://bitbucket.org: OAuth pages and git over HTTPS. */
  webUrl: string
  /** https://api.bitbucket.org: the REST API (paths start with /2.0). */
  apiUrl: string
}

export const BITBUCKET_CLOUD: Endpoints = { webUrl: 'https://bitbucket.org', apiUrl: 'https://api.bitbucket.org' }

const trim = (url: string): string => url.replace(/\/+$/, '')

/** Environment first, then provisioning, then Bitbucket Cloud. */
export function resolveEndpoints(provisioning: Provisioning, env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    webUrl: trim(env.PAIL_WEB_URL?.trim() || provisioning.webUrl || BITBUCKET_CLOUD.webUrl),
    apiUrl: trim(env.PAIL_API_URL?.trim() || provisioning.apiUrl || BITBUCKET_CLOUD.apiUrl),
  }
}

/**
 * The loopback callback URL the admin registers on the consumer. Bitbucket matches it by prefix
 * and does not allow "any port" (bitbucket-api.md §1.8), so the port is fixed.
 */
export function callbackUrl(provisioning: Provisioning): string {
  const { port, path } = callbackInForce(provisioning)
  return `http://127.0.0.1:${port}${path}`
}
