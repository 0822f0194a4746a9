/**
 * Text as the collector takes it. A lone surrogate (it has no UTF-8 form) or a NUL (PostgreSQL
 * cannot store it) anywhere in a body makes the collector refuse the whole batch, so every
 * string value sent passes through here: a lone surrogate becomes U+FFFD and a NUL goes.
 */
export const clean = (text: string) => text.replace(/\p{Cs}/gu, '\ufffd').replace(/\0/g, '')

/** The first `max` characters, counted in code points: a cut never splits a surrogate pair. */
export const cut = (text: string, max: number) => [...text].slice(0, max).join('')
