/**
 * The icons Pail ships (build/icons/make-icons.ts): the checked-in files are what the script
 * writes — every file there, PNGs of the right size, ICOs whose directory lists PNGs of the right
 * sizes — and macOS template images are black with alpha only. A redraw that breaks a file, or
 * a state with no icon, fails here.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  BUILD_DIR,
  iconFiles,
  pngIco,
  renderIcons,
  renderTrayIcon,
  SOURCE_FILE,
} from '../../../../build/icons/make-icons.js'
import { TRAY_ICON_STATES, trayIconFile } from '../../../../main/core/tray/tray-icon.js'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** A PNG's width, height and colour type, read from its IHDR chunk. */
function pngHeader(bytes: Buffer, name: string): { width: number; height: number; colourType: number } {
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${name} is not a PNG`)
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', `${name} has no IHDR first`)
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes.readUInt8(25) }
}

/** An ICO's directory: each entry's size and its image's bytes. */
function icoImages(bytes: Buffer, name: string): { size: number; image: Buffer }[] {
  assert.equal(bytes.readUInt16LE(0), 0, `${name}: reserved word`)
  assert.equal(bytes.readUInt16LE(2), 1, `${name} is not an icon file`)
  const count = bytes.readUInt16LE(4)
  return Array.from({ length: count }, (_v, i) => {
    const entry = 6 + 16 * i
    const width = bytes.readUInt8(entry) || 256
    assert.equal(bytes.readUInt8(entry + 1) || 256, width, `${name}: entry ${i} is not square`)
    assert.equal(bytes.readUInt16LE(entry + 6), 32, `${name}: entry ${i} is not 32 bits per pixel`)
    const length = bytes.readUInt32LE(entry + 8)
    const offset = bytes.readUInt32LE(entry + 12)
    assert.ok(offset + length <= bytes.length, `${name}: entry ${i} points past the end of the file`)
    return { size: width, image: bytes.subarray(offset, offset + length) }
  })
}

/** Checks one file's bytes against what the plan says it holds. */
function checkFile(bytes: Buffer, file: ReturnType<typeof iconFiles>[number]): void {
  if (file.format === 'png') {
    const { width, height, colourType } = pngHeader(bytes, file.path)
    assert.deepEqual([width, height], [file.sizes[0], file.sizes[0]], `${file.path}: dimensions`)
    assert.equal(colourType, 6, `${file.path}: PNGs are RGBA`)
    return
  }
  const images = icoImages(bytes, file.path)
  assert.deepEqual(
    images.map((i) => i.size),
    file.sizes,
    `${file.path}: the sizes in its directory`,
  )
  for (const { size, image } of images) {
    const header = pngHeader(image, `${file.path} (${size} px)`)
    assert.deepEqual([header.width, header.height], [size, size], `${file.path}: the ${size} px image's dimensions`)
  }
}

test('every checked-in icon is the file the script writes: format, sizes, ICO directory', async () => {
  for (const file of iconFiles()) checkFile(await readFile(join(BUILD_DIR, file.path)), file)
})

test('a fresh rendering of the drawing gives files of the same format and sizes', async () => {
  const rendered = renderIcons(await readFile(SOURCE_FILE, 'utf8'))
  assert.deepEqual(
    [...rendered.keys()],
    iconFiles().map((f) => f.path),
  )
  for (const file of iconFiles()) checkFile(rendered.get(file.path)!, file)
})

test('every tray state has its file on every platform the tray picks it for', () => {
  const planned = new Set(iconFiles().map((f) => join(BUILD_DIR, f.path)))
  for (const state of TRAY_ICON_STATES)
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const file = trayIconFile(join(BUILD_DIR, 'tray'), state, platform)
      assert.ok(planned.has(file), `${file} (${state} on ${platform}) is not drawn`)
    }
  const macNames = iconFiles()
    .filter((f) => f.isTemplate)
    .map((f) => f.path)
  for (const state of TRAY_ICON_STATES) {
    assert.ok(macNames.includes(`tray/${state}Template.png`))
    assert.ok(macNames.includes(`tray/${state}Template@2x.png`))
  }
})

test('template images are black with alpha only, and not empty', async () => {
  const svg = await readFile(SOURCE_FILE, 'utf8')
  for (const state of TRAY_ICON_STATES) {
    const { pixels } = renderTrayIcon(svg, state, 32, true)
    let opaque = 0
    for (let i = 0; i < pixels.length; i += 4) {
      assert.deepEqual([pixels[i], pixels[i + 1], pixels[i + 2]], [0, 0, 0], `${state}: pixel ${i / 4} has colour`)
      if (pixels[i + 3]! > 0) opaque++
    }
    assert.ok(opaque > 100, `${state}: the template image is (nearly) empty`)
  }
})

test('the states look different from each other', async () => {
  const svg = await readFile(SOURCE_FILE, 'utf8')
  for (const isTemplate of [false, true]) {
    const seen = new Map<string, string>()
    for (const state of TRAY_ICON_STATES) {
      const key = renderTrayIcon(svg, state, 32, isTemplate).pixels.toString('base64')
      assert.equal(seen.get(key), undefined, `${state} looks like ${seen.get(key)} (template: ${isTemplate})`)
      seen.set(key, state)
    }
  }
})

test('the ICO writer: 256 px is written as 0, offsets follow the directory, other sizes refused', () => {
  const a = Buffer.from('first')
  const b = Buffer.from('second')
  const ico = pngIco([
    { size: 16, png: a },
    { size: 256, png: b },
  ])
  assert.equal(ico.readUInt8(6), 16)
  assert.equal(ico.readUInt8(6 + 16), 0)
  assert.equal(ico.readUInt32LE(6 + 12), 6 + 32)
  assert.equal(ico.readUInt32LE(6 + 16 + 12), 6 + 32 + a.length)
  assert.equal(ico.subarray(6 + 32 + a.length).toString(), 'second')
  assert.throws(() => pngIco([{ size: 257, png: a }]), /1 to 256 px/)
})
