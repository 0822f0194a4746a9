import t from 'tap'
import { parseUserAgent } from './user-agent.js'

const CHROME_ON_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/126.0.0.0 Mobile Safari/537.36'

t.test('a User-Agent names its browser, OS and device', async (t) => {
  t.same(parseUserAgent(CHROME_ON_ANDROID), {
    browser: 'Chrome',
    browser_version: '126.0.0.0',
    os: 'Android',
    os_version: '14',
    device_type: 'mobile',
    device_vendor: 'Google',
    device_model: 'Pixel 8'
  })
})

t.test('a program without a browser is an unknown device, and no header reads as an empty one', async (t) => {
  const unknown = {
    browser: null, browser_version: null, os: null, os_version: null,
    device_type: 'unknown', device_vendor: null, device_model: null
  }
  t.same(parseUserAgent('curl/8.5.0'), unknown)
  t.same(parseUserAgent(undefined), unknown)
  t.equal(parseUserAgent(null), parseUserAgent(''))
})

t.test('a User-Agent seen before is answered from memory, with an object no caller can change', async (t) => {
  const first = parseUserAgent(CHROME_ON_ANDROID)
  t.equal(parseUserAgent(CHROME_ON_ANDROID), first)
  t.ok(Object.isFrozen(first))
  t.throws(() => { (first as { browser: string | null }).browser = 'Edge' }, TypeError)
  t.equal(parseUserAgent(CHROME_ON_ANDROID).browser, 'Chrome')
})
