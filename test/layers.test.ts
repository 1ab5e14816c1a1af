/**
 * The layer rules of ../shared/DESIGN.md §2 are enforced by lint: a forbidden import in a layer is
 * an error. These cases lint small sources as if they stood at a path in that layer.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ESLint } from 'eslint'

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

/** The layer rule's messages for `source` linted as `file`; a source that does not parse fails the test. */
async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file })
  const fatal = result!.messages.filter((m) => m.fatal)
  assert.deepEqual(fatal, [], `the case for ${file} must parse`)
  return result!.messages.filter((m) => m.ruleId === 'pail/layer-imports').map((m) => m.message)
}

// A forbidden case: the file, the source, and a part of the message that says why.
const LIBRARY = /is not on this layer's list of libraries|may not be imported here/
const forbidden: [string, string, string | RegExp][] = [
  ['shared/x.ts', "import { readFileSync } from 'node:fs'", 'Node built-in'],
  ['shared/x.ts', "import { app } from 'electron'", LIBRARY],
  ['shared/x.ts', "import { appInfo } from '../main/core/app-info.js'", 'leads to main/core/'],
  ['shared/ipc/x.ts', "import { x } from '../../renderer/main.js'", 'leads to renderer/'],
  ['main/core/x.ts', "import { app } from 'electron'", LIBRARY],
  ['main/core/auth/x.ts', "import Store from 'electron-store'", LIBRARY],
  ['main/core/x.ts', "import { x } from '../electron/main.js'", 'leads to main/electron/'],
  ['main/cli/x.ts', "import { ipcMain } from 'electron'", LIBRARY],
  ['renderer/x.ts', "import { readFile } from 'node:fs/promises'", 'Node built-in'],
  ['renderer/x.ts', "import { appInfo } from '../main/core/app-info.js'", 'leads to main/core/'],
  ['renderer/x.ts', "import { ipcRenderer } from 'electron'", LIBRARY],
  ['main/preload/x.ts', "import { appInfo } from '../core/app-info.js'", 'leads to main/core/'],
  ['main/electron/x.ts', "import { x } from '../../renderer/main.js'", 'leads to renderer/'],
  // Dependencies pointing up or sideways: core below the shells, cli beside the Electron shell.
  ['main/core/x.ts', "import { main } from '../cli/main.js'", 'leads to main/cli/'],
  ['main/core/auth/x.ts', "import { login } from '../../cli/commands/login.js'", 'leads to main/cli/'],
  ['main/core/x.ts', "import { x } from '../preload/index.js'", 'leads to main/preload/'],
  ['main/core/x.ts', "import { x } from '../../renderer/main.js'", 'leads to renderer/'],
  ['main/core/x.ts', "import { x } from '../../test/support/net.js'", 'leads to test/support/net.js'],
  ['main/cli/x.ts', "import { x } from '../electron/main.js'", 'leads to main/electron/'],
  ['main/cli/commands/x.ts', "import { x } from '../../preload/index.js'", 'leads to main/preload/'],
  ['main/cli/x.ts', "import { x } from '../../renderer/main.js'", 'leads to renderer/'],
  ['main/cli/x.ts', "import Store from 'electron-store'", LIBRARY],
  ['main/electron/x.ts', "import { main } from '../cli/main.js'", 'leads to main/cli/'],
  ['main/electron/x.ts', "import { x } from '../preload/index.js'", 'leads to main/preload/'],
  // Every other way of naming a module: re-exports, type-only imports, import(), require().
  ['main/core/x.ts', "export { app } from 'electron'", LIBRARY],
  ['main/core/x.ts', "export * from '../cli/main.js'", 'leads to main/cli/'],
  ['main/core/x.ts', "import type { App } from 'electron'", LIBRARY],
  ['main/core/x.ts', "export type App = typeof import('electron')", LIBRARY],
  ['main/core/x.ts', "import electron = require('electron')", LIBRARY],
  ['main/core/x.ts', "const { app } = await import('electron')", LIBRARY],
  ['main/core/x.ts', 'const { app } = await import(`electron`)', LIBRARY],
  ['main/core/x.ts', "const { app } = require('electron')", LIBRARY],
  ['main/core/x.ts', "const name = 'electron'\nconst { app } = await import(name)", 'computed name'],
  ['main/core/x.ts', "const { main } = await import('../cli/main.js')", 'leads to main/cli/'],
  ['main/cli/x.ts', "const { app } = await import('electron')", LIBRARY],
  ['main/cli/x.ts', "const { app } = require('electron')", LIBRARY],
  ['main/cli/x.ts', "const { x } = await import('../electron/main.js')", 'leads to main/electron/'],
  ['shared/x.ts', "const { app } = await import('electron')", LIBRARY],
  ['shared/x.ts', "const { app } = require('electron')", LIBRARY],
  ['shared/x.ts', "const { readFile } = await import('node:fs')", 'Node built-in'],
  ['shared/x.ts', "const { x } = await import('../renderer/main.js')", 'leads to renderer/'],
  ['renderer/x.ts', "const { ipcRenderer } = await import('electron')", LIBRARY],
  ['renderer/x.ts', "const { readFile } = await import('node:fs')", 'Node built-in'],
  ['renderer/x.ts', "const { appInfo } = await import('../main/core/app-info.js')", 'leads to main/core/'],
  // Node built-ins without the node: prefix, and Node's types by reference.
  ['main/preload/x.ts', "import { readFileSync } from 'fs'", 'Node built-in'],
  ['main/preload/x.ts', "import { join } from 'node:path'", 'Node built-in'],
  ['shared/x.ts', "import { readFileSync } from 'fs'", 'Node built-in'],
  ['shared/x.ts', "import { join } from 'path'", 'Node built-in'],
  ['shared/x.ts', "import { test } from 'node:test'", 'Node built-in'],
  ['shared/x.ts', '/// <reference types="node" />', 'Node built-in'],
  ['shared/x.ts', '/// <reference lib="dom" />', 'set by its tsconfig.json'],
  ['shared/x.ts', '/// <reference path="../main/core/types.d.ts" />', 'leads to main/core/'],
  ['renderer/x.ts', "import { readFile } from 'fs/promises'", 'Node built-in'],
  ['renderer/x.ts', "import { EventEmitter } from 'events'", 'Node built-in'],
  ['renderer/x.ts', "const { readFile } = await import('fs')", 'Node built-in'],
  // shared/ is an allow-list: its own files and pure libraries, nothing Node-only.
  ['shared/x.ts', "import { request } from 'undici'", LIBRARY],
  ['shared/x.ts', "import type { Dispatcher } from 'undici'", LIBRARY],
  ['shared/x.ts', "import { watch } from 'chokidar'", LIBRARY],
  ['shared/x.ts', "import ignore from 'ignore'", LIBRARY],
  ['shared/x.ts', "import lockfile from 'proper-lockfile'", LIBRARY],
  ['shared/x.ts', "import Store from 'electron-store'", LIBRARY],
  ['shared/ipc/x.ts', "import { x } from '../../test/fakes/clock.js'", 'leads to test/fakes/clock.js'],
  ['shared/x.ts', "import manifest from '../package.json' with { type: 'json' }", 'leads to package.json'],
  ['main/core/x.ts', "import config from '../../eslint.config.js'", 'leads to eslint.config.js'],
  // The renderer: shared/, its own files and browser libraries only.
  ['renderer/x.ts', "import { request } from 'undici'", LIBRARY],
  ['renderer/x.ts', "import { watch } from 'chokidar'", LIBRARY],
  ['renderer/x.ts', "import ignore from 'ignore'", LIBRARY],
  ['renderer/x.ts', "import lockfile from 'proper-lockfile'", LIBRARY],
  ['renderer/x.ts', "import Store from 'electron-store'", LIBRARY],
  ['renderer/x.ts', "import { x } from '../test/support/net.js'", 'leads to test/support/net.js'],
  // The preload: electron and shared/ only.
  ['main/preload/x.ts', "import { z } from 'zod'", LIBRARY],
  ['main/preload/x.ts', "import { request } from 'undici'", LIBRARY],
  ['main/preload/x.ts', "import { x } from '../electron/main.js'", 'leads to main/electron/'],
  ['main/preload/x.ts', "import { x } from '../../renderer/main.js'", 'leads to renderer/'],
  ['main/preload/x.ts', "const { x } = require('../core/app-info.js')", 'leads to main/core/'],
  // A file directly in main/ stands in no layer, so no rule would hold for it.
  ['main/x.ts', "import { app } from 'electron'", 'in no layer'],
]

