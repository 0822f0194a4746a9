import t from 'tap'
import { SessionCache } from './session-cache.js'

t.test('the cache keeps at most its capacity, dropping the id learnt first', async (t) => {
  const cache = new SessionCache(2)
  cache.remember('a')
  cache.remember('b')
  cache.remember('a')
  cache.remember('c')

  t.equal(cache.size, 2)
  t.same(['a', 'b', 'c'].map((id) => cache.has(id)), [false, true, true])
})

t.test('forgotten ids are unknown again', async (t) => {
  const cache = new SessionCache(10)
  cache.remember('a')
  cache.remember('b')
  cache.forget(['a', 'x'])

  t.same([cache.has('a'), cache.has('b'), cache.size], [false, true, 1])
})

t.test('a cache of capacity 0 remembers nothing', async (t) => {
  const cache = new SessionCache(0)
  cache.remember('a')
  t.same([cache.has('a'), cache.size], [false, 0])
})
