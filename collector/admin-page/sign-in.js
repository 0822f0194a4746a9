// The admin page's sign-in (issue 7), on the 401 page and inside the admin page: it sends the
// token to /admin/sign-in, which sets the page's cookie, keeps the token in sessionStorage (this
// tab only) for the admin API's calls, and loads the admin page again.
'use strict'
;(() => {
  const TOKEN_KEY = 'visitlog.adminToken'
  const $ = (id) => document.getElementById(id)

  async function signIn(token) {
    const response = await fetch('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token })
    })
    // Read whole before the page reloads, or the browser counts the call as cut off.
    const body = await response.json().catch(() => null)
    if (response.ok) return ''
    if (response.status === 401) return 'The collector refused this token.'
    return body?.error?.message ?? `The collector answered ${response.status}`
  }

  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const token = $('token').value.trim()
    $('token').value = ''
    const failure = await signIn(token).catch(() => 'The collector cannot be reached.')
    if (failure) {
      $('token-error').textContent = failure
      $('token').focus()
      return
    }
    sessionStorage.setItem(TOKEN_KEY, token)
    location.reload()
  })
})()
