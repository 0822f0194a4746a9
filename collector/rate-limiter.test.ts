import t from 'tap'
import { FixedWindowLimiter } from './rate-limiter.js'

/** A limiter on a clock the test moves by hand, starting at a round time. */
function limiterAt(options: { max: number, windowMs?: number, keys?: number }) {
  const clock = { nowMs: 1_700_000_000_000 }
  const limiter = new FixedWindowLimiter({
    max: options.max,
    windowMs: options.windowMs ?? 60_000,
    keys: options.keys ?? 10,
    now: () => clock.nowMs
  })
  return { limiter, clock }
}

t.test('a key gets max requests per window; the next ones wait until the window ends', async (t) => {
  const { limiter, clock } = limiterAt({ max: 2 })

  t.same([limiter.hit('a'), limiter.hit('a')], [0, 0])
  t.equal(limiter.hit('a'), 60, 'refused at the start of the window: the whole minute')
  clock.nowMs += 20_500
  t.equal(limiter.hit('a'), 40, '39.5 s left round up to 40')
  clock.nowMs += 39_000
  t.equal(limiter.hit('a'), 1, '0.5 s left round up to 1')
  t.equal(limiter.hit('b'), 0, 'another key has its own count')
})

t.test('Retry-After is at least one second, even in the window\'s last millisecond', async (t) => {
  const { limiter, clock } = limiterAt({ max: 1, windowMs: 1000 })

  limiter.hit('a')
  clock.nowMs += 999
  t.equal(limiter.hit('a'), 1)
})

t.test('a window ends windowMs after its first request, and the next request starts a new one',
  async (t) => {
  const { limiter, clock } = limiterAt({ max: 1 })

  t.equal(limiter.hit('a'), 0)
  clock.nowMs += 30_000
  t.equal(limiter.hit('a'), 30, 'the refused request does not move the window')
  clock.nowMs += 29_999
  t.equal(limiter.hit('a'), 1, 'one millisecond before the end')
  clock.nowMs += 1
  t.equal(limiter.hit('a'), 0, 'at the end: a new window')
  clock.nowMs += 59_999
  t.equal(limiter.hit('a'), 1, 'which began with that request')
})

t.test('refused requests count: a key over its limit stays refused until its window ends', async (t) => {
  const { limiter, clock } = limiterAt({ max: 3 })

  const answers = []
  for (let n = 0; n < 6; n++) answers.push(limiter.hit('a'))
  t.same(answers, [0, 0, 0, 60, 60, 60])
  clock.nowMs += 60_000
  t.same([limiter.hit('a'), limiter.hit('a'), limiter.hit('a'), limiter.hit('a')], [0, 0, 0, 60])
})

t.test('beyond `keys` keys the least recently seen is forgotten, and starts again at zero', async (t) => {
  const { limiter } = limiterAt({ max: 1, keys: 3 })

  for (const key of ['a', 'b', 'c']) limiter.hit(key)
  t.equal(limiter.hit('a'), 60, 'a is refused, and now the most recently seen')
  limiter.hit('d')
  t.equal(limiter.size, 3)
  t.same([limiter.hit('c'), limiter.hit('a')], [60, 60], 'c and a are remembered')
  t.equal(limiter.hit('b'), 0, 'b, seen least recently, was forgotten')
  t.equal(limiter.hit('d'), 0, 'remembering b again forgot d, by then the least recently seen')
  t.equal(limiter.size, 3)
})

t.test('a key seen several times in a row stays the most recently seen', async (t) => {
  const { limiter } = limiterAt({ max: 2, keys: 2 })

  for (const key of ['a', 'b', 'a', 'a', 'c']) limiter.hit(key)
  t.equal(limiter.hit('a'), 60, 'a was remembered: its fourth request is refused')
  t.equal(limiter.hit('b'), 0, 'b was forgotten when c came')
})

t.test('a key whose window has ended starts a new one without growing the map', async (t) => {
  const { limiter, clock } = limiterAt({ max: 1, keys: 2 })

  limiter.hit('a')
  limiter.hit('b')
  clock.nowMs += 60_000
  t.same([limiter.hit('a'), limiter.hit('a')], [0, 60])
  t.equal(limiter.size, 2)
  t.equal(limiter.hit('b'), 0)
})
