// The plain walk of the warm-start floor (pass-child.ts): readdir of every folder, lstat of every
// file, nothing else. Plain JavaScript, so that the worker threads of `floor-threads` run it
// without tsx and their start is Node's own; the single-thread floor runs the same function.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isMainThread, parentPort, workerData } from 'node:worker_threads'

/** Every file under `dir`, lstat'ed; returns how many. @param {string} dir @returns {number} */
export function walk(dir) {
  let files = 0
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name)
    if (dirent.isDirectory()) files += walk(path)
    else if (lstatSync(path).isFile()) files++
  }
  return files
}

// In a worker thread: walks its share of the root's top-level entries and posts how many files.
if (!isMainThread && workerData && workerData.floorWalk) {
  let files = 0
  for (const name of workerData.names) {
    const path = join(workerData.root, name)
    const info = lstatSync(path)
    if (info.isDirectory()) files += walk(path)
    else if (info.isFile()) files++
  }
  parentPort?.postMessage(files)
}
