// Generates redact/testdata/pii-dataset.jsonl: a labelled data set of phone
// numbers, IBANs, payment cards and e-mail addresses produced by
// @faker-js/faker (values the project did not write), and of near-miss
// values that must not be masked. See README.md.
//
//   npm ci && node generate.mjs > ../../redact/testdata/pii-dataset.jsonl

import { allFakers } from '@faker-js/faker';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fakerVersion = require('@faker-js/faker/package.json').version;

// The region whose numbering plan each locale's phone formats follow. Some
// locales carry North American formats (faker's English fallback); fr_SN
// carries French ones. Locales without a region of their own (base, eo)
// still contribute e-mails and near-misses.
const region = {
  af_ZA: 'ZA', ar: 'US', az: 'AZ', bn_BD: 'US', cs_CZ: 'CZ', cy: 'GB', da: 'DK', de: 'DE',
  de_AT: 'AT', de_CH: 'CH', dv: 'MV', el: 'GR', en: 'US', en_AU: 'AU', en_AU_ocker: 'AU',
  en_BORK: 'US', en_CA: 'CA', en_GB: 'GB', en_GH: 'GH', en_HK: 'HK', en_IE: 'IE', en_IN: 'IN',
  en_NG: 'NG', en_NP: 'NP', en_US: 'US', en_ZA: 'ZA', eo: 'US', es: 'ES', es_MX: 'MX', fa: 'IR',
  fi: 'FI', fr: 'FR', fr_BE: 'BE', fr_CA: 'CA', fr_CH: 'CH', fr_LU: 'LU', fr_SN: 'FR', he: 'IL',
  hr: 'HR', hu: 'HU', hy: 'AM', id_ID: 'ID', it: 'IT', ja: 'JP', ka_GE: 'GE', ko: 'KR',
  ku_ckb: 'US', ku_kmr_latin: 'US', lv: 'LV', mk: 'MK', mn_MN_cyrl: 'US', nb_NO: 'NO', ne: 'NP',
  nl: 'NL', nl_BE: 'BE', pl: 'PL', pt_BR: 'BR', pt_PT: 'PT', ro: 'RO', ro_MD: 'MD', ru: 'RU',
  sk: 'SK', sl_SI: 'US', sr_RS_latin: 'RS', sv: 'SE', ta_IN: 'US', th: 'TH', tr: 'TR', uk: 'UA',
  ur: 'US', uz_UZ_latin: 'US', vi: 'VN', yo_NG: 'US', zh_CN: 'CN', zh_TW: 'TW', zu_ZA: 'ZA',
};

// Currencies for locale-formatted prices.
const currency = {
  US: 'USD', GB: 'GBP', DE: 'EUR', FR: 'EUR', JP: 'JPY', CN: 'CNY', IN: 'INR', BR: 'BRL',
  RU: 'RUB', CH: 'CHF', SE: 'SEK', PL: 'PLN', TR: 'TRY', KR: 'KRW', MX: 'MXN', ZA: 'ZAR',
};

const out = [];
const seen = new Set();
function emit(t, v, l, r, f, m) {
  const k = t + '\u0000' + v;
  if (seen.has(k)) return;
  seen.add(k);
  const rec = { t, v, l };
  if (r) rec.r = r;
  rec.f = f;
  rec.m = m;
  out.push(rec);
}

const locales = Object.keys(allFakers).filter((l) => l !== 'base').sort();
const bcp47 = (l) => l.replace(/_/g, '-').replace(/-(ocker|BORK|cyrl|latin|kmr|ckb)$/i, '').replace('-kmr', '');
const nonASCII = /[^\x00-\x7f]/;

