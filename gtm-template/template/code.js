const addConsentListener = require('addConsentListener');
const copyFromDataLayer = require('copyFromDataLayer');
const createQueue = require('createQueue');
const getType = require('getType');
const getUrl = require('getUrl');
const injectScript = require('injectScript');
const isConsentGranted = require('isConsentGranted');
const logToConsole = require('logToConsole');
const makeInteger = require('makeInteger');
const makeString = require('makeString');
const parseUrl = require('parseUrl');
const templateStorage = require('templateStorage');

// Must match schemas/command.ts: the runtime reads exactly these names.
const QUEUE_NAME = 'visitlogQueue';
const RUNTIME_PATH = '/assets/v1/vl.js';
const CACHE_TOKEN = 'visitlog-runtime-v1';
const CONSENT_TYPE = 'analytics_storage';
const HELD_KEY = 'visitlogHeld';
const LISTENING_KEY = 'visitlogConsentListening';
const LAST_PAGE_KEY = 'visitlogLastPage';
const MAX_TEXT = 4000;
const MAX_URL = 8192;
const MAX_ANCESTORS = 6;
const MAX_SERVICE = 2147483647;
const INVALID = 'invalid';
const FLAGS = [
  'is_click_platform',
  'is_click_personal_account',
  'is_write_to_support',
  'is_click_deposit_button',
  'is_click_contacts',
  'is_change_password'
];

// ------------------------------------------------------------------ main flow

const collector = collectorOrigin(data.collectorUrl);
if (!collector) {
  return fail('the collector URL is missing or is not an https:// origin');
}

const service = makeInteger(data.serviceId);
if (getType(service) !== 'number' || !(service >= 1 && service <= MAX_SERVICE)) {
  return fail('the service id must be a whole number from 1');
}

const email = clean(data.email, 320);
if (!email) {
  log('no email for this visitor: nothing is sent');
  return data.gtmOnSuccess();
}

const command = buildCommand(data.action);
if (command === INVALID) {
  return fail('unknown action "' + makeString(data.action) + '" or flag "' + makeString(data.flag) + '"');
}
if (!command) {
  return data.gtmOnSuccess();
}

if (data.consentCheck !== false && !isConsentGranted(CONSENT_TYPE)) {
  hold(command);
  return data.gtmOnSuccess();
}

releaseHeld();
deliver(command, data.gtmOnSuccess, data.gtmOnFailure);

// ------------------------------------------------------------------ commands

function buildCommand(action) {
  const base = {
    command: action,
    service: service,
    email: email,
    collector: collector,
    debug: data.debug === true
  };
  if (action === 'page') {
    return pageCommand(base);
  }
  if (action === 'end') {
    return base;
  }
  if (action === 'flag') {
    return FLAGS.indexOf(data.flag) === -1 ? INVALID : withFlag(base, data.flag);
  }
  if (action === 'link') {
    return linkCommand(base);
  }
  if (action === 'button') {
    return buttonCommand(base);
  }
  return INVALID;
}

// Sites often call history.replaceState with the address they are already on, and GTM reports
// that as a history change: the same address twice in a row is one page.
function pageCommand(base) {
  const url = clean(getUrl(), MAX_URL);
  if (url === templateStorage.getItem(LAST_PAGE_KEY)) {
    log('same page as the last one logged: nothing is sent');
    return undefined;
  }
  templateStorage.setItem(LAST_PAGE_KEY, url);
  base.url = url;
  return base;
}

function withFlag(base, flag) {
  base.flag = flag;
  return base;
}

function linkCommand(base) {
  const url = clean(data.linkUrl, MAX_URL) || clean(copyFromDataLayer('gtm.elementUrl'), MAX_URL);
  if (!url) {
    log('link click without a URL: nothing is sent');
    return undefined;
  }
  base.url = url;
  base.text = clean(data.linkText, MAX_TEXT) || elementText('gtm.element');
  return base;
}

function buttonCommand(base) {
  const text = clean(data.buttonText, MAX_TEXT) || elementText(clickablePath());
  if (!text) {
    log('button click without text, aria-label or value: nothing is sent');
    return undefined;
  }
  base.text = text;
  base.url = clean(data.buttonUrl, MAX_URL) || clean(getUrl(), MAX_URL);
  return base;
}

