/**
 * The layer rules of ../shared/DESIGN.md §2 are enforced by lint: a forbidden import in a layer is
 * an error. These cases lint small sources as if they stood at a path in that layer.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ESLint } from 'eslint'

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

const forbidden: [string, string][] = [
  ['shared/x.ts', "import { readFileSync } from 'node:fs'"],
  ['shared/x.ts', "import { app } from 'electron'"],
  ['shared/x.ts', "import { appInfo } from '../main/core/app-info.js'"],
  ['shared/ipc/x.ts', "import { x } from '../../renderer/main.js'"],
  ['main/core/x.ts', "import { app } from 'electron'"],
  ['main/core/auth/x.ts', "import Store from 'electron-store'"],
  ['main/core/x.ts', "import { x } from '../electron/main.js'"],
  ['main/cli/x.ts', "import { ipcMain } from 'electron'"],
  ['renderer/x.ts', "import { readFile } from 'node:fs/promises'"],
  ['renderer/x.ts', "import { appInfo } from '../main/core/app-info.js'"],
  ['renderer/x.ts', "import { ipcRenderer } from 'electron'"],
  ['main/preload/x.ts', "import { appInfo } from '../core/app-info.js'"],
  ['main/electron/x.ts', "import { x } from '../../renderer/main.js'"],
]

for (const [file, source] of forbidden) {
  test(`${file} may not: ${source}`, async () => {
    const errors = await importErrors(file, `${source}\nexport const used = 1\n`)
    assert.ok(errors.length > 0, `expected a layer error for ${file}`)
  })
}

const allowed: [string, string][] = [
  ['main/core/x.ts', "import { readFileSync } from 'node:fs'"],
  ['main/core/x.ts', "import type { AppInfo } from '../../shared/ipc/contract.js'"],
  ['main/electron/x.ts', "import { app } from 'electron'"],
  ['main/preload/x.ts', "import { contextBridge } from 'electron'"],
  ['renderer/x.ts', "import type { Result } from '../shared/result.js'"],
]

for (const [file, source] of allowed) {
  test(`${file} may: ${source}`, async () => {
    assert.deepEqual(await importErrors(file, `${source}\nexport const used = 1\n`), [])
  })
}
