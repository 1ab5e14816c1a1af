/**
 * Draws every icon Pail ships from one drawing, build/icons/src/pail.svg (`npm run icons`):
 *
 * - the tray, one icon per state (main/core/tray/tray-icon.ts) in build/tray/: `<state>.png` and
 *   `@2x` for Linux, `<state>Template.png` and `@2x` for macOS (black and alpha only, as template
 *   images must be), `<state>.ico` for Windows (16, 24 and 32 px);
 * - the app icon for packaging: build/icon.png (1024 px) and build/icon.ico (16–256 px).
 *
 * The drawing is rendered by resvg (@resvg/resvg-js); the state is chosen by the class on the
 * drawing's root (see the drawing's own comment). Run it after changing the drawing and commit
 * what it writes; test/unit/build/icons/make-icons.test.ts checks the files it wrote.
 */
import { Resvg } from '@resvg/resvg-js'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TRAY_ICON_STATES, type TrayIconState } from '../../main/core/tray/tray-icon.js'

/** build/, where electron-builder looks for its resources. */
export const BUILD_DIR = fileURLToPath(new URL('..', import.meta.url))
export const SOURCE_FILE = join(BUILD_DIR, 'icons', 'src', 'pail.svg')

/** Linux tray icons: 22 px (the AppIndicator size), twice that for HiDPI. */
const LINUX_SIZE = 22
/** macOS menu bar: 16 × 16 at 72 dpi, 32 × 32 @2x (Electron's tray docs). */
const MAC_SIZE = 16
/** Windows notification area: 16 px at 100 %, 24 at 150 %, 32 at 200 %. */
const WINDOWS_TRAY_SIZES = [16, 24, 32]
const APP_ICON_SIZE = 1024
const WINDOWS_APP_SIZES = [16, 24, 32, 48, 64, 128, 256]

/** One file the script writes: where (relative to build/), its format and the sizes in it. */
export interface IconFile {
  path: string
  format: 'png' | 'ico'
  sizes: number[]
  /** What it shows: a tray state, or the app icon. */
  shows: TrayIconState | 'app'
  /** A macOS template image: black, only alpha varies. */
  isTemplate: boolean
}

/** Every file the script writes, in order. */
export function iconFiles(): IconFile[] {
  const files: IconFile[] = []
  for (const state of TRAY_ICON_STATES) {
    const png = (name: string, size: number, isTemplate: boolean): IconFile => ({
      path: `tray/${name}`,
      format: 'png',
      sizes: [size],
      shows: state,
      isTemplate,
    })
    files.push(png(`${state}.png`, LINUX_SIZE, false), png(`${state}@2x.png`, LINUX_SIZE * 2, false))
    files.push(png(`${state}Template.png`, MAC_SIZE, true), png(`${state}Template@2x.png`, MAC_SIZE * 2, true))
    files.push({ path: `tray/${state}.ico`, format: 'ico', sizes: WINDOWS_TRAY_SIZES, shows: state, isTemplate: false })
  }
  files.push({ path: 'icon.png', format: 'png', sizes: [APP_ICON_SIZE], shows: 'app', isTemplate: false })
  files.push({ path: 'icon.ico', format: 'ico', sizes: WINDOWS_APP_SIZES, shows: 'app', isTemplate: false })
  return files
}

/** The drawing with its root's class set to `classes` (which picks the state). */
function withRootClass(svg: string, classes: string): string {
  const root = /<svg\b[^>]*?\sclass="[^"]*"/
  if (!root.test(svg)) throw new Error(`${SOURCE_FILE}: the root <svg> needs a class="state-…" attribute.`)
  return svg.replace(root, (tag) => tag.replace(/\sclass="[^"]*"$/, ` class="${classes}"`))
}

