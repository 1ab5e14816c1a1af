/**
 * Helpers for the diffstat tests: commits with deletions through the control endpoint, branches
 * started at a given commit, and a compact one-line view of each diffstat record.
 */
import assert from 'node:assert/strict'
import { git, type GitRepository } from '../git/git-store.js'
import type { RunningEmulator } from '../harness.js'
import { collectPages, type Auth } from './read-test-support.js'

/** The seeded handbook repository's API path. */
export const BASE = '/2.0/repositories/pail-demo/handbook'

/** A `commit_file` side of a diffstat record. */
export interface DiffFile {
  path: string
  escaped_path: string
  type: string
  links: { self: { href: string } }
}

/** One diffstat record as the emulator sends it. */
export interface Diffstat {
  type: string
  status: string
  lines_added: number
  lines_removed: number
  old: DiffFile | null
  new: DiffFile | null
}

/** The handbook repository's bare git repository. */
export function handbookGit(emu: RunningEmulator): GitRepository {
  return emu.server.git(emu.server.world.repository('pail-demo', 'handbook')!)
}

/** Commits text files and deletions to `branch` (main unless given) as the other user; returns the SHA. */
export async function commit(
  emu: RunningEmulator,
  files: Record<string, string>,
  options: { deletions?: string[]; branch?: string } = {},
): Promise<string> {
  return (
    await emu.control<{ hash: string }>('POST', '/commit', {
      files,
      deletions: options.deletions ?? [],
      branch: options.branch ?? 'main',
    })
  ).hash
}

/** Creates branch `name` at `sha`. */
export async function branchAt(emu: RunningEmulator, name: string, sha: string): Promise<void> {
  assert.ok(await handbookGit(emu).moveBranch(name, sha, null), `branch ${name} created`)
}

/** A merge commit of `parents` (first parent first) with the tree of `treeOf`, moved onto main. */
export async function mergeCommit(emu: RunningEmulator, parents: [string, string], treeOf: string): Promise<string> {
  const repo = handbookGit(emu)
  const env = {
    GIT_AUTHOR_NAME: 'Robin Remote',
    GIT_AUTHOR_EMAIL: 'robin@example.com',
    GIT_COMMITTER_NAME: 'Robin Remote',
    GIT_COMMITTER_EMAIL: 'robin@example.com',
  }
  const sha = (
    await git(repo.gitDir, ['commit-tree', `${treeOf}^{tree}`, '-p', parents[0], '-p', parents[1]], {
      input: 'Merge',
      env,
    })
  )
    .toString()
    .trim()
  assert.ok(await repo.moveBranch('main', sha, parents[0]), 'main moved to the merge')
  return sha
}

/** Every diffstat record of `spec`, following `next`. */
export async function diffstat(emu: RunningEmulator, auth: Auth, spec: string, query = ''): Promise<Diffstat[]> {
  return (await collectPages<Diffstat>(emu, `${BASE}/diffstat/${spec}${query}`, auth)).values
}

/** `status old -> new +added -removed`, with `-` for a missing side. */
export function line(record: Diffstat): string {
  return `${record.status} ${record.old?.path ?? '-'} -> ${record.new?.path ?? '-'} +${record.lines_added} -${record.lines_removed}`
}

/** The one-line views of every record, sorted (git's order is by path, but the tests need not rely on it). */
export function lines(records: readonly Diffstat[]): string[] {
  return records.map(line).sort()
}

/** The commit a side's `links.self` names (`…/src/{sha}/{path}`). */
export function linkedCommit(file: DiffFile | null): string | null {
  if (!file) return null
  return /\/src\/([0-9a-f]{40})\//.exec(file.links.self.href)?.[1] ?? null
}
