// A node:test reporter that prints only the totals: a line for Pail's tests and the emulator's apart
// (a test whose file is under test/emulator/ tests the emulator), then the closing line
// "N passed, N failed, N skipped", so the test command ends with one plain line of totals.
//
// It counts leaves: tests with no subtests. node:test reports a parent (a suite, or a test that ran
// `t.test()`) after its children, as `type: 'test'` too, so a parent is recognised by a child at the
// next nesting level having ended since the parent's previous sibling. A parent is counted only when
// it failed on its own (a failing hook, code after its subtests throwing) with no failed child:
// that failure would otherwise show nowhere. Skipped and todo tests are counted as skipped, never
// as passed; a skipped suite, whose tests never run, counts as one skipped.
import { relative, sep } from 'node:path'

const EMULATOR = `test${sep}emulator${sep}`

/** Which total a test belongs to, by its file. */
function groupOf(file) {
  return file && relative(process.cwd(), file).startsWith(EMULATOR) ? 'emulator' : 'pail'
}

/** "N passed, N failed, N skipped" */
function line({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`
}

export default async function* countsReporter(source) {
  const totals = { pail: { passed: 0, failed: 0, skipped: 0 }, emulator: { passed: 0, failed: 0, skipped: 0 } }
  // Per file (files run in parallel and their events interleave), per nesting level: whether the
  // test open at that level has had a child end, and whether one of its descendants failed.
  const files = new Map()
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const { file, nesting, details } = event.data
    if (!files.has(file)) files.set(file, { hasChild: [], hasFailedChild: [] })
    const tree = files.get(file)
    const hasChild = tree.hasChild[nesting] ?? false
    const hasFailedChild = tree.hasFailedChild[nesting] ?? false
    tree.hasChild[nesting] = tree.hasFailedChild[nesting] = false
    const failed = event.type === 'test:fail'
    if (nesting > 0) {
      tree.hasChild[nesting - 1] = true
      if (failed) tree.hasFailedChild[nesting - 1] = true
    }

    const counts = totals[groupOf(file)]
    if (hasChild) {
      if (failed && !hasFailedChild) counts.failed++
    } else if (event.data.skip || event.data.todo) counts.skipped++
    else if (failed) counts.failed++
    // An empty suite passing is no test.
    else if (details?.type !== 'suite') counts.passed++
  }
  const { pail, emulator } = totals
  const all = Object.fromEntries(['passed', 'failed', 'skipped'].map((key) => [key, pail[key] + emulator[key]]))
  yield `\nPail: ${line(pail)} · emulator: ${line(emulator)}\n${line(all)}\n`
}
