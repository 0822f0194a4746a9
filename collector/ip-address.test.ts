import t from 'tap'
import { clientBucket } from './ip-address.js'

t.test('a client address falls in the rate-limit bucket of its IPv4 address or IPv6 /64', async (t) => {
  const cases: [string, string][] = [
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['::ffff:cb00:710a', '203.0.113.10'],
    ['2001:DB8:0:1::1', '2001:db8:0:1::'],
    ['2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:db8:0:1::'],
    ['2001:db8:0:2::1', '2001:db8:0:2::'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['not an address', 'not an address']
  ]
  for (const [address, bucket] of cases) t.equal(clientBucket(address), bucket, address)
})

t.test('an address asked about again gets the same bucket', async (t) => {
  const addresses = ['2001:db8:0:1::1', '::ffff:cb00:710a', '203.0.113.7']
  const first = addresses.map(clientBucket)
  t.same(addresses.map(clientBucket), ['2001:db8:0:1::', '203.0.113.10', '203.0.113.7'])
  t.same(addresses.map(clientBucket), first)
})
