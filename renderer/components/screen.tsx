/**
 * One screen of the window: its heading, which takes the focus when the screen opens so that
 * keyboard and screen-reader users start at the top of what they asked for.
 */
import { useEffect, useRef, type ReactNode } from 'react'

/** A screen with its heading (focused on open) and an optional line under it. */
export function Screen({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    heading.current?.focus()
  }, [title])
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </section>
  )
}
