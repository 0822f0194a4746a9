// The admin page (issue 5): clients with their flags, and one client's visits as a timeline and
// a chart. It holds no data of its own: everything comes from the admin API with the token the
// person typed at sign-in (sign-in.js), kept in sessionStorage (this tab only). The page's
// cookie only opens this page, never the API. All text goes in through textContent.
'use strict'
;(() => {
  const TOKEN_KEY = 'visitlog.adminToken'
  const SVG = 'http://www.w3.org/2000/svg'
  const FLAGS = [
    ['is_click_platform', 'Platform'],
    ['is_click_personal_account', 'Personal account'],
    ['is_write_to_support', 'Support'],
    ['is_click_deposit_button', 'Deposit'],
    ['is_click_contacts', 'Contacts'],
    ['is_change_password', 'Password change']
  ]

  const ENDED_BY = {
    logout: 'logout', last_action: 'no logout: until the last action', none: 'nothing logged'
  }

  const $ = (id) => document.getElementById(id)
  let nextCursor = null
  let servicesLoaded = false

  class Unauthorized extends Error {}

  // ---- small helpers ----

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
    for (const child of children) node.append(child)
    return node
  }

  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG, tag)
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
    if (text !== undefined) node.textContent = text
    return node
  }

  const time = (iso, length = 16) => (iso ? iso.slice(0, length).replace('T', ' ') : '')
  const clock = (iso) => iso.slice(11, 19)

  function duration(seconds) {
    const s = Math.round(seconds)
    if (s < 60) return `${s}s`
    if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  }

  function show(section) {
    for (const id of ['sign-in', 'clients', 'client']) $(id).hidden = id !== section
    $('sign-out').hidden = section === 'sign-in'
    $('failure').hidden = true
  }

  // ---- the admin API ----

  async function api(path) {
    const token = sessionStorage.getItem(TOKEN_KEY)
    if (!token) throw new Unauthorized()
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } })
    if (response.status === 401) throw new Unauthorized()
    const body = await response.json().catch(() => null)
    if (!response.ok) throw new Error(body?.error?.message ?? `The collector answered ${response.status}`)
    return body
  }

  // ---- the client list ----

  async function showClients() {
    show('clients')
    document.title = 'Visitlog · clients'
    if (!servicesLoaded) await loadFilters()
    $('client-rows').replaceChildren()
    nextCursor = null
    await loadClients()
  }

  async function loadFilters() {
    const services = await api('/api/service/')
    for (const service of services) {
      $('service').append(el('option', { value: String(service.id) }, service.service_name))
    }
    for (const [flag, label] of FLAGS) $('flag').append(el('option', { value: flag }, label))
    servicesLoaded = true
  }

  async function loadClients() {
    const query = new URLSearchParams({ limit: '50' })
    if ($('service').value) query.set('service', $('service').value)
    if ($('flag').value) query.set('flag', $('flag').value)
    if (nextCursor) query.set('cursor', nextCursor)

    const page = await api(`/api/client/?${query}`)
    for (const client of page.clients) $('client-rows').append(clientRow(client))
    nextCursor = page.next_cursor
    $('more').hidden = nextCursor === null
    $('no-clients').hidden = $('client-rows').children.length > 0
  }

  function clientRow(client) {
    const row = el('tr', { 'data-email': client.email },
      el('td', {}, client.email),
      el('td', {}, client.service_name),
      el('td', { class: 'number' }, String(client.visits)),
      el('td', {}, time(client.last_visit)),
      el('td', { class: 'number' }, duration(client.total_time_seconds)))
    for (const [flag] of FLAGS) {
      const set = client[flag]
      const cell = el('td', { class: `flag ${set ? 'yes' : 'no'}` }, set ? '✓' : '·')
      if (set) cell.title = `first ${time(client[`${flag}_first_at`], 19)}`
      row.append(cell)
    }
    row.addEventListener('click', () => {
      location.hash = `#client/${client.service_id}/${encodeURIComponent(client.email)}`
    })
    return row
  }

  // ---- one client ----

  async function showClient(serviceId, email) {
    const path = `/api/client/${encodeURIComponent(email)}/?service=${encodeURIComponent(serviceId)}&limit=20`
    const { client, visits } = await api(path)
    const details = await Promise.all(visits.map((visit) => api(`/api/session/${visit.session_id}/`)))

    show('client')
    document.title = `Visitlog · ${client.email}`
    $('client-email').textContent = `${client.email} · ${client.service_name}`
    $('client-summary').replaceChildren(...summary(client))
    $('client-flags').replaceChildren(...FLAGS.map(([flag, label]) => {
      const first = client[`${flag}_first_at`]
      const text = client[flag] ? `${label}: first ${time(first, 19) || 'time unknown'}` : `${label}: never`
      return el('li', { class: client[flag] ? 'set' : '' }, text)
    }))
    $('chart').replaceChildren(chart([...visits].reverse()))
    $('timeline').replaceChildren(...visits.map((visit, index) => timelineItem(visit, details[index])))
  }

  function summary(client) {
    const lines = [
      ['Visits', `${client.visits} (${client.visits_without_logout} without logout)`],
      ['First visit', time(client.first_visit, 19)],
      ['Last visit', time(client.last_visit, 19)],
      ['Time spent',
        `${duration(client.total_time_seconds)} in total, ${duration(client.median_time_seconds)} median`],
      ['Active time', duration(client.total_active_seconds)],
      ['Pages, links, buttons',
        `${client.pages_visited}, ${client.links_clicked}, ${client.buttons_clicked}`],
      ['Last password change', time(client.last_password_change_at, 19) || 'never']
    ]
    return lines.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])
  }

  /** Bars of time spent per visit, oldest on the left; a lighter bar had no logout. */
  function chart(visits) {
    const width = Math.max(320, 40 + visits.length * 48)
    const height = 175
    const top = Math.max(60, ...visits.map((visit) => visit.time_spent_seconds))
    const scale = (seconds) => (seconds / top) * 120
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' })
    root.append(svg('title', {}, 'Time spent per visit'))
    root.append(svg('line', { x1: 10, y1: 150, x2: width - 10, y2: 150 }))
    visits.forEach((visit, index) => {
      const x = 20 + index * 48
      const barHeight = Math.max(1, scale(visit.time_spent_seconds))
      const estimated = visit.ended_by !== 'logout'
      const bar = svg('rect', {
        class: estimated ? 'bar estimated' : 'bar', x, y: 150 - barHeight, width: 30, height: barHeight
      })
      bar.append(svg('title', {}, `${time(visit.login_time)}: ${duration(visit.time_spent_seconds)}` +
        (estimated ? ' (no logout)' : '')))
      root.append(bar)
      root.append(svg('text', { x: x + 15, y: 145 - barHeight, 'text-anchor': 'middle' },
        duration(visit.time_spent_seconds)))
      root.append(svg('text', { x: x + 15, y: 166, 'text-anchor': 'middle' }, visit.login_time.slice(5, 10)))
    })
    return root
  }

  function timelineItem(visit, detail) {
    const device = [visit.browser, visit.os, visit.device_type].filter(Boolean).join(', ')
    const spent = `${duration(visit.time_spent_seconds)} (${ENDED_BY[visit.ended_by]})`
    const head = el('div', { class: 'visit-head' }, `${time(visit.login_time, 19)} · ${spent} · ${device}`)
    const events = visitEvents(visit, detail).map(([at, kind, text]) =>
      el('li', {}, el('span', { class: 'at' }, clock(at)), el('span', { class: `kind ${kind}` }, kind), text))
    return el('li', {}, head, el('ul', { class: 'events' }, ...events))
  }

  /** Pages, links, buttons and flags of one visit in time order. */
  function visitEvents(visit, detail) {
    const events = [
      ...detail.urls.map((url) => [url.date, url.is_external_resource ? 'link' : 'page', url.url]),
      ...detail.buttons.map((button) => [button.date, 'button', `“${button.button_text}”`]),
      ...FLAGS.filter(([flag]) => visit[`${flag}_at`])
        .map(([flag, label]) => [visit[`${flag}_at`], 'flag', label])
    ]
    return events.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  }

  // ---- start-up and navigation ----

  async function route() {
    const match = /^#client\/(\d+)\/(.+)$/.exec(location.hash)
    try {
      if (match) await showClient(match[1], decodeURIComponent(match[2]))
      else await showClients()
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken(sessionStorage.getItem(TOKEN_KEY) !== null)
      $('failure').textContent = error.message
      $('failure').hidden = false
    }
  }

  function askForToken(refused) {
    sessionStorage.removeItem(TOKEN_KEY)
    show('sign-in')
    $('token-error').textContent = refused ? 'The collector refused this token.' : ''
    $('token').focus()
  }

  /** Drops the token and the page's cookie; the reload then answers the 401 sign-in page. */
  async function signOut() {
    sessionStorage.removeItem(TOKEN_KEY)
    await fetch('/admin/sign-out', { method: 'POST' }).then((response) => response.json()).catch(() => null)
    location.reload()
  }

  $('sign-out').addEventListener('click', signOut)
  $('more').addEventListener('click', () => loadClients().catch(() => route()))
  $('service').addEventListener('change', () => showClients().catch(() => route()))
  $('flag').addEventListener('change', () => showClients().catch(() => route()))
  window.addEventListener('hashchange', route)
  route()
})()
