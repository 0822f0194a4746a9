___INFO___

{
  "type": "TAG",
  "id": "cvt_temp_public_id",
  "version": 1,
  "securityGroups": [],
  "displayName": "Visitlog",
  "categories": [
    "ANALYTICS"
  ],
  "brand": {
    "id": "brand_visitlog",
    "displayName": "Visitlog"
  },
  "description": "Logs each client's visit by email: pages, clicks, six yes/no facts, the end.",
  "containerContexts": [
    "WEB"
  ]
}


___TEMPLATE_PARAMETERS___

[
  {
    "type": "TEXT",
    "name": "collectorUrl",
    "displayName": "Collector URL",
    "simpleValueType": true,
    "help": "Origin of your Visitlog collector; the runtime script loads from it.",
    "valueHint": "https://collector.example.com",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?|http://(localhost|127\\.0\\.0\\.1):[0-9]{1,5})/?$"
        ],
        "errorMessage": "An https:// origin without a path (http://localhost:PORT in development)."
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "serviceId",
    "displayName": "Service id",
    "simpleValueType": true,
    "help": "The number of your company's service in the collector (npm run service:list).",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^[1-9][0-9]{0,9}$"
        ],
        "errorMessage": "Enter a whole number from 1."
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "email",
    "displayName": "Client email",
    "simpleValueType": true,
    "help": "Normally a variable such as {{Visitlog - user email}}. Nothing is sent while it is empty.",
    "valueHint": "{{Visitlog - user email}}"
  },
  {
    "type": "SELECT",
    "name": "action",
    "displayName": "What to log",
    "macrosInSelect": false,
    "selectItems": [
      {
        "value": "page",
        "displayValue": "Page view: start or continue the visit and log the page"
      },
      {
        "value": "link",
        "displayValue": "Link click"
      },
      {
        "value": "button",
        "displayValue": "Button click"
      },
      {
        "value": "flag",
        "displayValue": "Set a yes/no fact of the visit"
      },
      {
        "value": "end",
        "displayValue": "End the visit (for example on logout)"
      }
    ],
    "simpleValueType": true,
    "defaultValue": "page"
  },
  {
    "type": "SELECT",
    "name": "flag",
    "displayName": "Fact",
    "macrosInSelect": false,
    "selectItems": [
      {
        "value": "is_click_platform",
        "displayValue": "Opened the platform"
      },
      {
        "value": "is_click_personal_account",
        "displayValue": "Opened the personal account"
      },
      {
        "value": "is_write_to_support",
        "displayValue": "Wrote to support"
      },
      {
        "value": "is_click_deposit_button",
        "displayValue": "Pressed the deposit button"
      },
      {
        "value": "is_click_contacts",
        "displayValue": "Opened the contacts page"
      },
      {
        "value": "is_change_password",
        "displayValue": "Changed the password"
      }
    ],
    "simpleValueType": true,
    "defaultValue": "is_click_platform",
    "enablingConditions": [
      {
        "paramName": "action",
        "paramValue": "flag",
        "type": "EQUALS"
      }
    ]
  },
  {
    "type": "GROUP",
    "name": "linkOverrides",
    "displayName": "Link details (leave empty to read the clicked link)",
    "groupStyle": "ZIPPY_CLOSED",
    "enablingConditions": [
      {
        "paramName": "action",
        "paramValue": "link",
        "type": "EQUALS"
      }
    ],
    "subParams": [
      {
        "type": "TEXT",
        "name": "linkUrl",
        "displayName": "Link URL",
        "simpleValueType": true,
        "help": "Empty: the clicked link's address (gtm.elementUrl)."
      },
      {
        "type": "TEXT",
        "name": "linkText",
        "displayName": "Link text",
        "simpleValueType": true,
        "help": "Empty: the clicked link's text."
      }
    ]
  },
  {
    "type": "GROUP",
    "name": "buttonOverrides",
    "displayName": "Button details (leave empty to read the clicked button)",
    "groupStyle": "ZIPPY_CLOSED",
    "enablingConditions": [
      {
        "paramName": "action",
        "paramValue": "button",
        "type": "EQUALS"
      }
    ],
    "subParams": [
      {
        "type": "TEXT",
        "name": "buttonText",
        "displayName": "Button text",
        "simpleValueType": true,
        "help": "Empty: the text of the nearest button or link, else its aria-label or value."
      },
      {
        "type": "TEXT",
        "name": "buttonUrl",
        "displayName": "Page URL",
        "simpleValueType": true,
        "help": "Empty: the page the button was pressed on."
      }
    ]
  },
  {
    "type": "CHECKBOX",
    "name": "consentCheck",
    "checkboxText": "Wait for analytics consent (analytics_storage) before sending anything",
    "simpleValueType": true,
    "defaultValue": true,
    "help": "Until it is granted nothing is sent, loaded or stored; commands wait in memory."
  },
  {
    "type": "CHECKBOX",
    "name": "debug",
    "checkboxText": "Log what the tag does to the browser console",
    "simpleValueType": true,
    "defaultValue": false
  }
]


