import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BbqlError, matchesBbql, naturalCompare, parseBbql, parseSort, sortItems, type FieldOptions } from './bbql.js'

const filter = <T>(q: string, items: T[], options: FieldOptions = {}): T[] => {
  const expr = parseBbql(q)
  return items.filter((item) => matchesBbql(expr, item, options))
}

const files = [
  { path: 'a.bin', type: 'commit_file', size: 4096, attributes: ['binary'] },
  { path: 'run.sh', type: 'commit_file', size: 10, attributes: ['executable'] },
  { path: 'docs', type: 'commit_directory' },
  { path: 'Notes.md', type: 'commit_file', size: 2048, attributes: [] },
]

test('comparisons on numbers and strings, with the [SPEC] listing example', () => {
  assert.deepEqual(
    filter('size > 1024 and attributes = "binary"', files).map((f) => f.path),
    ['a.bin'],
  )
  assert.deepEqual(
    filter('size>=2048', files).map((f) => f.path),
    ['a.bin', 'Notes.md'],
  )
  assert.deepEqual(
    filter('size < 2048', files).map((f) => f.path),
    ['run.sh'],
  )
  assert.deepEqual(
    filter('size <= 10', files).map((f) => f.path),
    ['run.sh'],
  )
  assert.deepEqual(
    filter('path = "docs"', files).map((f) => f.path),
    ['docs'],
  )
  assert.deepEqual(
    filter('type != "commit_file"', files).map((f) => f.path),
    ['docs'],
  )
})

test('~ and !~ are case-insensitive contains', () => {
  assert.deepEqual(
    filter('path ~ "NOTES"', files).map((f) => f.path),
    ['Notes.md'],
  )
  assert.deepEqual(
    filter('path !~ "s"', files).map((f) => f.path),
    ['a.bin'],
  )
})

test('a list field matches when any element does; an empty list matches nothing', () => {
  assert.deepEqual(
    filter('attributes = "executable"', files).map((f) => f.path),
    ['run.sh'],
  )
  assert.deepEqual(
    filter('attributes != "binary"', files).map((f) => f.path),
    ['run.sh', 'docs', 'Notes.md'],
  )
})

test('null tests for absence; booleans and IN / NOT IN lists', () => {
  assert.deepEqual(
    filter('size = null', files).map((f) => f.path),
    ['docs'],
  )
  assert.deepEqual(filter('size != null', files).length, 3)
  const ws = [
    { administrator: true, slug: 'a' },
    { administrator: false, slug: 'b' },
  ]
  assert.deepEqual(
    filter('administrator = true', ws).map((w) => w.slug),
    ['a'],
  )
  assert.deepEqual(
    filter('administrator = FALSE', ws).map((w) => w.slug),
    ['b'],
  )
  assert.deepEqual(
    filter('path IN ("docs", "run.sh")', files).map((f) => f.path),
    ['run.sh', 'docs'],
  )
  assert.deepEqual(
    filter('path NOT IN ("docs", "run.sh")', files).map((f) => f.path),
    ['a.bin', 'Notes.md'],
  )
})

test('AND binds tighter than OR, parentheses group, keywords in any case', () => {
  assert.deepEqual(
    filter('path = "docs" or size > 3000 and attributes = "binary"', files).map((f) => f.path),
    ['a.bin', 'docs'],
  )
  assert.deepEqual(
    filter('(path = "docs" OR size > 3000) AND type = "commit_file"', files).map((f) => f.path),
    ['a.bin'],
  )
})

test('dotted paths traverse embedded objects; aliases map short names', () => {
  const items = [{ workspace: { slug: 'alpha' } }, { workspace: { slug: 'beta' } }]
  assert.deepEqual(filter('workspace.slug = "beta"', items), [items[1]])
  assert.deepEqual(filter('slug ~ "alp"', items, { aliases: { slug: 'workspace.slug' } }), [items[0]])
})

test('enumerations compare by rank: permission > "read" is write or admin', () => {
  const perms = [{ permission: 'read' }, { permission: 'write' }, { permission: 'admin' }]
  const options = { orderings: { permission: ['none', 'read', 'write', 'admin'] } }
  assert.deepEqual(
    filter('permission > "read"', perms, options).map((p) => p.permission),
    ['write', 'admin'],
  )
  assert.deepEqual(
    filter('permission <= "write"', perms, options).map((p) => p.permission),
    ['read', 'write'],
  )
})

test('unquoted datetimes compare as instants, UTC unless an offset is given', () => {
  const commits = [{ date: '2015-10-04T20:00:00+00:00' }, { date: '2015-10-05T10:00:00+00:00' }]
  assert.deepEqual(filter('date > 2015-10-04T14:00:00-07:00', commits), [commits[1]])
  assert.deepEqual(filter('date >= 2015-10-05', commits), [commits[1]])
  assert.deepEqual(filter('date < 2015-10-04T20:00:01Z', commits), [commits[0]])
})

test('strings may contain escaped quotes and operators', () => {
  assert.deepEqual(filter('name = "say \\"hi\\" > x"', [{ name: 'say "hi" > x' }, { name: 'x' }]).length, 1)
})

test('malformed queries are BbqlErrors', () => {
  for (const q of [
    '',
    'size >',
    'size 5',
    '= 5',
    '(size > 5',
    'size > 5)',
    'name = "open',
    'name IN "a"',
    'name NOT "a"',
    'name = bare',
    'a = 1 and',
    'a # 1',
  ]) {
    assert.throws(() => parseBbql(q), BbqlError, q)
  }
})

test('sort: one field, - for descending, missing values last, natural where asked', () => {
  assert.deepEqual(
    sortItems(files, parseSort('-size')).map((f) => f.path),
    ['a.bin', 'Notes.md', 'run.sh', 'docs'],
  )
  assert.deepEqual(
    sortItems(files, parseSort('size')).map((f) => f.path),
    ['run.sh', 'Notes.md', 'a.bin', 'docs'],
  )
  const names = ['v10', 'v9', 'v1'].map((name) => ({ name }))
  assert.deepEqual(
    sortItems(names, parseSort('name')).map((b) => b.name),
    ['v1', 'v10', 'v9'],
  )
  assert.deepEqual(
    sortItems(names, parseSort('name'), { naturalSort: ['name'] }).map((b) => b.name),
    ['v1', 'v9', 'v10'],
  )
  assert.deepEqual(
    sortItems(names, parseSort('-name'), { naturalSort: ['name'] }).map((b) => b.name),
    ['v10', 'v9', 'v1'],
  )
  assert.throws(() => parseSort('-'), BbqlError)
  assert.throws(() => parseSort('size,name'), BbqlError)
})

test('natural comparison treats digit runs as numbers', () => {
  assert.ok(naturalCompare('branch2', 'branch10') < 0)
  assert.ok(naturalCompare('branch10', 'branch2') > 0)
  assert.equal(naturalCompare('same', 'same'), 0)
})
