/**
 * Which paths git's index takes: a port of `verify_path` (read-cache.c, git 2.39) with
 * `core.protectNTFS` on and `core.protectHFS` off, git's defaults outside macOS. `git fast-import`
 * writes any path it is given, `.git` included, so the emulator asks this before handing it paths;
 * verify-path.test.ts holds the port to what `git update-index` on this machine refuses.
 */

/** Lower case for ASCII letters only, as git's `tolower` and `strncasecmp` see bytes. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** `/` and, on Windows-minded checks, `\`. */
function isXplatformDirSep(c: string | undefined): boolean {
  return c === '/' || c === '\\'
}

/** What follows a name git protects: only spaces and periods up to the end, a `:` or (`stopAtSep`) a separator. */
function onlySpacesAndPeriods(rest: string, stopAtSep: boolean): boolean {
  for (const c of rest) {
    if (c === ':' || (stopAtSep && isXplatformDirSep(c))) return true
    if (c !== '.' && c !== ' ') return false
  }
  return true
}

/** `is_ntfs_dotgit`: `.git` or `git~1` (any case), then spaces and periods, at `name`'s start. */
function isNtfsDotGit(name: string): boolean {
  const lower = asciiLower(name.slice(0, 5))
  let rest: string
  if (lower.startsWith('.git')) rest = name.slice(4)
  else if (lower === 'git~1') rest = name.slice(5)
  else return false
  return onlySpacesAndPeriods(rest, true)
}

/** `is_ntfs_dot_generic` for `.gitmodules` (short names `gitmod~1`–`~4` and `gi7eba~N`). */
function isNtfsDotGitmodules(name: string): boolean {
  const dotgit = 'gitmodules'
  if (name[0] === '.' && asciiLower(name.slice(1, 1 + dotgit.length)) === dotgit)
    return onlySpacesAndPeriods(name.slice(1 + dotgit.length), false)
  if (asciiLower(name.slice(0, 6)) === dotgit.slice(0, 6) && name[6] === '~' && name[7]! >= '1' && name[7]! <= '4')
    return onlySpacesAndPeriods(name.slice(8), false)
  // The fall-back 8.3 short name: up to six characters of the hash prefix, `~`, digits.
  const prefix = 'gi7eba'
  let sawTilde = false
  for (let i = 0; i < 8; i++) {
    const c = name[i]
    if (c === undefined) return false
    if (sawTilde) {
      if (c < '0' || c > '9') return false
    } else if (c === '~') {
      const digit = name[++i]
      if (digit === undefined || digit < '1' || digit > '9') return false
      sawTilde = true
    } else if (i >= 6) return false
    else if (c.charCodeAt(0) >= 0x80 || asciiLower(c) !== prefix[i]) return false
  }
  return onlySpacesAndPeriods(name.slice(8), false)
}

/** `verify_dotfile`: the rest of a component that began with `.`. */
function verifyDotfile(rest: string, link: boolean): boolean {
  const next = rest[0]
  // `.` itself.
  if (next === undefined || next === '/') return false
  if (next === 'g' || next === 'G') {
    if (asciiLower(rest.slice(1, 3)) !== 'it') return true
    const after = rest[3]
    if (after === undefined || after === '/') return false
    if (link) {
      const tail = rest.slice(3)
      if (asciiLower(tail.slice(0, 7)) === 'modules' && (tail[7] === undefined || tail[7] === '/')) return false
    }
    return true
  }
  // `..`.
  if (next === '.' && (rest[1] === undefined || rest[1] === '/')) return false
  return true
}

/** Checks a component starting at `i` (just after a separator, or the path's start). */
function componentTaken(path: string, i: number, link: boolean): boolean {
  const rest = path.slice(i)
  if (isNtfsDotGit(rest)) return false
  if (link && isNtfsDotGitmodules(rest)) return false
  const c = path[i]
  if (c === '.' && !verifyDotfile(path.slice(i + 1), link)) return false
  // An empty component, or a trailing slash (which only a sparse directory entry may have).
  if (c === '/' || c === undefined) return false
  return true
}

/**
 * Whether git's index takes `path` for an entry of `mode` ('100644', '100755', '120000'): false
 * for what `git update-index` would refuse with "Ignoring path".
 */
export function gitAcceptsPath(path: string, mode: string): boolean {
  if (path.includes('\0')) return false
  const link = mode === '120000'
  if (!componentTaken(path, 0, link)) return false
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '/') {
      if (!componentTaken(path, i + 1, link)) return false
    } else if (path[i] === '\\') {
      // With protectNTFS, what follows a backslash is checked as a name too (Windows reads it so).
      const rest = path.slice(i + 1)
      if (isNtfsDotGit(rest) || (link && isNtfsDotGitmodules(rest))) return false
    }
  }
  return true
}
