/**
 * Pail's name and version, from package.json. Imported, not read from disk at run time: the build
 * puts the two values into the bundle, so nothing depends on where this file ends up (out/ holds no
 * package.json beside the code).
 */
import manifest from '../../package.json' with { type: 'json' }

/** Name and version of this Pail. */
export const appManifest: { name: string; version: string } = { name: manifest.name, version: manifest.version }
