/**
 * Git's object format, for reading what a fetch brings (gitformat-pack, git's `object-file.c`):
 * an object's id is the SHA-1 of `<type> <size>\0<content>`; a tree is a list of
 * `<mode> <name>\0<20-byte id>` entries; a commit is headers (`tree`, `parent`…), a blank line and
 * the message. Only reading: Pail never writes git objects (Bitbucket's `POST /src` does).
 */
import { createHash } from 'node:crypto'
import type { FileMode } from '../sync/types.js'

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag'

/** A git object that is not what its format says (a damaged pack or cache). */
export class GitObjectError extends Error {}

/** The object id of `content` as an object of `type`. */
export function objectId(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`, 'latin1').update(content).digest('hex')
}

/** One entry of a tree: a file (with its mode), a link, a folder, or a submodule's commit. */
export interface TreeEntry {
  name: string
  oid: string
  kind: FileMode | 'tree' | 'submodule'
}

/** What a tree mode names (git writes `40000` for trees, without the leading zero). */
function kindOf(mode: string): TreeEntry['kind'] {
  switch (mode) {
    case '100644':
    case '100664':
      return 'file'
    case '100755':
      return 'executable'
    case '120000':
      return 'link'
    case '40000':
    case '040000':
      return 'tree'
    case '160000':
      return 'submodule'
    default:
      throw new GitObjectError(`A tree entry has the unknown mode ${mode}.`)
  }
}

/** The entries of a tree object, in the tree's order. */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = []
  let at = 0
  while (at < content.length) {
    const space = content.indexOf(0x20, at)
    const nul = content.indexOf(0, space + 1)
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new GitObjectError('A tree object is cut short.')
    entries.push({
      kind: kindOf(content.toString('latin1', at, space)),
      name: content.toString('utf8', space + 1, nul),
      oid: content.toString('hex', nul + 1, nul + 21),
    })
    at = nul + 21
  }
  return entries
}

/** A commit as the sync engine reads it. */
export interface CommitObject {
  tree: string
  parents: string[]
  message: string
}

/** The tree, parents and message of a commit object. */
export function parseCommit(content: Buffer): CommitObject {
  const text = content.toString('utf8')
  const end = text.indexOf('\n\n')
  const headers = (end < 0 ? text : text.slice(0, end)).split('\n')
  const tree = headers[0]?.startsWith('tree ') ? headers[0].slice(5) : null
  if (tree === null || !/^[0-9a-f]{40}$/.test(tree)) throw new GitObjectError('A commit object names no tree.')
  const parents = headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice(7))
  return { tree, parents, message: end < 0 ? '' : text.slice(end + 2) }
}
