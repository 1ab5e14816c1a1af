/**
 * A Pail process running one pass of a pair, for the soak's process kills: started by
 * PailUnderTest.childPass, which may SIGKILL it at any moment (or ask it to kill itself right
 * after Bitbucket's 201). It prints "ready" before the pass and the outcome as one JSON line.
 */
import { runChildFromEnv } from './pail-under-test.js'

await runChildFromEnv()