// ------------------------------------------------------------------ the clicked element

// GTM reports the innermost element (an icon inside a button): walk up to the nearest button,
// link or role="button", a bounded number of levels; without one, describe the clicked element.
function clickablePath() {
  let path = 'gtm.element';
  for (let level = 0; level <= MAX_ANCESTORS; level++) {
    const tag = makeString(copyFromDataLayer(path + '.tagName')).toUpperCase();
    if (tag === 'UNDEFINED' || tag === 'NULL' || tag === '' || tag === 'BODY') {
      return 'gtm.element';
    }
    if (isClickable(path, tag)) {
      return path;
    }
    path = path + '.parentElement';
  }
  return 'gtm.element';
}

function isClickable(path, tag) {
  if (tag === 'BUTTON' || tag === 'A') {
    return true;
  }
  if (copyFromDataLayer(path + '.role') === 'button') {
    return true;
  }
  const type = makeString(copyFromDataLayer(path + '.type')).toLowerCase();
  return tag === 'INPUT' && (type === 'submit' || type === 'button' || type === 'reset');
}

function elementText(path) {
  const sources = ['innerText', 'textContent', 'ariaLabel', 'value', 'title'];
  for (let i = 0; i < sources.length; i++) {
    const text = clean(copyFromDataLayer(path + '.' + sources[i]), MAX_TEXT);
    if (text) {
      return text;
    }
  }
  return '';
}

// ------------------------------------------------------------------ consent and delivery

// Held commands live in templateStorage: memory of this page only, nothing persistent.
function hold(command) {
  const held = templateStorage.getItem(HELD_KEY) || [];
  held.push(command);
  templateStorage.setItem(HELD_KEY, held);
  log('analytics_storage is not granted: holding the ' + command.command + ' command');

  if (templateStorage.getItem(LISTENING_KEY)) {
    return;
  }
  templateStorage.setItem(LISTENING_KEY, true);
  addConsentListener(CONSENT_TYPE, (consentType, granted) => {
    if (granted) {
      releaseHeld();
    }
  });
}

function releaseHeld() {
  const held = templateStorage.getItem(HELD_KEY) || [];
  if (held.length === 0) {
    return;
  }
  templateStorage.setItem(HELD_KEY, []);
  log('consent granted: releasing ' + held.length + ' held command(s)');
  held.forEach((command) => deliver(command, noop, noop));
}

// The command goes onto the queue first: the runtime drains the queue whenever it loads.
function deliver(command, onSuccess, onFailure) {
  createQueue(QUEUE_NAME)(command);
  log('pushed', command);

  const url = command.collector + RUNTIME_PATH;
  injectScript(url, onSuccess, () => {
    log('the runtime could not be loaded from ' + url);
    onFailure();
  }, CACHE_TOKEN);
}

// ------------------------------------------------------------------ small helpers

function collectorOrigin(value) {
  const text = clean(value, MAX_URL);
  const url = text ? parseUrl(text) : undefined;
  if (!url || !url.hostname) {
    return '';
  }
  const scheme = makeString(url.protocol).split(':')[0].toLowerCase();
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (scheme !== 'https' && !(local && scheme === 'http')) {
    return '';
  }
  return scheme + '://' + url.host;
}

// Trims, collapses runs of whitespace to one space and bounds the length; '' for no value.
function clean(value, maxLength) {
  const type = getType(value);
  if (type !== 'string' && type !== 'number') {
    return '';
  }
  let text = makeString(value);
  const spaces = ['\n', '\r', '\t', '\f', '\v', '\u00a0'];
  spaces.forEach((space) => {
    text = text.split(space).join(' ');
  });
  const words = text.split(' ').filter((word) => word !== '');
  return words.join(' ').substring(0, maxLength);
}

function log(message, value) {
  if (data.debug !== true) {
    return;
  }
  if (value === undefined) {
    logToConsole('[visitlog] ' + message);
    return;
  }
  logToConsole('[visitlog] ' + message, value);
}

function fail(message) {
  log(message);
  data.gtmOnFailure();
}

function noop() {}
