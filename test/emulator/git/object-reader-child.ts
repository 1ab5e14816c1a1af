/**
 * Child process of object-reader.test.ts: asks one repository one question through its
 * long-lived reader, prints the answer and does not close the reader. The test checks that the
 * process still ends by itself.
 */
import { GitRepository } from './git-store.js'

const repo = new GitRepository(process.argv[2]!)
process.stdout.write(`${(await repo.branchTip('main')) ?? 'none'}\n`)
