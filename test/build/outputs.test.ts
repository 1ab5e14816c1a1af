/**
 * The built entry points, not the sources: what `npm run build` wrote to out/ is what a newcomer,
 * the desktop app and a package run. Electron cannot run here, so its two files are read instead:
 * the main bundle must parse and import nothing a packaged app lacks, and the preload must load
 * in a sandbox, whose `require` knows only `electron`.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { parseSync } from 'vite'
import { channelNames, eventNames, listenerName, methodName } from '../../shared/ipc/contract.js'
import { assertBuildIsCurrent, BUILD_OUTPUTS, PAIL_BIN } from '../support/pail-cli.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUT = join(ROOT, 'out')
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string
  version: string
  dependencies: Record<string, string>
}

before(assertBuildIsCurrent)

/** The module specifiers `file` (an ES module) imports, statically or with a literal `import()`. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8')
  const parsed = parseSync(file, code)
  assert.deepEqual(parsed.errors, [], `${relative(ROOT, file)} does not parse`)
  const fromExports = parsed.module.staticExports.flatMap((e) => e.entries.map((entry) => entry.moduleRequest))
  const dynamic = parsed.module.dynamicImports.map(({ moduleRequest }) => {
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(code.slice(moduleRequest.start, moduleRequest.end))
    return literal ? literal[2] : `<computed import() in ${relative(ROOT, file)}>`
  })
  return [
    ...parsed.module.staticImports.map((i) => i.moduleRequest.value),
    ...fromExports.flatMap((request) => (request ? [request.value] : [])),
    ...dynamic,
  ]
}

/** Every package or built-in `entry` reaches, following its own relative chunks; relative ones must exist. */
function externalImportsOf(entry: string): Set<string> {
  const external = new Set<string>()
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) {
        external.add(specifier)
        continue
      }
      const target = resolve(dirname(file), specifier)
      assert.ok(existsSync(target), `${relative(ROOT, file)} imports ${specifier}, which the build did not write`)
      visit(target)
    }
  }
  visit(entry)
  return external
}

/** The package a bare specifier names (`undici`, `@scope/name`), without its subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

const isBuiltin = (specifier: string): boolean => builtinModules.includes(specifier.replace(/^node:/, ''))
const isDependency = (specifier: string): boolean => packageOf(specifier) in manifest.dependencies

test('the build wrote every entry point, and package.json "main" is the built Electron entry', () => {
  for (const output of BUILD_OUTPUTS) assert.ok(existsSync(join(ROOT, output)), `${output} is missing`)
  assert.equal(manifest.main, 'out/main/index.js')
})

test('the built CLI prints the version, run directly and through bin/pail.js', () => {
  for (const args of [
    [join(OUT, 'main', 'cli.js'), 'version'],
    [PAIL_BIN, 'version'],
  ]) {
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, PAIL_HOME: OUT } })
    assert.equal(run.stderr, '')
    assert.equal(run.status, 0)
    assert.equal(run.stdout.trim(), `pail ${manifest.version}`)
  }
})

test('the Electron main bundle parses and imports only electron, Node built-ins and runtime dependencies', () => {
  const entry = join(ROOT, manifest.main)
  const check = spawnSync(process.execPath, ['--check', entry], { encoding: 'utf8' })
  assert.equal(check.status, 0, check.stderr)
  const imports = [...externalImportsOf(entry)]
  assert.ok(imports.includes('electron'), 'the main bundle does not import electron: is it the Electron entry?')
  const foreign = imports.filter((s) => s !== 'electron' && !isBuiltin(s) && !isDependency(s))
  assert.deepEqual(foreign, [], 'a packaged app would not have these')
})

test('the CLI bundle imports only Node built-ins and runtime dependencies: no electron', () => {
  const imports = [...externalImportsOf(join(OUT, 'main', 'cli.js'))]
  assert.deepEqual(
    imports.filter((s) => !isBuiltin(s) && !isDependency(s)),
    [],
  )
  assert.ok(!imports.some((s) => packageOf(s) === 'electron' || s.startsWith('electron/')))
})

/** Every `require` in `code`: the literal it loads, or a note where it is not a plain `require('x')`. */
function requiresIn(code: string): string[] {
  const parsed = parseSync('index.cjs', code, { sourceType: 'commonjs' })
  assert.deepEqual(parsed.errors, [])
  const found: string[] = []
  const walk = (node: unknown, parent: unknown): void => {
    if (Array.isArray(node)) return node.forEach((child) => walk(child, parent))
    if (typeof node !== 'object' || node === null) return
    const record = node as Record<string, unknown>
    if (record.type === 'Identifier' && record.name === 'require') {
      const call = parent as { type?: string; callee?: unknown; arguments?: { type?: string; value?: unknown }[] }
      const argument = call.type === 'CallExpression' && call.callee === node ? call.arguments?.[0] : undefined
      found.push(
        argument?.type === 'Literal' && typeof argument.value === 'string' ? argument.value : '<not a literal>',
      )
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'parent') walk(value, node)
  }
  walk(parsed.program, null)
  return found
}

