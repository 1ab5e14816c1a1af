import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { apiGet, collectPages, commitFiles, commitTree, errorMessage, getJson } from './read-test-support.js'

const BASE = '/2.0/repositories/pail-demo/handbook'
const PNG = Buffer.from([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0,
  0,
  0,
  13,
  ...Array.from({ length: 256 }, (_, i) => i),
])

interface Entry {
  type: 'commit_file' | 'commit_directory'
  path: string
  escaped_path?: string
  size?: number
  attributes?: string[]
  commit: { hash: string; type: string }
  links: { self: { href: string }; meta: { href: string } }
}

interface Listing {
  pagelen: number
  values: Entry[]
  next?: string
}

/** A tree with nesting, modes, binary content, a link, and names needing escapes. */
async function seedTree(emu: RunningEmulator): Promise<string> {
  return commitTree(emu, [
    { path: 'docs/guide.md', content: '# Guide\n' },
    { path: 'docs/my file.md', content: 'spaced\n' },
    { path: 'docs/café.md', content: 'accent\n' },
    { path: 'docs/deep/inner.txt', content: 'inner\n' },
    { path: 'docs/deep/deeper/bottom.txt', content: 'bottom\n' },
    { path: 'bin/run.sh', content: '#!/bin/sh\necho hi\n', mode: '100755' },
    { path: 'assets/logo.png', content: PNG },
    { path: 'latest', content: 'README.md', mode: '120000' },
    { path: 'a/__init__.py', content: '' },
    { path: 'b/__init__.py', content: '' },
    { path: 'Makefile', content: 'all:\n' },
  ])
}

test('GET …/src redirects to the main branch root listing; status and target follow the settings (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const tip = (await getJson<{ target: { hash: string } }>(emu, `${BASE}/refs/branches/main`, token)).target.hash
  const res = await apiGet(emu, `${BASE}/src?pagelen=5`, token)
  assert.equal(res.status, 302)
  assert.equal(res.headers.get('location'), `${emu.info.apiUrl}${BASE}/src/${tip}/?pagelen=5`)
  const followed = await fetch(`${emu.info.apiUrl}${BASE}/src`, { headers: { authorization: `Bearer ${token}` } })
  assert.equal(followed.status, 200)
  assert.deepEqual(
    ((await followed.json()) as Listing).values.map((v) => v.path),
    ['README.md'],
  )
  await emu.control('PATCH', '/settings', { srcRootRedirectStatus: 301, srcRootRedirectTarget: 'branch' })
  const moved = await apiGet(emu, `${BASE}/src`, token)
  assert.equal(moved.status, 301)
  assert.equal(moved.headers.get('location'), `${emu.info.apiUrl}${BASE}/src/main/`)
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/empty-repo/src', token)).status, 404)
})

