/**
 * The oracle: after quiescence, what must hold whatever the schedule did.
 *
 * - tree: the branch (a git clone) equals the folder byte for byte, modes and links included,
 *   apart from paths Pail reported as skipped with a reason. Nothing is ignored: a leftover
 *   `.pail-*.tmp` is a difference.
 * - versions: every version that counts still exists, in the folder or in the branch's history.
 *   A local version counts when a pass that ended well saw it and the person did not change it
 *   before the pass ended; the final local content counts; another user's committed content
 *   counts unless the branch was deleted after it.
 * - deletions: every path a Pail commit deleted is one the person deleted, renamed away or replaced.
 * - overwrite: every version a Pail commit replaced or deleted had reached the folder at that path
 *   (else Pail overwrote another user's edit the person never saw: issue 7, point 1).
 * - leak: no object in the repository holds the marker planted outside the folder and in Pail's
 *   home, or any secret the emulator issued.
 * - outside: nothing outside the folder was written or deleted, and no other user's file landed
 *   in Pail's home.
 * - history: every Pail commit on the branch is a committed/conflict entry with its hash, every
 *   such entry's commit exists, and no entry is left uploading.
 * - quiescence, hang, harness: the run reached a quiet state, no pass hung, the harness itself held up.
 */
import { join } from 'node:path'
import type { RemoteSide } from './bitbucket-side.js'
import { describeEntry, snapshotFolder, type Snapshot } from './folder-snapshot.js'
import {
  allObjects,
  branchTip,
  cloneBranch,
  commitChanges,
  commitExists,
  commitsOn,
  historyBlobs,
  type PathChange,
} from './git-facts.js'
import type { Places } from './local-ops.js'
import { isUnder } from './names.js'
import type { PailUnderTest, SkipReport } from './pail-under-test.js'
import type { Records } from './records.js'
import { showPath } from './steps.js'

export type CheckName =
  'tree' | 'versions' | 'deletions' | 'overwrite' | 'leak' | 'outside' | 'history' | 'quiescence' | 'hang' | 'harness'

export interface Failure {
  check: CheckName
  detail: string
}

export interface OracleInput {
  places: Places
  remote: RemoteSide
  pail: PailUnderTest
  marker: string
  records: Records
  /** The folder after the last step, before quiescence. */
  finalLocal: Snapshot
  /** A folder the oracle may write its clone into. */
  scratch: string
}

const SHOWN = 12

function listed(items: string[]): string {
  return items.length <= SHOWN
    ? items.join('\n')
    : `${items.slice(0, SHOWN).join('\n')}\n… and ${items.length - SHOWN} more`
}

function skippedCovers(skipped: readonly SkipReport[], path: string): boolean {
  return skipped.some((s) => s.reason !== '' && isUnder(path, s.path))
}

/** Finds any of `secrets` in `text` by 16-character prefixes (hundreds of long secrets, thousands of objects). */
export function containsSecret(text: string, prefixes: Map<string, string[]>): boolean {
  for (let i = 0; i + 16 <= text.length; i++) {
    const candidates = prefixes.get(text.slice(i, i + 16))
    if (candidates?.some((secret) => text.startsWith(secret, i))) return true
  }
  return false
}

export function secretPrefixes(secrets: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const secret of secrets) {
    if (secret.length < 16) continue
    const key = secret.slice(0, 16)
    map.set(key, [...(map.get(key) ?? []), secret])
  }
  return map
}

