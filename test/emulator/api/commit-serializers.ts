/**
 * JSON shapes of commits and branches, keyed as the recorded payloads of bitbucket-api.md §4.6
 * (`jenkinsci/bitbucket-branch-source-plugin` `…refs-branches-master.json` and `…commit-*.json`).
 */
import type { Emulator } from '../context.js'
import type { CommitInfo } from '../git/git-store.js'
import type { Repository } from '../model.js'
import { encodePath, link, repoApiBase, repoWebBase, repositorySummaryJson, userSummaryJson } from './serializers.js'

/** `{type: "commit", hash, links{self, html}}`: parents, and the `commit` of src entries (§4.7). */
export function commitRefJson(emulator: Emulator, repo: Repository, hash: string): Record<string, unknown> {
  return {
    hash,
    type: 'commit',
    links: {
      self: link(`${repoApiBase(emulator, repo)}/commit/${hash}`),
      html: link(`${repoWebBase(emulator, repo)}/commits/${hash}`),
    },
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * A full commit: the branch `target` of the recorded payload, plus `summary` and `participants`
 * on `GET …/commit/{commit}` (`detailed`). `author.user` is added when the email belongs to a
 * user of the world, as Bitbucket maps commit emails to accounts.
 */
export function commitJson(
  emulator: Emulator,
  repo: Repository,
  info: CommitInfo,
  detailed = false,
): Record<string, unknown> {
  const api = repoApiBase(emulator, repo)
  const user = emulator.world.userByEmail(info.authorEmail)
  const author: Record<string, unknown> = { raw: `${info.authorName} <${info.authorEmail}>`, type: 'author' }
  if (user) author.user = userSummaryJson(emulator, user)
  const body: Record<string, unknown> = {
    hash: info.hash,
    repository: repositorySummaryJson(emulator, repo),
    links: {
      self: link(`${api}/commit/${info.hash}`),
      comments: link(`${api}/commit/${info.hash}/comments`),
      patch: link(`${api}/patch/${info.hash}`),
      html: link(`${repoWebBase(emulator, repo)}/commits/${info.hash}`),
      diff: link(`${api}/diff/${info.hash}`),
      approve: link(`${api}/commit/${info.hash}/approve`),
      statuses: link(`${api}/commit/${info.hash}/statuses`),
    },
    author,
    parents: info.parents.map((hash) => commitRefJson(emulator, repo, hash)),
    date: info.date,
    // The recorded payloads carry the message without git's trailing newline.
    message: info.message,
    type: 'commit',
  }
  if (detailed) {
    body.summary = {
      raw: body.message,
      markup: 'markdown',
      html: `<p>${escapeHtml(info.message)}</p>`,
      type: 'rendered',
    }
    body.participants = []
  }
  return body
}

/** Merge strategies of [SPEC]'s branch example; the default is Bitbucket's out-of-the-box one. */
const MERGE_STRATEGIES = [
  'merge_commit',
  'squash',
  'fast_forward',
  'squash_fast_forward',
  'rebase_fast_forward',
  'rebase_merge',
]

/** A branch object; its links keep `/` in the name literally, as [SPEC]'s branch list example does. */
export function branchJson(
  emulator: Emulator,
  repo: Repository,
  name: string,
  tip: CommitInfo,
): Record<string, unknown> {
  const api = repoApiBase(emulator, repo)
  return {
    name,
    links: {
      commits: link(`${api}/commits/${encodePath(name)}`),
      self: link(`${api}/refs/branches/${encodePath(name)}`),
      html: link(`${repoWebBase(emulator, repo)}/branch/${encodePath(name)}`),
    },
    default_merge_strategy: 'merge_commit',
    merge_strategies: MERGE_STRATEGIES,
    type: 'branch',
    target: commitJson(emulator, repo, tip),
  }
}
