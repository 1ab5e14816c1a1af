/**
 * The read guard of one staged upload: the staging's own folder (inside Pail's home) may be read,
 * nothing else of the home — not the secrets, not another staging, not the staging's parent.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { StagedReadGuard } from '../../../../../main/core/app/staged-read-guard.js'
import { ProtectedPathError, ReadGuard } from '../../../../../main/core/fs/read-guard.js'

const home = '/home/alex/.config/pail'
const root = join(home, 'staging', 'owner1', 'aaaa', 'files')

test('only the staging being committed is let through', async () => {
  const guard = new StagedReadGuard(new ReadGuard([home]), root)
  assert.equal(guard.covers(root), false)
  assert.equal(guard.covers(join(root, 'Folder', 'inside.txt')), false)
  for (const refused of [
    home,
    join(home, 'secrets.json'),
    join(home, 'staging', 'owner1', 'aaaa'),
    join(home, 'staging', 'owner1', 'bbbb', 'files', 'x.txt'),
    `${root}-evil/x.txt`,
  ])
    assert.equal(guard.covers(refused), true, refused)
  await assert.rejects(guard.assertReadable(join(home, 'secrets.json')), ProtectedPathError)
  assert.equal(new ReadGuard([home]).covers(join(root, 'x.txt')), true, 'the plain guard refuses the staging')
})