async function checkTree(input: OracleInput, skipped: SkipReport[], folder: Snapshot): Promise<Failure[]> {
  const { remote } = input
  const clone = join(input.scratch, `clone-${Date.now()}`)
  if (!(await cloneBranch(remote.gitDir, remote.branch, clone)))
    return [
      {
        check: 'tree',
        detail: `the branch ${remote.branch} does not exist on Bitbucket; the folder has ${folder.entries.size} file(s)`,
      },
    ]
  const branch = await snapshotFolder(clone, { skipTop: new Set(['.git']) })
  const differences: string[] = []
  for (const path of [...new Set([...folder.entries.keys(), ...branch.entries.keys()])].sort()) {
    if (skippedCovers(skipped, path)) continue
    const here = folder.entries.get(path)
    const there = branch.entries.get(path)
    if (here?.sha === there?.sha && here?.kind === there?.kind && here?.target === there?.target) continue
    differences.push(`${showPath(path)}: folder ${describeEntry(here)}, branch ${describeEntry(there)}`)
  }
  if (folder.unreadable.length > 0) differences.push(`the oracle could not read ${folder.unreadable.join(', ')}`)
  if (differences.length === 0) return []
  const reported = skipped.length
    ? `\nPail reported skipped: ${skipped.map((s) => `${showPath(s.path)} (${s.reason})`).join(', ')}`
    : ''
  return [{ check: 'tree', detail: `the branch and the folder differ:\n${listed(differences)}${reported}` }]
}

function checkVersions(input: OracleInput, folder: Snapshot, history: Set<string>): Failure[] {
  const { records } = input
  const exists = (sha: string): boolean => history.has(sha) || [...folder.entries.values()].some((e) => e.sha === sha)
  const lost: string[] = []
  const reported = new Set<string>()
  for (const version of records.counted) {
    const key = `${version.path}\0${version.sha}`
    if (reported.has(key) || records.deletedAfter(version.clock) || exists(version.sha)) continue
    reported.add(key)
    lost.push(`${showPath(version.path)} version ${version.sha.slice(0, 10)} (${version.why})`)
  }
  for (const version of records.remote) {
    if (records.deletedAfter(records.stepClock.get(version.step) ?? 0)) continue
    if (exists(version.sha)) continue
    lost.push(`${showPath(version.path)} version ${version.sha.slice(0, 10)} (another user's, step ${version.step})`)
  }
  return lost.length
    ? [
        {
          check: 'versions',
          detail: `versions lost (in neither the folder nor the branch's history):\n${listed(lost)}`,
        },
      ]
    : []
}

async function pailCommits(input: OracleInput, entries: { commit: string | null }[]): Promise<Set<string>> {
  const { remote } = input
  const commits = new Set<string>()
  for (const c of await commitsOn(remote.gitDir, remote.branch, remote.startCommit))
    if (!remote.otherCommits.has(c.hash)) commits.add(c.hash)
  for (const entry of entries)
    if (entry.commit && !remote.otherCommits.has(entry.commit) && (await commitExists(remote.gitDir, entry.commit)))
      commits.add(entry.commit)
  return commits
}

function checkChanges(input: OracleInput, changes: Map<string, PathChange[]>): Failure[] {
  const { records } = input
  const deletions: string[] = []
  const overwrites: string[] = []
  const origin = (sha: string): string => {
    const remote = records.remote.find((r) => r.sha === sha)
    return remote ? `another user's version from step ${remote.step}` : `version ${sha.slice(0, 10)}`
  }
  for (const [commit, list] of changes) {
    for (const change of list) {
      if (change.status === 'D' && !records.removed.has(change.path) && !records.removedRemotely.has(change.path))
        deletions.push(
          `${commit.slice(0, 10)} deleted ${showPath(change.path)}, which neither the person nor another user deleted, renamed or replaced`,
        )
      if (change.status === 'A' || change.oldSha === null) continue
      if (!records.seen.get(change.path)?.has(change.oldSha))
        overwrites.push(
          `${commit.slice(0, 10)} ${change.status === 'D' ? 'deleted' : 'replaced'} ${showPath(change.path)}: ${origin(change.oldSha)} never reached the folder`,
        )
    }
  }
  const failures: Failure[] = []
  if (deletions.length) failures.push({ check: 'deletions', detail: listed(deletions) })
  if (overwrites.length) failures.push({ check: 'overwrite', detail: listed(overwrites) })
  return failures
}

