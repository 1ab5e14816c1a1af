/**
 * Another Pail process that wants to run the sync of PAIL_HOME once (as `pail sync --once`
 * would): prints one JSON line, the LockHeldError it got or how many pairs it synced.
 */
import { join } from 'node:path'
import { AuthService } from '../../../main/core/auth/auth-service.js'
import { HistoryStore } from '../../../main/core/history/history-store.js'
import { systemClock } from '../../../main/core/ports.js'
import { FileSecretStore } from '../../../main/core/secrets/file-secret-store.js'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { LockHeldError, SyncService } from '../../../main/core/sync/service/sync-service.js'

const home = process.env.PAIL_HOME!
const auth = new AuthService({
  home,
  secrets: new FileSecretStore(join(home, 'secrets.json')),
  clock: systemClock,
  opener: { open: async () => false },
  provisioning: {},
  endpoints: { webUrl: process.env.PAIL_WEB_URL!, apiUrl: process.env.PAIL_API_URL! },
})
const service = new SyncService({
  home,
  pairs: new PairStore(new JsonSettingsStore(home), home),
  history: new HistoryStore(home),
  session: (await auth.session())!,
  runner: 'pail sync --once',
})
try {
  const results = await service.syncAllOnce()
  process.stdout.write(`${JSON.stringify({ synced: results.length, errors: results.map((r) => r.error) })}\n`)
} catch (error) {
  if (!(error instanceof LockHeldError)) throw error
  process.stdout.write(`${JSON.stringify({ refused: error.message, owner: error.owner })}\n`)
}
