// The demo site's own behaviour; nothing here knows about Visitlog (GTM does the logging).
(function () {
  var email = localStorage.getItem('demo:email')
  var who = document.getElementById('who')
  if (who) who.textContent = email ? 'Signed in as ' + email : 'Not signed in'
  showVisit()
  setInterval(showVisit, 2000)

  on('login-form', 'submit', function (event) {
    event.preventDefault()
    var value = document.getElementById('login-email').value.trim()
    localStorage.setItem('demo:email', value)
    dataLayer.push({ event: 'login', user_email: value })
    if (who) who.textContent = 'Signed in as ' + value
    location.assign('/demo/account/')
  })

  on('deposit', 'click', function () {
    var balance = document.getElementById('balance')
    balance.textContent = (Number(balance.textContent) + 100).toFixed(2)
  })

  on('password-form', 'submit', function (event) {
    event.preventDefault()
    document.getElementById('password-done').hidden = false
  })

  on('support-form', 'submit', function (event) {
    event.preventDefault()
    document.getElementById('support-done').hidden = false
  })

  if (location.pathname.indexOf('/demo/logout') === 0) {
    localStorage.removeItem('demo:email')
    if (who) who.textContent = 'Not signed in'
  }

  helpCenter()

  // The help center changes pages with the history API instead of loading them.
  function helpCenter() {
    var article = document.getElementById('help-article')
    if (!article) return
    var texts = {
      '/demo/help/': 'Choose a topic above.',
      '/demo/help/fees': 'Transfers are free; card payments abroad cost 1%.',
      '/demo/help/limits': 'You can send up to 10 000 USD a day.'
    }
    var show = function () { article.textContent = texts[location.pathname] || 'No such topic.' }
    document.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a[data-spa]')
      if (!link) return
      event.preventDefault()
      history.pushState({}, '', link.getAttribute('href'))
      show()
    })
    on('help-sort', 'click', function () {
      history.replaceState({}, '', location.pathname + '?sort=date')
    })
    window.addEventListener('popstate', show)
    show()
  }

  // For the curious: the visit id the Visitlog runtime keeps, to read the visit back with curl.
  function showVisit() {
    var footer = document.getElementById('visit-id')
    if (!footer) return
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i)
      if (key.indexOf('vl:v:') !== 0) continue
      var visit = JSON.parse(localStorage.getItem(key) || '{}')
      footer.textContent = 'Visit ' + visit.id
    }
  }

  function on(id, type, listener) {
    var element = document.getElementById(id)
    if (element) element.addEventListener(type, listener)
  }
})()
