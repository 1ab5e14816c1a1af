/**
 * Starting an emulator inside a test: a fresh data directory, both listeners on free loopback
 * ports, stopped and removed when the test ends.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { startEmulator, type EmulatorInfo, type EmulatorServer, type StartOptions } from './server.js'
import type { EmulatorSettings } from './settings.js'

export interface RunningEmulator {
  server: EmulatorServer
  info: EmulatorInfo
  /** Calls the control endpoint with a JSON body and returns the parsed answer; throws on non-2xx. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>
  /** An OAuth access token for the seeded user (or `email`), minted by the control endpoint. */
  oauthToken(scopes?: string[], options?: { email?: string; expiresInSeconds?: number }): Promise<string>
  /** An OAuth access token from the client-credentials grant of the private consumer (or a new one with `scopes`). */
  clientCredentialsToken(scopes?: string[]): Promise<string>
}

export async function useEmulator(
  t: TestContext,
  settings: Partial<EmulatorSettings> = {},
  options: Partial<StartOptions> = {},
): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'emu-test-')))
  const { server, info } = await startEmulator({ ...options, dataDir, settings })
  t.after(async () => {
    await server.stop()
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true })
  })
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${info.controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${text}`)
    return JSON.parse(text) as T
  }
  const clientCredentialsToken = async (scopes?: string[]): Promise<string> => {
    let key = info.privateConsumer.key
    let secret = info.privateConsumer.secret
    if (scopes)
      ({ key, secret } = await control<{ key: string; secret: string }>('POST', '/consumers', {
        isPrivate: true,
        scopes,
      }))
    const res = await fetch(`${info.webUrl}/site/oauth2/access_token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    if (res.status !== 200) throw new Error(`client_credentials failed: ${res.status}`)
    return ((await res.json()) as { access_token: string }).access_token
  }
  const oauthToken = async (
    scopes?: string[],
    options: { email?: string; expiresInSeconds?: number } = {},
  ): Promise<string> =>
    (await control<{ token: string }>('POST', '/oauth-tokens', { ...(scopes ? { scopes } : {}), ...options })).token
  return { server, info, control, oauthToken, clientCredentialsToken }
}