test('raw files stream their bytes with an extension type, no charset, attachment and an ETag (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const readme = await apiGet(emu, `${BASE}/src/main/README.md`, token)
  assert.equal(readme.status, 200)
  assert.equal(readme.headers.get('content-type'), 'text/markdown')
  assert.equal(readme.headers.get('content-disposition'), 'attachment')
  assert.match(readme.text, /^# Handbook/)
  const png = await apiGet(emu, `${BASE}/src/${sha}/assets/logo.png`, token)
  assert.equal(png.headers.get('content-type'), 'image/png')
  assert.deepEqual(png.body, PNG)
  assert.equal(Number(png.headers.get('content-length')), PNG.length)
  assert.equal(
    (await apiGet(emu, `${BASE}/src/${sha}/Makefile`, token)).headers.get('content-type'),
    'application/octet-stream',
  )
  await emu.control('PATCH', '/settings', { srcDefaultContentType: 'text/plain' })
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/Makefile`, token)).headers.get('content-type'), 'text/plain')
  // "an empty __init__.py always returns the same ETag, regardless on the directory it lives in, or the commit".
  const etagA = (await apiGet(emu, `${BASE}/src/${sha}/a/__init__.py`, token)).headers.get('etag')
  const later = await commitFiles(emu, { 'c/__init__.py': '' })
  const etagC = (await apiGet(emu, `${BASE}/src/${later}/c/__init__.py`, token)).headers.get('etag')
  assert.ok(etagA)
  assert.equal(etagA, etagC)
  assert.notEqual(etagA, readme.headers.get('etag'))
  const head = await apiGet(emu, `${BASE}/src/${sha}/assets/logo.png`, token, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.body.length, 0)
  assert.equal(head.headers.get('etag'), png.headers.get('etag'))
})

test('format=meta gives a commit_file with a list of attributes and the URL commit (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const meta = await getJson<Entry>(emu, `${BASE}/src/main/docs/guide.md?format=meta`, token)
  assert.deepEqual(meta, {
    links: {
      self: { href: `${emu.info.apiUrl}${BASE}/src/${sha}/docs/guide.md` },
      meta: { href: `${emu.info.apiUrl}${BASE}/src/${sha}/docs/guide.md?format=meta` },
    },
    path: 'docs/guide.md',
    escaped_path: 'docs/guide.md',
    commit: {
      hash: sha,
      type: 'commit',
      links: {
        self: { href: `${emu.info.apiUrl}${BASE}/commit/${sha}` },
        html: { href: `${emu.info.webUrl}/pail-demo/handbook/commits/${sha}` },
      },
    },
    attributes: [],
    type: 'commit_file',
    size: 8,
  })
  const attrs = async (path: string): Promise<string[] | undefined> =>
    (await getJson<Entry>(emu, `${BASE}/src/${sha}/${path}?format=meta`, token)).attributes
  assert.deepEqual(await attrs('bin/run.sh'), ['executable'])
  assert.deepEqual(await attrs('assets/logo.png'), ['binary'])
  assert.deepEqual(await attrs('latest'), ['link'])
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/latest`, token)).text, 'README.md')
  const dir = await getJson<Entry>(emu, `${BASE}/src/${sha}/docs/?format=meta`, token)
  assert.equal(dir.type, 'commit_directory')
  assert.equal(dir.links.self.href, `${emu.info.apiUrl}${BASE}/src/${sha}/docs/`)
})

test('escaped_path quotes a path as git diff does; the setting can repeat the path instead', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const accent = await getJson<Entry>(emu, `${BASE}/src/${sha}/docs/caf%C3%A9.md?format=meta`, token)
  assert.equal(accent.path, 'docs/café.md')
  assert.equal(accent.escaped_path, '"docs/caf\\303\\251.md"')
  assert.equal(
    (await getJson<Entry>(emu, `${BASE}/src/${sha}/docs/my%20file.md?format=meta`, token)).escaped_path,
    'docs/my file.md',
  )
  await emu.control('PATCH', '/settings', { escapedPathStyle: 'path' })
  assert.equal(
    (await getJson<Entry>(emu, `${BASE}/src/${sha}/docs/caf%C3%A9.md?format=meta`, token)).escaped_path,
    'docs/café.md',
  )
})

test('directories list commit_directory and commit_file entries in git order with trailing-slash links (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const root = await getJson<Listing>(emu, `${BASE}/src/${sha}/?pagelen=100`, token)
  assert.deepEqual(
    root.values.map((v) => v.path),
    ['Makefile', 'README.md', 'a', 'assets', 'b', 'bin', 'docs', 'latest'],
  )
  const docs = root.values.find((v) => v.path === 'docs')!
  assert.equal(docs.type, 'commit_directory')
  assert.equal(docs.links.self.href, `${emu.info.apiUrl}${BASE}/src/${sha}/docs/`)
  assert.equal(docs.links.meta.href, `${emu.info.apiUrl}${BASE}/src/${sha}/docs/?format=meta`)
  assert.ok(root.values.every((v) => v.commit.hash === sha))
  // The listing of a branch names the branch's commit, not each file's last change.
  const viaBranch = await getJson<Listing>(emu, `${BASE}/src/main/docs`, token)
  assert.deepEqual(
    viaBranch.values.map((v) => v.path),
    ['docs/café.md', 'docs/deep', 'docs/guide.md', 'docs/my file.md'],
  )
  assert.ok(viaBranch.values.every((v) => v.commit.hash === sha))
  assert.deepEqual((await getJson<Listing>(emu, `${BASE}/src/main/docs/`, token)).values, viaBranch.values)
  assert.equal(
    viaBranch.values.find((v) => v.path === 'docs/my file.md')!.links.self.href,
    `${emu.info.apiUrl}${BASE}/src/${sha}/docs/my%20file.md`,
  )
})