/** The app icon: the pail, white, on a rounded blue tile with the margins macOS icons keep. */
function appIconSvg(svg: string): string {
  const pail = withRootClass(svg, 'state-app')
    .replace(/^[\s\S]*?(?=<svg\b)/, '')
    .replace(/<svg\b/, '<svg x="222" y="206" width="580" height="580"')
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="tile" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#3f8fe0" /><stop offset="1" stop-color="#1d4f8c" />
  </linearGradient></defs>
  <rect x="100" y="100" width="824" height="824" rx="185" fill="url(#tile)" />
  ${pail}
</svg>`
}

/** One rendering: the PNG, and its pixels (RGBA, premultiplied) for checks. */
export interface Rendering {
  png: Buffer
  pixels: Buffer
  width: number
  height: number
}

function render(svg: string, size: number): Rendering {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render()
  return { png: image.asPng(), pixels: image.pixels, width: image.width, height: image.height }
}

/** The tray icon of `state` at `size` px; `isTemplate` for macOS's black-and-alpha version. */
export function renderTrayIcon(svg: string, state: TrayIconState, size: number, isTemplate: boolean): Rendering {
  const rendering = render(withRootClass(svg, isTemplate ? `state-${state} template` : `state-${state}`), size)
  if (isTemplate) assertBlackAndAlpha(rendering, `${state}Template (${size} px)`)
  return rendering
}

/** The app icon at `size` px. */
export function renderAppIcon(svg: string, size: number): Rendering {
  return render(appIconSvg(svg), size)
}

/** A template image with any colour in it shows wrong in the menu bar: refuse to write it. */
function assertBlackAndAlpha({ pixels }: Rendering, name: string): void {
  for (let i = 0; i < pixels.length; i += 4)
    if (pixels[i]! !== 0 || pixels[i + 1]! !== 0 || pixels[i + 2]! !== 0)
      throw new Error(`${name}: a template image must be black with alpha only; the drawing leaves colour in it.`)
}

/**
 * An ICO file holding PNG images (Windows Vista and later read them, Electron's nativeImage too).
 *
 * Written here by hand: the container is a 6-byte header and a 16-byte entry per image in front
 * of the PNGs, which is less code than a dependency (none is installed) would be to review.
 * Layout: ICONDIR {reserved 0, type 1, count}, then ICONDIRENTRY {width, height (0 means 256),
 * colours 0, reserved 0, planes 1, bits per pixel 32, bytes, offset}, all little-endian.
 */
export function pngIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, png }, i) => {
    if (size < 1 || size > 256) throw new Error(`An ICO image is 1 to 256 px wide, not ${size}.`)
    const entry = 6 + 16 * i
    header.writeUInt8(size === 256 ? 0 : size, entry)
    header.writeUInt8(size === 256 ? 0 : size, entry + 1)
    header.writeUInt8(0, entry + 2)
    header.writeUInt8(0, entry + 3)
    header.writeUInt16LE(1, entry + 4)
    header.writeUInt16LE(32, entry + 6)
    header.writeUInt32LE(png.length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...images.map((image) => image.png)])
}

/** Every file's bytes, by its path relative to build/. */
export function renderIcons(svg: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (const file of iconFiles()) {
    const { shows } = file
    const draw = (size: number): Buffer =>
      shows === 'app' ? renderAppIcon(svg, size).png : renderTrayIcon(svg, shows, size, file.isTemplate).png
    out.set(
      file.path,
      file.format === 'ico' ? pngIco(file.sizes.map((size) => ({ size, png: draw(size) }))) : draw(file.sizes[0]!),
    )
  }
  return out
}

async function main(): Promise<void> {
  const svg = await readFile(SOURCE_FILE, 'utf8')
  const files = renderIcons(svg)
  for (const [path, bytes] of files) {
    const target = join(BUILD_DIR, path)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, bytes)
  }
  console.log(`icons: wrote ${files.size} files under ${BUILD_DIR}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`icons: ${(error as Error).message}`)
    process.exit(1)
  })
}
