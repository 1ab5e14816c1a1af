/**
 * What changed between two commits under a folder, and which files a commit has there, read from
 * git trees (git-mirror.ts) — the same answers as the REST diffstat and listings of remote-tree.ts:
 * plain two-way, no rename detection (a rename is a removal plus an addition), a mode or type
 * change is a modification, submodules are not files. Subtrees with the same id are the same and
 * are not entered, so a one-file change costs one tree per folder level.
 */
import type { TreeEntry } from '../../git/git-objects.js'
import type { FileMode } from '../types.js'
import type { RemoteChange } from '../pass/reconcile.js'

/** A tree the mirror does not have: the caller asks the REST API instead. */
export class TreeMissing extends Error {}

/** Reads trees and commits' root trees. */
export interface TreeSource {
  tree(oid: string): TreeEntry[] | null
  rootOf(commit: string): string | null
}

/** A file of a commit, found in its tree. */
export interface TreeFile {
  oid: string
  mode: FileMode
}

function treeOf(source: TreeSource, oid: string): TreeEntry[] {
  const entries = source.tree(oid)
  if (!entries) throw new TreeMissing(`The tree ${oid} is not here.`)
  return entries
}

function rootOf(source: TreeSource, commit: string): string {
  const root = source.rootOf(commit)
  if (!root) throw new TreeMissing(`The commit ${commit} is not here.`)
  return root
}

/** The tree at `folder` ('' for the root) of `commit`, or null when the folder is not there. */
function folderTree(source: TreeSource, commit: string, folder: string): string | null {
  let oid = rootOf(source, commit)
  if (folder === '') return oid
  for (const name of folder.split('/')) {
    const entry = treeOf(source, oid).find((e) => e.name === name)
    if (entry?.kind !== 'tree') return null
    oid = entry.oid
  }
  return oid
}

const isFile = (e: TreeEntry): boolean => e.kind !== 'tree' && e.kind !== 'submodule'
const join = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`)

/** Every file path under the tree `oid`, with `folder` as their prefix. */
function filesUnder(source: TreeSource, oid: string, folder: string, out: (path: string, e: TreeEntry) => void): void {
  for (const e of treeOf(source, oid)) {
    if (e.kind === 'tree') filesUnder(source, e.oid, join(folder, e.name), out)
    else if (isFile(e)) out(join(folder, e.name), e)
  }
}

/** The changes from `base` to `tip` under `folder` (repository paths), as the diffstat names them. */
export function treeChanges(source: TreeSource, base: string, tip: string, folder: string): Map<string, RemoteChange> {
  const changes = new Map<string, RemoteChange>()
  const walk = (before: string | null, after: string | null, at: string): void => {
    if (before === after) return
    const old = new Map((before ? treeOf(source, before) : []).map((e) => [e.name, e]))
    const now = new Map((after ? treeOf(source, after) : []).map((e) => [e.name, e]))
    for (const [name, was] of old) {
      const is = now.get(name)
      const path = join(at, name)
      if (is && was.oid === is.oid && was.kind === is.kind) continue
      const wasTree = was.kind === 'tree'
      const isTree = is?.kind === 'tree'
      if (wasTree || isTree) walk(wasTree ? was.oid : null, isTree ? is.oid : null, path)
      if (isFile(was) && is && isFile(is)) changes.set(path, 'modified')
      else {
        if (isFile(was)) changes.set(path, 'removed')
        if (is && isFile(is)) changes.set(path, 'added')
      }
    }
    for (const [name, is] of now) {
      if (old.has(name)) continue
      if (is.kind === 'tree') walk(null, is.oid, join(at, name))
      else if (isFile(is)) changes.set(join(at, name), 'added')
    }
  }
  walk(folderTree(source, base, folder), folderTree(source, tip, folder), folder)
  return changes
}

/** Every file of `commit` under `folder`, by repository path. */
export function treeFiles(source: TreeSource, commit: string, folder: string): Map<string, TreeFile> {
  const files = new Map<string, TreeFile>()
  const tree = folderTree(source, commit, folder)
  if (tree) filesUnder(source, tree, folder, (path, e) => files.set(path, { oid: e.oid, mode: e.kind as FileMode }))
  return files
}

/** The file at `path` in `commit`, or null when there is none (a folder, a submodule, nothing). */
export function treeFile(source: TreeSource, commit: string, path: string): TreeFile | null {
  const slash = path.lastIndexOf('/')
  const tree = folderTree(source, commit, slash < 0 ? '' : path.slice(0, slash))
  const entry = tree ? treeOf(source, tree).find((e) => e.name === path.slice(slash + 1)) : undefined
  return entry && isFile(entry) ? { oid: entry.oid, mode: entry.kind as FileMode } : null
}
