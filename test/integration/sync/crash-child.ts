/**
 * A Pail process that syncs one pair and kills itself with SIGKILL right after Bitbucket's 201,
 * before the index is written. Run by crash-recovery.test.ts with PAIL_HOME, PAIL_WEB_URL,
 * PAIL_API_URL and PAIL_PAIR set. With PAIL_CRASH_AT=never it just syncs, for a test that kills
 * it from outside at a moment of its choosing (cut-download.test.ts: mid-download).
 */
import { join } from 'node:path'
import { AuthService } from '../../../main/core/auth/auth-service.js'
import { HistoryStore } from '../../../main/core/history/history-store.js'
import { systemClock } from '../../../main/core/ports.js'
import { FileSecretStore } from '../../../main/core/secrets/file-secret-store.js'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { PairSyncer } from '../../../main/core/sync/pass/pair-syncer.js'

const home = process.env.PAIL_HOME!
const auth = new AuthService({
  home,
  secrets: new FileSecretStore(join(home, 'secrets.json')),
  clock: systemClock,
  opener: { open: async () => false },
  provisioning: {},
  endpoints: { webUrl: process.env.PAIL_WEB_URL!, apiUrl: process.env.PAIL_API_URL! },
})
const session = (await auth.session())!
const pair = await new PairStore(new JsonSettingsStore(home), home).get(process.env.PAIL_PAIR!)
await new PairSyncer(pair, {
  session,
  history: new HistoryStore(home),
  stateDir: join(home, 'pairs', pair.id),
  device: 'crash-pc',
  ...(process.env.PAIL_READ_OVER_GIT === 'no' ? { readBranchOverGit: false } : {}),
  ...(process.env.PAIL_CRASH_AT === 'never'
    ? {}
    : {
        afterCommitLanded: async () => {
          process.kill(process.pid, 'SIGKILL')
          await new Promise(() => undefined)
        },
      }),
}).syncOnce()