test('max_depth walks breadth-first; too deep is HTTP 555; a bad value is 400 (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const walk = await getJson<Listing>(emu, `${BASE}/src/${sha}/docs/?max_depth=3&pagelen=100`, token)
  assert.deepEqual(
    walk.values.map((v) => v.path),
    [
      'docs/café.md',
      'docs/deep',
      'docs/guide.md',
      'docs/my file.md',
      'docs/deep/deeper',
      'docs/deep/inner.txt',
      'docs/deep/deeper/bottom.txt',
    ],
  )
  const two = await getJson<Listing>(emu, `${BASE}/src/${sha}/docs/?max_depth=2&pagelen=100`, token)
  assert.equal(two.values.length, 6)
  await emu.control('PATCH', '/settings', { maxDepthBeforeTimeout: 4 })
  const timeout = await apiGet(emu, `${BASE}/src/${sha}/?max_depth=5`, token)
  assert.equal(timeout.status, 555)
  assert.equal(errorMessage(timeout), 'Request timed out')
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/?max_depth=4`, token)).status, 200)
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/?max_depth=zero`, token)).status, 400)
})

test('listings take q and sort, and paginate by next (§4.7)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const q = (expr: string): string => `q=${encodeURIComponent(expr)}`
  const binaries = await getJson<Listing>(
    emu,
    `${BASE}/src/${sha}/assets/?${q('size > 100 and attributes = "binary"')}`,
    token,
  )
  assert.deepEqual(
    binaries.values.map((v) => v.path),
    ['assets/logo.png'],
  )
  const bySize = await getJson<Listing>(emu, `${BASE}/src/${sha}/?sort=-size&${q('type = "commit_file"')}`, token)
  assert.deepEqual(
    bySize.values.map((v) => v.path),
    ['README.md', 'latest', 'Makefile'],
  )
  const files: Record<string, string> = {}
  for (let i = 0; i < 23; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = `${i}\n`
  await commitFiles(emu, files)
  const pages = await collectPages<Entry>(emu, `${BASE}/src/main/many/`, token)
  assert.equal(pages.pages, 3)
  assert.deepEqual(
    pages.values.map((v) => v.path),
    Object.keys(files),
  )
})

test('a branch with / sent as %2F, and %2F inside the path, are 404s (§8.2.1, §8.2.2)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  await commitFiles(emu, { 'on-feature.txt': 'f' }, { branch: 'feature/x' })
  const token = await emu.oauthToken(['repository'])
  const branch = await apiGet(emu, `${BASE}/src/feature%2Fx/on-feature.txt`, token)
  assert.equal(branch.status, 404)
  assert.deepEqual(branch.json(), {
    type: 'error',
    error: { message: 'Commit not found', data: { shas: ['feature/x'] } },
    data: { shas: ['feature/x'] },
  })
  const tip = (await getJson<{ target: { hash: string } }>(emu, `${BASE}/refs/branches/feature%2Fx`, token)).target.hash
  assert.equal((await apiGet(emu, `${BASE}/src/${tip}/on-feature.txt`, token)).text, 'f')
  const encoded = await apiGet(emu, `${BASE}/src/${sha}/docs%2Fguide.md`, token)
  assert.equal(encoded.status, 404)
  assert.equal(errorMessage(encoded), 'No such file or directory: docs/guide.md')
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/docs/guide.md`, token)).status, 200)
})

test('unknown commits and paths are 404 envelopes; the root needs its trailing slash (§4.7, §8.2.5)', async (t) => {
  const emu = await useEmulator(t)
  const sha = await seedTree(emu)
  const token = await emu.oauthToken(['repository'])
  const commit = await apiGet(emu, `${BASE}/src/nope/README.md`, token)
  assert.equal(commit.status, 404)
  assert.deepEqual(commit.json(), {
    type: 'error',
    error: { message: 'Commit not found', data: { shas: ['nope'] } },
    data: { shas: ['nope'] },
  })
  const path = await apiGet(emu, `${BASE}/src/${sha}/docs/missing.md`, token)
  assert.equal(path.status, 404)
  assert.deepEqual(path.json(), { type: 'error', error: { message: 'No such file or directory: docs/missing.md' } })
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/docs/guide.md/`, token)).status, 404, 'a file is not a directory')
  const noSlash = await apiGet(emu, `${BASE}/src/${sha}`, token)
  assert.equal(noSlash.status, 404)
  assert.equal(errorMessage(noSlash), 'Resource not found')
  assert.equal((await apiGet(emu, `${BASE}/src/${sha}/`, token)).status, 200)
})
