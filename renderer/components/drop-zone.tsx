/**
 * Where files can be dropped, and the file inputs beside it: "Files" and, for a whole folder,
 * "Folder to upload" (`webkitdirectory`). On the desktop a dropped folder goes to the core as it is
 * (its path); in the browser it is read through the entries API, each file keeping its path inside
 * the folder as `webkitRelativePath`, as a folder picked with "Folder to upload" has it.
 */
import { useId, useState, type DragEvent } from 'react'

/** A file of a dropped folder, carrying its path inside what was dropped like a picked folder's file. */
function withRelativePath(file: File, path: string): File {
  // The DOM's accessor lives on File.prototype; an own property on this one File shadows it.
  Object.defineProperty(file, 'webkitRelativePath', { value: path })
  return file
}

/** The files under a dropped entry (a file, or a folder read in full). */
async function filesOf(entry: FileSystemEntry, prefix: string): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
    return [prefix ? withRelativePath(file, `${prefix}${entry.name}`) : file]
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  const children: FileSystemEntry[] = []
  // readEntries answers in batches; an empty batch is the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) break
    children.push(...batch)
  }
  const nested = await Promise.all(children.map((child) => filesOf(child, `${prefix}${entry.name}/`)))
  return nested.flat()
}

/** The drop zone with the "Files" and "Folder to upload" inputs; hands over what was dropped or picked. */
export function DropZone({
  onFiles,
  disabled,
  readFolders,
}: {
  onFiles: (files: File[]) => void
  disabled: boolean
  /** Read dropped folders file by file (the browser); else hand them over as they are (desktop). */
  readFolders: boolean
}) {
  const filesId = useId()
  const folderId = useId()
  const [over, setOver] = useState(false)
  const dropped = async (event: DragEvent<HTMLDivElement>): Promise<void> => {
    event.preventDefault()
    setOver(false)
    if (disabled) return
    const entries = readFolders
      ? [...event.dataTransfer.items]
          .map((item) => item.webkitGetAsEntry())
          .filter((entry): entry is FileSystemEntry => entry !== null)
      : []
    if (entries.length > 0) onFiles((await Promise.all(entries.map((e) => filesOf(e, '')))).flat())
    else onFiles([...event.dataTransfer.files])
  }
  const picked = (list: FileList | null): void => {
    if (list && list.length > 0) onFiles([...list])
  }
  return (
    <div
      className={`drop-zone${over ? ' drop-over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => void dropped(event)}
    >
      <p className="lead">Drop files or folders here, or choose them:</p>
      <div className="inputs">
        <div className="field">
          <label htmlFor={filesId}>Files</label>
          <input id={filesId} type="file" multiple disabled={disabled} onChange={(e) => picked(e.target.files)} />
        </div>
        <div className="field">
          <label htmlFor={folderId}>Folder to upload</label>
          <input
            id={folderId}
            type="file"
            disabled={disabled}
            onChange={(e) => picked(e.target.files)}
            {...{ webkitdirectory: '' }}
          />
        </div>
      </div>
    </div>
  )
}
