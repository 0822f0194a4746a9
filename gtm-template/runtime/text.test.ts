import t from 'tap'
import fc from 'fast-check'
import { hasLoneSurrogate, hasNul } from '../../collector/validate.js'
import { clean, cut } from './text.js'

const GRIN = '\u{1F600}'
// Its two UTF-16 halves (destructuring would iterate by code point).
const HIGH = GRIN[0]
const LOW = GRIN[1]

t.test('clean replaces lone surrogates by U+FFFD and drops NUL; everything else stays', async (t) => {
  const cases: [string, string, string][] = [
    ['a pair stays', `Pay ${GRIN}`, `Pay ${GRIN}`],
    ['a high half at the end', `Pay ${HIGH}`, 'Pay \ufffd'],
    ['a low half at the start', `${LOW}Pay`, '\ufffdPay'],
    ['halves in the wrong order', `${LOW}${HIGH}`, '\ufffd\ufffd'],
    ['NUL', '\u0000Pa\u0000\u0000y', 'Pay'],
    ['other control characters', '\u0001P\ta\ny\r\u001f\u007f\u0085', '\u0001P\ta\ny\r\u001f\u007f\u0085'],
    ['text in other scripts stays', 'Пополнить 💸 e\u0301te\u0301', 'Пополнить 💸 e\u0301te\u0301']
  ]
  for (const [name, text, expected] of cases) t.equal(clean(text), expected, name)
})

t.test('cut counts characters in code points and never splits a surrogate pair', async (t) => {
  const deposit = `Deposit ${'a'.repeat(991)}${GRIN} now`
  t.equal(deposit.slice(0, 1000).at(-1), HIGH, 'cutting 1000 UTF-16 units splits the emoji')
  t.equal(cut(deposit, 1000), `Deposit ${'a'.repeat(991)}${GRIN}`, 'kept whole as the 1000th character')
  t.equal(cut(deposit, 999), `Deposit ${'a'.repeat(991)}`, 'left out whole as the 1000th')
  t.equal(cut(GRIN.repeat(600), 1000), GRIN.repeat(600), '600 emoji are 600 characters')
  t.equal(cut(GRIN.repeat(1001), 1000), GRIN.repeat(1000))
  t.equal(cut('Pay', 1000), 'Pay')
})

t.test('whatever the text, the result is valid UTF-8 without NUL, within the limit', async (t) => {
  // Units of one UTF-16 code unit each (lone halves and control characters among them), and pairs.
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.constantFrom(GRIN, HIGH, LOW, '\u0000', '\u001f', ' ')
  )
  fc.assert(fc.property(fc.string({ unit, maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (text, max) => {
    // The runtime's order: cut when a button is queued, clean when it is sent.
    const kept = cut(text, max)
    const result = clean(kept)
    const splitsPair = /[\ud800-\udbff]$/.test(kept) && /^[\udc00-\udfff]/.test(text.slice(kept.length))
    const utf8 = Buffer.from(result, 'utf8').toString('utf8') === result
    return text.startsWith(kept) && !splitsPair && [...kept].length <= max
      && !hasLoneSurrogate(result) && !hasNul(result) && utf8
  }), { numRuns: 2000 })
  t.pass('2000 random texts')
})
