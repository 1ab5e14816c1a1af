// A node:test reporter that prints only the closing line of counts, "N passed, N failed,
// N skipped", so the test command ends with one plain line of totals. Skipped tests are counted
// as skipped, never as passed.
export default async function* countsReporter(source) {
  let passed = 0
  let failed = 0
  let skipped = 0
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    // Suites report too; count only leaf tests.
    if (event.data.details?.type === 'suite') continue
    if (event.data.skip || event.data.todo) skipped++
    else if (event.type === 'test:pass') passed++
    else failed++
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`
}
