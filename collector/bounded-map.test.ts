import t from 'tap'
import { setBounded } from './bounded-map.js'

t.test('a full bounded map forgets its oldest entry to take a new key', async (t) => {
  const map = new Map([['a', 1], ['b', 2]])
  setBounded(map, 'c', 3, 2)
  t.same([...map], [['b', 2], ['c', 3]])
})

t.test('a full bounded map changes a key it holds without forgetting another', async (t) => {
  const map = new Map([['a', 1], ['b', 2]])
  setBounded(map, 'a', 10, 2)
  t.same([...map], [['a', 10], ['b', 2]])
})