for (const [file, source, why] of forbidden) {
  test(`${file} may not: ${source}`, async () => {
    const errors = await importErrors(file, `${source}\nexport const used = 1\n`)
    assert.equal(errors.length, 1, `expected one layer error for ${file}, got ${JSON.stringify(errors)}`)
    if (typeof why === 'string') assert.ok(errors[0]!.includes(why), `expected "${why}" in: ${errors[0]}`)
    else assert.match(errors[0]!, why)
  })
}

const allowed: [string, string][] = [
  ['main/core/x.ts', "import { readFileSync } from 'node:fs'"],
  ['main/core/x.ts', "import type { AppInfo } from '../../shared/ipc/views.js'"],
  ['main/core/x.ts', "import manifest from '../../package.json' with { type: 'json' }"],
  ['main/electron/x.ts', "import { app } from 'electron'"],
  ['main/preload/x.ts', "import { contextBridge } from 'electron'"],
  ['renderer/x.ts', "import type { Result } from '../shared/result.js'"],
  // The lists are not too tight: what each layer needs still lints clean.
  ['shared/x.ts', "import { z } from 'zod'"],
  ['shared/x.ts', "import { z } from 'zod/v4'"],
  ['shared/ipc/x.ts', "import type { Result } from '../result.js'"],
  ['shared/x.ts', "export type { Result } from './result.js'"],
  ['shared/x.ts', '/// <reference path="globals.d.ts" />'],
  ['renderer/x.ts', "import { createElement } from 'react'"],
  ['renderer/x.ts', "import { createRoot } from 'react-dom/client'"],
  ['renderer/x.ts', "import { z } from 'zod'"],
  ['renderer/x.ts', "import pLimit from 'p-limit'"],
  ['renderer/x.ts', "import { view } from './views/repos.js'"],
  ['renderer/x.ts', "const { view } = await import('./views/repos.js')"],
  ['main/preload/x.ts', "import type { RendererApi } from '../../shared/ipc/contract.js'"],
  ['main/core/x.ts', "const { readFile } = await import('node:fs/promises')"],
  ['main/core/x.ts', "import { request } from 'undici'"],
  ['main/core/sync/x.ts', "import { watch } from 'chokidar'"],
  ['main/core/x.ts', "import { x } from './auth/account.js'"],
  ['main/cli/x.ts', "import { appInfo } from '../core/app-info.js'"],
  ['main/cli/x.ts', "const { appInfo } = await import('../core/app-info.js')"],
  ['main/electron/x.ts', "import { appInfo } from '../core/app-info.js'"],
  ['main/electron/x.ts', "import Store from 'electron-store'"],
  ['test/x.ts', "import { app } from 'electron'"],
]

for (const [file, source] of allowed) {
  test(`${file} may: ${source}`, async () => {
    assert.deepEqual(await importErrors(file, `${source}\nexport const used = 1\n`), [])
  })
}
