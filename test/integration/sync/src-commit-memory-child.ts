/**
 * Child process of src-commit-memory.test.ts: uploads one file with createCommit and prints, as
 * one JSON line, the result and this process's peak RSS. Alone in its process, so the figure is
 * the client's, not the emulator's. The token comes in the environment and is never printed.
 */
import { ApiClient } from '../../../main/core/bitbucket/api-client.js'
import { createCommit } from '../../../main/core/bitbucket/src-commit.js'

const {
  PAIL_TEST_API_URL: apiUrl,
  PAIL_TEST_TOKEN: token,
  PAIL_TEST_FILE: file,
  PAIL_TEST_REPOSITORY: repository,
  PAIL_TEST_PARENT: parent,
} = process.env
if (!apiUrl || !token || !file || !repository || !parent) throw new Error('missing PAIL_TEST_* environment')

const api = new ApiClient({
  apiUrl,
  authorizer: { header: async () => `Bearer ${token}`, afterUnauthorized: async () => null },
})
// What the process holds before the upload: Node, tsx and the modules.
const baselineRssBytes = process.memoryUsage().rss
const started = Date.now()
const result = await createCommit(
  { api },
  {
    workspace: 'pail-demo',
    repository,
    branch: 'main',
    parents: parent,
    message: 'large upload',
    uploads: [{ repoPath: 'large.bin', absolutePath: file, mode: 'file' }],
    deletions: [],
  },
)
// resourceUsage().maxRSS is the peak resident set in KiB, over the whole life of the process.
process.stdout.write(
  `${JSON.stringify({ commit: result.commit, sent: result.sent, baselineRssBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024, ms: Date.now() - started })}\n`,
)
