/**
 * Child process of the large-file benchmark: a second Pail process on the bench's Pail home
 * (its session comes from the stored sign-in, so no secret passes through the environment)
 * uploads one file with createCommit and prints one JSON line: the commit, what was sent, the
 * idle RSS before the upload, the peak RSS of the whole process life and the CPU time of the upload. Alone in its process,
 * so the figures are the client's, not the emulator's. When PAIL_BENCH_API_URL is not the
 * account's API (the discarding endpoint), the same upload path is pointed there: an ApiClient on
 * that origin with the session's own authorizer.
 */
import { tokenAuthorizer } from '../../main/core/auth/auth-service.js'
import { ApiClient } from '../../main/core/bitbucket/api-client.js'
import { createCommit } from '../../main/core/bitbucket/src-commit.js'
import { pailAuthService } from './pail-home.js'

const {
  PAIL_BENCH_HOME: home,
  PAIL_BENCH_WEB_URL: webUrl,
  PAIL_BENCH_API_URL: apiUrl,
  PAIL_BENCH_FILE: file,
  PAIL_BENCH_REPOSITORY: repository,
  PAIL_BENCH_PARENT: parent,
} = process.env
if (!home || !webUrl || !apiUrl || !file || !repository || !parent) throw new Error('missing PAIL_BENCH_* environment')

const signedIn = await pailAuthService(home, { webUrl, apiUrl }).session()
if (!signedIn) throw new Error(`no signed-in account in ${home}`)
const session =
  apiUrl === signedIn.account.apiUrl
    ? signedIn
    : { ...signedIn, api: new ApiClient({ apiUrl, authorizer: tokenAuthorizer(signedIn.tokens) }) }
// Idle: Node, tsx, Pail's modules and a session, as a tray app holds them between syncs.
const baselineRssBytes = process.memoryUsage().rss
const started = performance.now()
const cpuBefore = process.cpuUsage()
const result = await createCommit(session, {
  workspace: 'pail-demo',
  repository,
  branch: 'main',
  parents: parent,
  message: 'Add large.bin',
  uploads: [{ repoPath: 'large.bin', absolutePath: file, mode: 'file' }],
  deletions: [],
})
const ms = performance.now() - started
// The whole process's CPU (every thread: the hashing thread's too), user and system, in ms.
const cpu = process.cpuUsage(cpuBefore)
const cpuMs = (cpu.user + cpu.system) / 1000
// resourceUsage().maxRSS: the kernel's peak resident set of this process (KiB), as GNU time reports for git.
process.stdout.write(
  `${JSON.stringify({ commit: result.commit, sent: result.sent, baselineRssBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024, ms, cpuMs })}\n`,
)
