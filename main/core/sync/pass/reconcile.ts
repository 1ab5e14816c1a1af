/**
 * Decides, path by path, what to do when both the folder and the branch may have changed since
 * the base (DESIGN.md §4). The rule throughout: no version is ever lost.
 *
 * | folder \ branch  | unchanged      | added/modified              | removed          |
 * | ---------------- | -------------- | --------------------------- | ---------------- |
 * | unchanged        | —              | download                    | delete locally   |
 * | added/changed    | upload         | compare: same → record; else conflict | upload (keeps the local edit) |
 * | deleted          | delete remotely| download (the edit wins over the delete) | forget   |
 */

export type LocalChange = 'upload' | 'delete'
export type RemoteChange = 'added' | 'modified' | 'removed'

export type Action =
  | { kind: 'upload'; path: string }
  | { kind: 'delete-remote'; path: string }
  | { kind: 'download'; path: string }
  | { kind: 'delete-local'; path: string }
  /** Both sides changed: compare the contents; equal → record, different → conflict. */
  | { kind: 'compare'; path: string }
  /** Both sides deleted it: only the index forgets it. */
  | { kind: 'forget'; path: string }

/** The actions for every path that changed on either side (paths are repository paths). */
export function reconcile(
  local: ReadonlyMap<string, LocalChange>,
  remote: ReadonlyMap<string, RemoteChange>,
): Action[] {
  const actions: Action[] = []
  const paths = new Set([...local.keys(), ...remote.keys()])
  for (const path of [...paths].sort()) {
    const mine = local.get(path)
    const theirs = remote.get(path)
    if (!theirs) actions.push(mine === 'upload' ? { kind: 'upload', path } : { kind: 'delete-remote', path })
    else if (!mine) actions.push(theirs === 'removed' ? { kind: 'delete-local', path } : { kind: 'download', path })
    else if (mine === 'upload')
      actions.push(theirs === 'removed' ? { kind: 'upload', path } : { kind: 'compare', path })
    else actions.push(theirs === 'removed' ? { kind: 'forget', path } : { kind: 'download', path })
  }
  return actions
}

/**
 * The name of the copy that keeps the local version of a conflicting file, beside it:
 * `report (conflict from laptop 2026-11-23 1712).docx` — named after the device and time,
 * as Dropbox and Syncthing do (peer-apps.md §5). When that name is taken (two conflicts on one
 * file within a minute), `n` > 1 tells the copies apart: `report (conflict from laptop 2026-11-23 1712 2).docx`.
 */
export function conflictCopyName(path: string, device: string, when: Date, n = 1): string {
  const slash = path.lastIndexOf('/')
  const dir = path.slice(0, slash + 1)
  const name = path.slice(slash + 1)
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  const pad = (n: number): string => String(n).padStart(2, '0')
  const stamp = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${pad(when.getHours())}${pad(when.getMinutes())}`
  const safeDevice = device.replace(/[/\\:*?"<>|]/g, '-')
  return `${dir}${stem} (conflict from ${safeDevice} ${stamp}${n > 1 ? ` ${n}` : ''})${ext}`
}
