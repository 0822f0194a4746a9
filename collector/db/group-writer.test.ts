import t from 'tap'
import { GroupWriter } from './group-writer.js'

/** A writer that records each group it is handed and answers when the test releases it. */
function recordingWriter(options: { maxSize: number, concurrency: number, maxWaitMs?: number }) {
  const groups: number[][] = []
  const releases: Array<() => void> = []
  let inFlight = 0
  let mostInFlight = 0
  const writer = new GroupWriter<number, string>(async (items) => {
    groups.push(items)
    inFlight++
    mostInFlight = Math.max(mostInFlight, inFlight)
    await new Promise<void>((resolve) => releases.push(resolve))
    inFlight--
    return items.map((item) => (item < 0 ? new Error(`bad ${item}`) : `wrote ${item}`))
  }, { maxWaitMs: 0, ...options })
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.shift()!()
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { writer, groups, releaseAll, mostInFlight: () => mostInFlight }
}

const settleAll = (promises: Promise<string>[]) => Promise.allSettled(promises)

t.test('items submitted in the same turn are written as one group', async (t) => {
  const { writer, groups, releaseAll } = recordingWriter({ maxSize: 100, concurrency: 1 })
  const answers = [1, 2, 3].map((item) => writer.submit(item))
  await new Promise((resolve) => setImmediate(resolve))
  await releaseAll()

  t.same(await Promise.all(answers), ['wrote 1', 'wrote 2', 'wrote 3'])
  t.same(groups, [[1, 2, 3]])
})

t.test('items arriving while every slot is busy wait and go together in the next group', async (t) => {
  const { writer, groups, releaseAll } = recordingWriter({ maxSize: 100, concurrency: 1 })
  const first = writer.submit(1)
  await new Promise((resolve) => setImmediate(resolve))
  const later = [2, 3, 4].map((item) => writer.submit(item))
  await new Promise((resolve) => setImmediate(resolve))
  t.same(groups, [[1]], 'the second group waits for the first to finish')

  await releaseAll()
  await Promise.all([first, ...later])
  t.same(groups, [[1], [2, 3, 4]])
})

t.test('a group never holds more than maxSize items', async (t) => {
  const { writer, groups, releaseAll } = recordingWriter({ maxSize: 2, concurrency: 1 })
  const answers = [1, 2, 3, 4, 5].map((item) => writer.submit(item))
  await new Promise((resolve) => setImmediate(resolve))
  await releaseAll()
  await Promise.all(answers)

  t.same(groups, [[1, 2], [3, 4], [5]])
})

t.test('no more than `concurrency` groups are in flight at once', async (t) => {
  const { writer, groups, releaseAll, mostInFlight } = recordingWriter({ maxSize: 1, concurrency: 2 })
  const answers = [1, 2, 3, 4].map((item) => writer.submit(item))
  await new Promise((resolve) => setImmediate(resolve))
  t.same(groups, [[1], [2]])

  await releaseAll()
  await Promise.all(answers)
  t.equal(mostInFlight(), 2)
  t.same(groups, [[1], [2], [3], [4]])
})

t.test('an item answered with an error fails alone', async (t) => {
  const { writer, releaseAll } = recordingWriter({ maxSize: 100, concurrency: 1 })
  const answers = settleAll([1, -2, 3].map((item) => writer.submit(item)))
  await new Promise((resolve) => setImmediate(resolve))
  await releaseAll()

  const settled = await answers
  t.same(settled.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.equal((settled[1] as PromiseRejectedResult).reason.message, 'bad -2')
})

t.test('a group write that throws fails every item of that group only', async (t) => {
  let calls = 0
  const writer = new GroupWriter<number, string>(async (items) => {
    calls++
    if (calls === 1) throw new Error('connection lost')
    return items.map((item) => `wrote ${item}`)
  }, { maxSize: 2, maxWaitMs: 0, concurrency: 1 })

  const settled = await settleAll([1, 2, 3].map((item) => writer.submit(item)))
  t.same(settled.map((result) => (result.status === 'fulfilled' ? result.value : result.reason.message)),
    ['connection lost', 'connection lost', 'wrote 3'])
})

t.test('a group write answering too few outcomes rejects the items left without one', async (t) => {
  const writer = new GroupWriter<number, string>(async () => ['only one'],
    { maxSize: 9, maxWaitMs: 0, concurrency: 1 })
  const settled = await settleAll([1, 2].map((item) => writer.submit(item)))
  t.equal(settled[0].status, 'fulfilled')
  t.equal((settled[1] as PromiseRejectedResult).reason.message,
    'A group write answered fewer outcomes than items')
})

t.test('with maxWaitMs, a group waits that long for companions before it is written', async (t) => {
  const { writer, groups, releaseAll } = recordingWriter({ maxSize: 100, concurrency: 1, maxWaitMs: 20 })
  const first = writer.submit(1)
  await new Promise((resolve) => setImmediate(resolve))
  const second = writer.submit(2)
  t.same(groups, [], 'nothing is written before the wait ends')

  await new Promise((resolve) => setTimeout(resolve, 40))
  await releaseAll()
  await Promise.all([first, second])
  t.same(groups, [[1, 2]])
})

t.test('drain resolves only after every submitted item has its answer', async (t) => {
  const { writer, releaseAll } = recordingWriter({ maxSize: 100, concurrency: 1 })
  const answered: string[] = []
  for (const item of [1, 2]) void writer.submit(item).then((answer) => answered.push(answer))
  const drained = writer.drain().then(() => [...answered])
  await new Promise((resolve) => setImmediate(resolve))
  await releaseAll()

  t.same(await drained, ['wrote 1', 'wrote 2'])
  t.same(await writer.drain(), undefined, 'an idle writer drains at once')
})
