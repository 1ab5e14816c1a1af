import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DirectoryTreeWatch } from '../../../../../../main/core/sync/local/directory-watch.js'

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test(
  'one watch per folder: ignored folders are not entered, links to folders are not followed, new folders are',
  { skip: process.platform !== 'linux' && 'the folder watch is the Linux backend' },
  async (t) => {
    const parent = await mkdtemp(join(tmpdir(), 'pail-dirwatch-'))
    t.after(() => rm(parent, { recursive: true, force: true }))
    const root = join(parent, 'root')
    await mkdir(join(root, 'a', 'b'), { recursive: true })
    await mkdir(join(root, 'node_modules', 'x'), { recursive: true })
    await mkdir(join(parent, 'outside'))
    await symlink(join(parent, 'outside'), join(root, 'link'))
    await writeFile(join(root, 'a', 'file.txt'), 'x')
    const events: string[] = []
    const errors: Error[] = []
    const tree = await DirectoryTreeWatch.start(root, {
      ignored: (path) => path.endsWith('node_modules'),
      onEvent: (path) => events.push(path),
      onError: (error) => errors.push(error),
    })
    t.after(async () => tree.close())
    assert.equal(tree.size, 3, 'root, a and a/b: not node_modules, not the link')

    await mkdir(join(root, 'new', 'deep'), { recursive: true })
    await writeFile(join(root, 'new', 'deep', 'early.txt'), 'written before its folder was watched, maybe')
    await waitFor('the new folders to be watched', () => tree.size === 5)
    await waitFor('the file in the new folder', () => events.includes(join(root, 'new', 'deep', 'early.txt')))
    await writeFile(join(root, 'new', 'deep', 'later.txt'), 'l')
    await waitFor('a file written once watched', () => events.includes(join(root, 'new', 'deep', 'later.txt')))

    await rm(join(root, 'new'), { recursive: true })
    await waitFor('the removed folders to be let go', () => tree.size === 3)
    assert.deepEqual(errors, [])
    tree.close()
    assert.equal(tree.size, 0)
  },
)