___SANDBOXED_JS_FOR_WEB_TEMPLATE___

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


___WEB_PERMISSIONS___

[
  {
    "instance": {
      "key": {
        "publicId": "access_consent",
        "versionId": "1"
      },
      "param": [
        {
          "key": "consentTypes",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "analytics_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_globals",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keys",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "key"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  },
                  {
                    "type": 1,
                    "string": "execute"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "visitlogQueue"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_template_storage",
        "versionId": "1"
      },
      "param": []
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "get_url",
        "versionId": "1"
      },
      "param": [
        {
          "key": "urlParts",
          "value": {
            "type": 1,
            "string": "any"
          }
        },
        {
          "key": "queriesAllowed",
          "value": {
            "type": 1,
            "string": "any"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "inject_script",
        "versionId": "1"
      },
      "param": [
        {
          "key": "urls",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "https://collector.example.com/assets/v1/*"
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "logging",
        "versionId": "1"
      },
      "param": [
        {
          "key": "environments",
          "value": {
            "type": 1,
            "string": "debug"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "read_data_layer",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keyPatterns",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "gtm.elementUrl"
              },
              {
                "type": 1,
                "string": "gtm.element.*"
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  }
]


___TESTS___

scenarios:
- name: A page view pushes a page command and injects the runtime with a cache token
  code: |-
    runCode(dataWith({ action: 'page' }));

    assertThat(pushed).isEqualTo([{
      command: 'page',
      service: 3,
      email: 'client@example.com',
      collector: 'https://collector.example.com',
      debug: false,
      url: 'https://www.example.com/cabinet/deposit?tab=1'
    }]);
    assertThat(queueNames).isEqualTo(['visitlogQueue']);
    assertThat(injected).isEqualTo([{
      url: 'https://collector.example.com/assets/v1/vl.js',
      cacheToken: 'visitlog-runtime-v1'
    }]);
    assertApi('gtmOnSuccess').wasCalled();
    assertApi('gtmOnFailure').wasNotCalled();
- name: A trailing slash or a path after the collector origin is dropped
  code: |-
    runCode(dataWith({ action: 'end', collectorUrl: 'https://collector.example.com:8443/' }));
    runCode(dataWith({ action: 'end', collectorUrl: ' https://collector.example.com/visitlog/ ' }));

    assertThat(pushed[0].collector).isEqualTo('https://collector.example.com:8443');
    assertThat(injected[0].url).isEqualTo('https://collector.example.com:8443/assets/v1/vl.js');
    assertThat(pushed[1].collector).isEqualTo('https://collector.example.com');
- name: A history change to the address already logged is not a new page
  code: |-
    let url = 'https://www.example.com/a';
    mock('getUrl', () => url);

    runCode(dataWith({ action: 'page' }));
    runCode(dataWith({ action: 'page' }));
    url = 'https://www.example.com/b';
    runCode(dataWith({ action: 'page' }));
    url = 'https://www.example.com/a';
    runCode(dataWith({ action: 'page' }));

    assertThat(pushed.map((command) => command.url)).isEqualTo(['https://www.example.com/a',
      'https://www.example.com/b', 'https://www.example.com/a']);
    assertApi('gtmOnFailure').wasNotCalled();
- name: A link click reads the link's URL and text from the data layer
  code: |-
    dataLayer['gtm.elementUrl'] = 'https://platform.example.com/login';
    dataLayer['gtm.element.innerText'] = '  Open\n   the   platform ';

    runCode(dataWith({ action: 'link' }));

    assertThat(pushed).hasLength(1);
    assertThat(pushed[0].command).isEqualTo('link');
    assertThat(pushed[0].url).isEqualTo('https://platform.example.com/login');
    assertThat(pushed[0].text).isEqualTo('Open the platform');
    assertApi('gtmOnSuccess').wasCalled();
- name: The link override fields win over the clicked link
  code: |-
    dataLayer['gtm.elementUrl'] = 'https://www.example.com/a';
    dataLayer['gtm.element.innerText'] = 'A';

    runCode(dataWith({ action: 'link', linkUrl: 'https://docs.example.com/', linkText: 'Docs' }));

    assertThat(pushed[0].url).isEqualTo('https://docs.example.com/');
    assertThat(pushed[0].text).isEqualTo('Docs');
- name: A link click without a URL sends nothing and still succeeds
  code: |-
    runCode(dataWith({ action: 'link' }));

    assertThat(pushed).isEmpty();
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnSuccess').wasCalled();
- name: An icon inside a button gives the button's text with whitespace collapsed
  code: |-
    dataLayer['gtm.element.tagName'] = 'svg';
    dataLayer['gtm.element.parentElement.tagName'] = 'SPAN';
    dataLayer['gtm.element.parentElement.parentElement.tagName'] = 'BUTTON';
    dataLayer['gtm.element.parentElement.parentElement.innerText'] = '\n  Deposit \t now\n';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed).isEqualTo([{
      command: 'button',
      service: 3,
      email: 'client@example.com',
      collector: 'https://collector.example.com',
      debug: false,
      text: 'Deposit now',
      url: 'https://www.example.com/cabinet/deposit?tab=1'
    }]);
- name: A button without text gives its aria-label
  code: |-
    dataLayer['gtm.element.tagName'] = 'I';
    dataLayer['gtm.element.parentElement.tagName'] = 'BUTTON';
    dataLayer['gtm.element.parentElement.innerText'] = '   ';
    dataLayer['gtm.element.parentElement.textContent'] = '';
    dataLayer['gtm.element.parentElement.ariaLabel'] = 'Close the chat';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed[0].text).isEqualTo('Close the chat');
- name: A submit input gives its value
  code: |-
    dataLayer['gtm.element.tagName'] = 'INPUT';
    dataLayer['gtm.element.type'] = 'submit';
    dataLayer['gtm.element.innerText'] = '';
    dataLayer['gtm.element.value'] = 'Пополнить счёт';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed[0].text).isEqualTo('Пополнить счёт');
- name: An element with role button counts as the button
  code: |-
    dataLayer['gtm.element.tagName'] = 'SPAN';
    dataLayer['gtm.element.innerText'] = 'inner';
    dataLayer['gtm.element.parentElement.tagName'] = 'DIV';
    dataLayer['gtm.element.parentElement.role'] = 'button';
    dataLayer['gtm.element.parentElement.innerText'] = 'Outer card';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed[0].text).isEqualTo('Outer card');
- name: A click outside any button describes the clicked element itself
  code: |-
    dataLayer['gtm.element.tagName'] = 'DIV';
    dataLayer['gtm.element.innerText'] = 'Tariffs';
    dataLayer['gtm.element.parentElement.tagName'] = 'BODY';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed[0].text).isEqualTo('Tariffs');
- name: A button click with no text at all sends nothing and still succeeds
  code: |-
    dataLayer['gtm.element.tagName'] = 'BUTTON';

    runCode(dataWith({ action: 'button' }));

    assertThat(pushed).isEmpty();
    assertApi('gtmOnSuccess').wasCalled();
- name: The button override fields win over the clicked element
  code: |-
    dataLayer['gtm.element.tagName'] = 'BUTTON';
    dataLayer['gtm.element.innerText'] = 'Go';

    runCode(dataWith({ action: 'button', buttonText: ' Deposit ', buttonUrl: 'https://www.example.com/x' }));

    assertThat(pushed[0].text).isEqualTo('Deposit');
    assertThat(pushed[0].url).isEqualTo('https://www.example.com/x');
- name: Each of the six flags pushes a flag command with its name
  code: |-
    const flags = ['is_click_platform', 'is_click_personal_account', 'is_write_to_support',
      'is_click_deposit_button', 'is_click_contacts', 'is_change_password'];

    flags.forEach((flag) => runCode(dataWith({ action: 'flag', flag: flag })));

    assertThat(pushed.map((command) => command.flag)).isEqualTo(flags);
    assertThat(pushed.map((command) => command.command)).isEqualTo(['flag', 'flag', 'flag', 'flag',
      'flag', 'flag']);
    assertThat(injected).hasLength(6);
- name: An unknown flag fails the tag and pushes nothing
  code: |-
    runCode(dataWith({ action: 'flag', flag: 'is_rich' }));

    assertThat(pushed).isEmpty();
    assertApi('gtmOnFailure').wasCalled();
    assertApi('gtmOnSuccess').wasNotCalled();
- name: An unknown action fails the tag
  code: |-
    runCode(dataWith({ action: 'visit' }));

    assertThat(pushed).isEmpty();
    assertApi('gtmOnFailure').wasCalled();
- name: The end action pushes an end command without a URL
  code: |-
    runCode(dataWith({ action: 'end' }));

    assertThat(pushed).isEqualTo([{
      command: 'end',
      service: 3,
      email: 'client@example.com',
      collector: 'https://collector.example.com',
      debug: false
    }]);
- name: While consent is denied commands are held, then released in order when it is granted
  code: |-
    let granted = false;
    let listener;
    mock('isConsentGranted', (type) => type === 'analytics_storage' && granted);
    mock('addConsentListener', (type, callback) => {
      assertThat(type).isEqualTo('analytics_storage');
      listener = callback;
    });

    runCode(dataWith({ action: 'page' }));
    runCode(dataWith({ action: 'flag', flag: 'is_click_contacts' }));

    assertThat(pushed).isEmpty();
    assertThat(injected).isEmpty();
    assertApi('addConsentListener').wasCalled();
    assertApi('gtmOnSuccess').wasCalled();

    granted = true;
    listener('analytics_storage', true);

    assertThat(pushed.map((command) => command.command)).isEqualTo(['page', 'flag']);
    assertThat(pushed[1].flag).isEqualTo('is_click_contacts');
    assertThat(injected).hasLength(2);
- name: A tag that fires after consent arrives sends held commands first
  code: |-
    let granted = false;
    mock('isConsentGranted', () => granted);
    mock('addConsentListener', () => {});

    runCode(dataWith({ action: 'page' }));
    granted = true;
    runCode(dataWith({ action: 'end' }));

    assertThat(pushed.map((command) => command.command)).isEqualTo(['page', 'end']);
- name: Only one consent listener is added however many commands wait
  code: |-
    let listeners = 0;
    mock('isConsentGranted', false);
    mock('addConsentListener', () => { listeners = listeners + 1; });

    runCode(dataWith({ action: 'page' }));
    runCode(dataWith({ action: 'flag', flag: 'is_click_contacts' }));
    runCode(dataWith({ action: 'end' }));

    assertThat(listeners).isEqualTo(1);
- name: Consent being denied again holds new commands
  code: |-
    let listener;
    mock('isConsentGranted', false);
    mock('addConsentListener', (type, callback) => { listener = callback; });

    runCode(dataWith({ action: 'page' }));
    listener('analytics_storage', false);

    assertThat(pushed).isEmpty();
- name: With the consent check off the tag sends without asking
  code: |-
    mock('isConsentGranted', false);

    runCode(dataWith({ action: 'page', consentCheck: false }));

    assertThat(pushed).hasLength(1);
    assertApi('isConsentGranted').wasNotCalled();
- name: A missing email sends nothing, injects nothing and still succeeds
  code: |-
    runCode(dataWith({ action: 'page', email: undefined }));
    runCode(dataWith({ action: 'page', email: '   ' }));

    assertThat(pushed).isEmpty();
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnSuccess').wasCalled();
    assertApi('gtmOnFailure').wasNotCalled();
- name: A missing collector URL fails the tag
  code: |-
    runCode(dataWith({ action: 'page', collectorUrl: '' }));

    assertThat(pushed).isEmpty();
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnFailure').wasCalled();
- name: A plain http collector is refused unless it is localhost
  code: |-
    runCode(dataWith({ action: 'page', collectorUrl: 'http://collector.example.com' }));
    assertThat(pushed).isEmpty();
    assertApi('gtmOnFailure').wasCalled();

    runCode(dataWith({ action: 'page', collectorUrl: 'http://127.0.0.1:18100' }));
    assertThat(pushed[0].collector).isEqualTo('http://127.0.0.1:18100');
- name: A service id that is not a positive whole number fails the tag
  code: |-
    runCode(dataWith({ action: 'page', serviceId: 'abc' }));
    runCode(dataWith({ action: 'page', serviceId: '0' }));

    assertThat(pushed).isEmpty();
    assertApi('gtmOnSuccess').wasNotCalled();
- name: When the runtime cannot be injected the command stays queued and the tag fails
  code: |-
    mock('injectScript', (url, onSuccess, onFailure) => onFailure());

    runCode(dataWith({ action: 'page' }));

    assertThat(pushed).hasLength(1);
    assertApi('gtmOnFailure').wasCalled();
    assertApi('gtmOnSuccess').wasNotCalled();
- name: Debug mode logs what the tag does
  code: |-
    runCode(dataWith({ action: 'page', debug: true }));

    assertThat(pushed[0].debug).isTrue();
    assertApi('logToConsole').wasCalled();
- name: Without debug mode nothing is logged, not even a failure
  code: |-
    runCode(dataWith({ action: 'page' }));
    runCode(dataWith({ action: 'page', email: '' }));
    runCode(dataWith({ action: 'page', collectorUrl: '' }));

    assertApi('logToConsole').wasNotCalled();
- name: Debug mode says why nothing is sent without an email
  code: |-
    let lines = [];
    mock('logToConsole', (message) => lines.push(message));

    runCode(dataWith({ action: 'page', email: '', debug: true }));

    assertThat(lines).isEqualTo(['[visitlog] no email for this visitor: nothing is sent']);
setup: |-
  const pushed = [];
  const queueNames = [];
  const injected = [];
  const dataLayer = {};

  mock('createQueue', (name) => {
    queueNames.push(name);
    return (command) => { pushed.push(command); };
  });
  mock('injectScript', (url, onSuccess, onFailure, cacheToken) => {
    injected.push({ url: url, cacheToken: cacheToken });
    onSuccess();
  });
  mock('copyFromDataLayer', (key) => dataLayer[key]);
  mock('getUrl', 'https://www.example.com/cabinet/deposit?tab=1');
  mock('isConsentGranted', true);

  const dataWith = (fields) => {
    const result = {
      collectorUrl: 'https://collector.example.com',
      serviceId: '3',
      email: ' client@example.com ',
      action: 'page',
      flag: 'is_click_platform',
      consentCheck: true,
      debug: false
    };
    for (const key in fields) {
      result[key] = fields[key];
    }
    return result;
  };


___NOTES___

Visitlog tag: hands commands (page, link, button, flag, end) to the Visitlog runtime, which the
tag injects from the collector's origin (/assets/v1/vl.js, once per page, with a cache token).

- Sources: gtm-template/template/ (info.json, parameters.json, code.js, permissions.json,
  tests.yaml, notes.md). template.tpl is assembled from them; do not edit it by hand.
- The inject_script permission names the collector origin; `npm run gtm:build -- --collector
  https://collector.example.com --service 3` writes a .tpl and a container for one deployment.
- A visitor without an email: nothing is pushed, the tag still succeeds (the runtime never sends
  without an email). Consent (on by default): while analytics_storage is not granted, commands
  wait in templateStorage (this page's memory) and go out in order when it is granted.
- The command is queued before the runtime is injected; a failed injection fails the tag but the
  queued command stays for a later successful load on the same page.
- A page command for the address logged last on this page is skipped: routers call
  replaceState with the current address and GTM reports each call as a history change.
- logToConsole runs only in GTM preview and debug mode (logging permission "debug").
- The Terms of Service section is left out; GTM adds it when the template is saved.
