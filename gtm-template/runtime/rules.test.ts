import t from 'tap'
import { httpUrl, linkLog, pageKey, siteOf, withoutFragment } from './rules.js'

const PAGE = 'https://www.shop.example/catalog/?sort=price#top'

t.test('a link is external exactly when its host differs after lower-casing and dropping www.', async (t) => {
  const log = (url: string, external: boolean) => ({ url, is_external_resource: external })
  const cases: [string, ReturnType<typeof log> | undefined][] = [
    ['/cart', log('https://www.shop.example/cart', false)],
    ['https://SHOP.example/about', log('https://shop.example/about', false)],
    ['http://www.shop.example:8080/x', log('http://www.shop.example:8080/x', false)],
    ['https://platform.shop.example/', log('https://platform.shop.example/', true)],
    ['https://www2.shop.example/', log('https://www2.shop.example/', true)],
    ['https://other.example/?q=1#a', log('https://other.example/?q=1#a', true)],
    ['/catalog/?sort=price#reviews', undefined],
    ['#top', undefined],
    ['#', undefined],
    ['?sort=name#top', log('https://www.shop.example/catalog/?sort=name#top', false)],
    ['mailto:support@shop.example', undefined],
    ['tel:+100000000', undefined],
    ['javascript:void(0)', undefined],
    ['ftp://files.shop.example/', undefined],
    ['http://[::1', undefined]
  ]
  for (const [href, expected] of cases) {
    const log = linkLog(href, PAGE)
    t.same(log && { url: log.url, is_external_resource: log.is_external_resource }, expected, href)
  }
})

t.test('a page is known by origin and path; its URL keeps the query, not the fragment', async (t) => {
  const page = httpUrl(PAGE)!
  t.equal(pageKey(page), 'https://www.shop.example/catalog/')
  t.equal(withoutFragment(page), 'https://www.shop.example/catalog/?sort=price')
  t.equal(pageKey(httpUrl('https://www.shop.example/catalog/?sort=name')!), pageKey(page))
  t.not(pageKey(httpUrl('https://www.shop.example/catalog/2')!), pageKey(page))
  t.equal(siteOf(httpUrl('https://WWW.Shop.Example/')!), 'shop.example')
})

t.test('only absolute http and https addresses count as pages', async (t) => {
  t.equal(httpUrl('about:blank'), undefined)
  t.equal(httpUrl('file:///etc/hosts'), undefined)
  t.equal(httpUrl(undefined), undefined)
  t.equal(httpUrl('/x', 'http://a.example/')?.href, 'http://a.example/x')
})
