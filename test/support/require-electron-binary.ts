/**
 * `npm run dist` and `npm start` start here: without Electron's binary on this machine it stops at once with a
 * sentence, instead of building out/ and then failing half-way in electron-builder's download.
 * (electron-builder downloads Electron for each target itself; a machine that could not fetch the
 * local binary cannot fetch those either.)
 */
import { ELECTRON_BINARY_MISSING, electronBinary } from './electron-binary.js'

if (!electronBinary()) {
  // npm names the script it runs; run by hand, this is the packaging check.
  const command = `npm ${process.env.npm_lifecycle_event === 'start' ? 'start' : 'run dist'}`
  process.stderr.write(
    `${command} stopped before building anything: ${ELECTRON_BINARY_MISSING}, then ${command} again.\n`,
  )
  process.exit(1)
}