test('the preload is one CommonJS file whose only require is electron', () => {
  assert.deepEqual(readdirSync(join(OUT, 'preload'), { recursive: true }), ['index.cjs'])
  const file = join(OUT, 'preload', 'index.cjs')
  const code = readFileSync(file, 'utf8')
  const parsed = parseSync(file, code, { sourceType: 'commonjs' })
  assert.equal(parsed.module.hasModuleSyntax, false, 'the preload has import/export statements')
  assert.deepEqual(parsed.module.dynamicImports, [], 'the preload has an import()')
  assert.deepEqual([...new Set(requiresIn(code))], ['electron'])
})

test('the preload runs where require knows only electron, and exposes every channel and event of the contract', () => {
  const exposed = new Map<string, unknown>()
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { invoke: async () => undefined, on: () => undefined, off: () => undefined },
    webUtils: { getPathForFile: () => '' },
  }
  const sandboxRequire = (name: string): unknown => {
    if (name === 'electron') return electron
    throw new Error(`a sandboxed preload cannot require ${name}`)
  }
  const module = { exports: {} }
  const code = readFileSync(join(OUT, 'preload', 'index.cjs'), 'utf8')
  // Electron wraps a sandboxed preload like this; no Node globals are given beyond `require`.
  runInNewContext(`(function (exports, require, module) {${code}\n})`, {})(module.exports, sandboxRequire, module)
  assert.deepEqual([...exposed.keys()], ['pail'])
  const api = exposed.get('pail') as Record<string, unknown>
  const expected = [...channelNames.map(methodName), ...eventNames.map(listenerName), 'prepareUpload']
  assert.deepEqual(
    expected.filter((name) => typeof api[name] !== 'function'),
    [],
  )
})

test('the built window references only files the build wrote, all relative, and carries its CSP', () => {
  const dir = join(OUT, 'renderer')
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const references = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
  assert.ok(
    references.some((ref) => ref.endsWith('.js')),
    'index.html loads no script',
  )
  for (const ref of references) {
    // Relative, so the same files load from disk (the desktop app) and from `pail serve`.
    assert.match(ref, /^\.\//, `${ref} is not relative to index.html`)
    const file = resolve(dir, ref)
    assert.ok(existsSync(file), `index.html references ${ref}, which the build did not write`)
    if (file.endsWith('.js')) externalImportsOf(file)
  }
  // An inline script would be refused by the policy below.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/)
  const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
  assert.ok(csp, 'index.html has no Content-Security-Policy meta tag')
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  )
  assert.deepEqual(directives.get('default-src'), ["'self'"])
  assert.deepEqual(directives.get('script-src'), ["'self'"])
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/)
})
