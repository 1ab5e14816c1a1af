/**
 * Saving a text the core made as a file on this computer: a download of the page. In the browser
 * (`pail serve`) it lands where the browser saves downloads; in the desktop app Electron asks where
 * to save it (its default for a download nobody handles). Nothing is sent anywhere.
 */

/** How long the file's address stays valid after the click: the download has started long before. */
const KEEP_URL_MS = 60_000

/** Saves `text` as a file called `fileName`. */
export function saveTextFile(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS)
}
