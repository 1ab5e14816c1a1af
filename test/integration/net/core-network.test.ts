/**
 * The core installs the shell's network before it asks Bitbucket anything, with the provisioning
 * file's caFile as an absolute path beside that file, and again when a provisioning file is
 * imported from the window.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { rootCertificates } from 'node:tls'
import { createPailCore } from '../../../main/core/app/index.js'
import { silentLogger } from '../../../main/core/log/logger.js'
import { tempDir } from './net-support.js'

test("the core hands the shell's network the provisioning file's caFile, read beside the file", async (t) => {
  const home = await tempDir(t, 'pail-core-net-')
  await mkdir(join(home, 'certs'))
  await writeFile(join(home, 'certs', 'company.pem'), rootCertificates[0]!)
  await writeFile(join(home, 'provisioning.json'), JSON.stringify({ caFile: 'certs/company.pem' }))
  const installed: (string | undefined)[] = []
  const core = await createPailCore({
    home,
    shell: 'headless',
    env: {},
    opener: { open: async () => false },
    logger: silentLogger,
    launchAtLogin: null,
    watch: false,
    network: async ({ caFile }) => {
      installed.push(caFile)
    },
  })
  t.after(() => core.close())
  assert.deepEqual(installed, [join(home, 'certs', 'company.pem')])

  await core.handlers['auth:import-provisioning']({ text: JSON.stringify({ caFile: 'certs/other.pem' }) })
  await core.handlers['auth:import-provisioning']({ text: JSON.stringify({}) })
  assert.deepEqual(installed, [join(home, 'certs', 'company.pem'), join(home, 'certs', 'other.pem'), undefined])
})