async function checkLeaks(input: OracleInput): Promise<Failure[]> {
  const secrets = secretPrefixes(await input.remote.issuedSecrets())
  const found: string[] = []
  for await (const object of allObjects(input.remote.gitDir)) {
    const text = object.content.toString('latin1')
    if (text.includes(input.marker))
      found.push(`${object.type} ${object.sha.slice(0, 10)} holds the marker from outside the folder`)
    if (containsSecret(text, secrets))
      found.push(`${object.type} ${object.sha.slice(0, 10)} holds a secret the emulator issued`)
  }
  return found.length ? [{ check: 'leak', detail: listed(found) }] : []
}

async function checkOutside(input: OracleInput): Promise<Failure[]> {
  const problems = [...input.records.outside]
  const home = await snapshotFolder(input.places.home, { forceReadable: true })
  // Only contents long enough to be told apart (an empty file of Pail's own is no other user's file).
  const theirs = new Set(input.records.remote.filter((r) => r.size >= 16).map((r) => r.sha))
  for (const [path, entry] of home.entries)
    if (theirs.has(entry.sha)) problems.push(`another user's file landed in Pail's home as ${showPath(path)}`)
  return problems.length ? [{ check: 'outside', detail: listed(problems) }] : []
}

async function checkHistory(input: OracleInput, onBranch: Set<string>): Promise<Failure[]> {
  const { remote } = input
  const entries = await input.pail.history()
  const problems: string[] = []
  const recorded = new Set(
    entries.filter((e) => e.status === 'committed' || e.status === 'conflict').map((e) => e.commit),
  )
  for (const commit of onBranch)
    if (!recorded.has(commit))
      problems.push(`commit ${commit.slice(0, 10)} on the branch has no committed entry in Pail's history`)
  for (const entry of entries) {
    if (
      (entry.status === 'committed' || entry.status === 'conflict') &&
      (!entry.commit || !(await commitExists(remote.gitDir, entry.commit)))
    )
      problems.push(
        `entry ${entry.id} says ${entry.status} ${entry.commit ?? '(no commit)'}, which the repository does not have`,
      )
    if (entry.status === 'uploading') problems.push(`entry ${entry.id} is still "uploading" after quiescence`)
  }
  return problems.length ? [{ check: 'history', detail: listed(problems) }] : []
}

/** Every check; each failure names its check. */
export async function runOracle(input: OracleInput): Promise<Failure[]> {
  const { records, remote } = input
  const failures: Failure[] = []
  if (!records.quiescence.reached)
    failures.push({
      check: 'quiescence',
      detail: `no two quiet passes in a row after ${records.quiescence.passes} passes; the last: ${records.quiescence.last.join(' | ')}`,
    })
  for (const hang of records.hangs) failures.push({ check: 'hang', detail: hang })
  for (const error of records.harnessErrors) failures.push({ check: 'harness', detail: error })
  const skipped = await input.pail.skipped()
  records.countPass(input.finalLocal, [], skipped, 'the final local content', true)
  const folder = await snapshotFolder(input.places.folder, { forceReadable: true })
  failures.push(...(await checkTree(input, skipped, folder)))
  const history = await historyBlobs(remote.gitDir, remote.branch)
  failures.push(...checkVersions(input, folder, history))
  const entries = await input.pail.history()
  const commits = await pailCommits(input, entries)
  const changes = new Map<string, PathChange[]>()
  for (const commit of commits) changes.set(commit, await commitChanges(remote.gitDir, commit))
  failures.push(...checkChanges(input, changes))
  failures.push(...(await checkLeaks(input)))
  failures.push(...(await checkOutside(input)))
  const onBranch = new Set<string>()
  if (await branchTip(remote.gitDir, remote.branch))
    for (const c of await commitsOn(remote.gitDir, remote.branch, remote.startCommit))
      if (!remote.otherCommits.has(c.hash)) onBranch.add(c.hash)
  failures.push(...(await checkHistory(input, onBranch)))
  return failures
}