for (const [li, loc] of locales.entries()) {
  const f = allFakers[loc];
  f.seed(1300 + li);
  const r = region[loc];
  const tag = bcp47(loc);

  // Phone numbers in each of faker's styles.
  if (r) {
    for (const style of ['human', 'national', 'international']) {
      for (let n = 0; n < 26; n++) emit('phone', f.phone.number({ style }), loc, r, style, true);
    }
  }

  // E-mail addresses: faker's own, example domains, RFC 5322 special
  // characters, and addresses built from the locale's (non-ASCII) names.
  for (let n = 0; n < 6; n++) emit('email', f.internet.email(), loc, r, 'email', true);
  for (let n = 0; n < 3; n++) emit('email', f.internet.exampleEmail(), loc, r, 'example', true);
  for (let n = 0; n < 3; n++) emit('email', f.internet.email({ allowSpecialCharacters: true }), loc, r, 'special', true);
  for (let n = 0; n < 12; n++) {
    const first = f.person.firstName(), last = f.person.lastName();
    if (!nonASCII.test(first + last)) continue;
    const local = (first + '.' + last).toLowerCase().replace(/[\s'’]+/g, '');
    if (n % 2 === 0) {
      emit('email', `${local}@${f.internet.domainName()}`, loc, r, 'unicode', true);
    } else {
      const city = f.location.city().toLowerCase().replace(/[^\p{L}\p{M}\p{N}-]+/gu, '');
      if (city) emit('email', `${local}@${city}.${f.internet.domainSuffix()}`, loc, r, 'idn', true);
    }
  }

  // Near-misses: values of other kinds that look numeric.
  // Some locales lack some data (no postcodes in dv): skipped there.
  const neg = (f2, v) => {
    let x;
    try {
      x = v();
    } catch {
      return;
    }
    emit('negative', String(x), loc, r, f2, false);
  };
  for (let n = 0; n < 3; n++) {
    const d = f.date.between({ from: '1950-01-01', to: '2035-12-31' });
    neg('date_iso', () => d.toISOString().slice(0, 10));
    neg('datetime_iso', () => d.toISOString());
    neg('date_locale', () => d.toLocaleDateString(tag));
    neg('datetime_locale', () => d.toLocaleString(tag));
    neg('date_numeric', () => d.toLocaleDateString(tag, { year: 'numeric', month: '2-digit', day: '2-digit' }));
    neg('unix_s', () => Math.floor(d.getTime() / 1000));
    neg('unix_ms', () => d.getTime());
    neg('price', () => f.commerce.price({ symbol: n % 2 ? '$' : '' }));
    const cur = currency[r] || 'EUR';
    neg('price_locale', () => new Intl.NumberFormat(tag, { style: 'currency', currency: cur }).format(f.number.float({ min: 1000, max: 99999999, fractionDigits: 2 })));
    neg('amount', () => f.finance.amount({ min: 1000, max: 99999999, dec: 2, autoFormat: true }));
    neg('number_locale', () => new Intl.NumberFormat(tag).format(f.number.int({ min: 100000, max: 9999999999 })));
    neg('zip', () => f.location.zipCode());
    neg('street', () => f.location.streetAddress(true));
    neg('address', () => `${f.location.streetAddress(true)}, ${f.location.zipCode()} ${f.location.city()}`);
    neg('semver', () => f.system.semver());
    neg('version', () => `${f.number.int(20)}.${f.number.int(9)}.${f.number.int(99999)}.${f.number.int(9999)}`);
    neg('uuid', () => f.string.uuid());
    neg('order', () => `${f.helpers.arrayElement(['Order', 'Invoice', 'Ref.', 'Order no.', 'Invoice #'])} ${f.helpers.arrayElement([
      f.string.numeric(8),
      `${d.getFullYear()}-${f.string.numeric(6)}`,
      `${f.string.alpha({ length: 3, casing: 'upper' })}-${f.string.numeric(7)}`,
    ])}`);
    neg('isbn13', () => f.commerce.isbn(13));
    neg('isbn10', () => f.commerce.isbn(10));
    neg('ipv4', () => f.internet.ipv4());
    neg('imei', () => f.phone.imei());
    neg('mac', () => f.internet.mac());
    neg('vin', () => f.vehicle.vin());
    neg('routing', () => f.finance.routingNumber());
    neg('account', () => f.finance.accountNumber());
    neg('latlong', () => `${f.location.latitude()}, ${f.location.longitude()}`);
    neg('time', () => d.toLocaleTimeString(tag));
    neg('sha', () => f.git.commitSha());
    neg('bic', () => f.finance.bic());
    neg('integer', () => f.number.int({ min: 1000000, max: 999999999999 }));
  }
}

// IBANs of every country faker formats, compact and grouped.
{
  const f = allFakers.en;
  f.seed(9700);
  const probe = new Set();
  for (let n = 0; n < 20000; n++) probe.add(f.finance.iban().slice(0, 2));
  for (const cc of [...probe].sort()) {
    for (let n = 0; n < 16; n++) {
      emit('iban', f.finance.iban({ countryCode: cc }), 'en', cc, 'compact', true);
      emit('iban', f.finance.iban({ countryCode: cc, formatted: true }), 'en', cc, 'formatted', true);
    }
  }
}

// Payment cards of every issuer any locale knows.
{
  const issuers = new Map();
  for (const loc of locales) {
    for (const k of Object.keys(allFakers[loc].rawDefinitions.finance?.credit_card ?? {})) {
      if (!issuers.has(k)) issuers.set(k, loc);
    }
  }
  for (const [issuer, loc] of [...issuers].sort()) {
    const f = allFakers[loc];
    f.seed(4000 + issuer.length);
    for (let n = 0; n < 150; n++) emit('card', f.finance.creditCardNumber(issuer), loc, null, issuer, true);
  }
}

process.stdout.write(`{"t":"meta","generator":"@faker-js/faker ${fakerVersion}","records":${out.length}}\n`);
for (const rec of out) process.stdout.write(JSON.stringify(rec) + '\n');
