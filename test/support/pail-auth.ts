/**
 * Pail's AuthService pointed at a running emulator, with its own temporary Pail home.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { AuthService } from '../../main/core/auth/auth-service.js'
import { FileLogger } from '../../main/core/log/logger.js'
import { systemClock, type Opener } from '../../main/core/ports.js'
import { FileSecretStore } from '../../main/core/secrets/file-secret-store.js'
import type { RunningEmulator } from '../emulator/harness.js'

export interface PailAuth {
  auth: AuthService
  home: string
  secrets: FileSecretStore
  /** A second AuthService on the same home: another Pail process. */
  reopen(): AuthService
}

export async function pailAuth(
  t: TestContext,
  emu: RunningEmulator,
  opener: Opener,
  callbackPort: number,
  home?: string,
): Promise<PailAuth> {
  const dir = home ?? (await mkdtemp(join(tmpdir(), 'pail-home-')))
  if (!home) t.after(() => rm(dir, { recursive: true, force: true }))
  const make = (): { auth: AuthService; secrets: FileSecretStore } => {
    const secrets = new FileSecretStore(join(dir, 'secrets.json'))
    const auth = new AuthService({
      home: dir,
      secrets,
      clock: systemClock,
      opener,
      provisioning: { consumer: emu.info.publicConsumer, callback: { port: callbackPort, path: '/pail/callback' } },
      endpoints: { webUrl: emu.info.webUrl, apiUrl: emu.info.apiUrl },
      logger: new FileLogger(join(dir, 'logs', 'pail.log')),
    })
    return { auth, secrets }
  }
  const first = make()
  return { ...first, home: dir, reopen: () => make().auth }
}
