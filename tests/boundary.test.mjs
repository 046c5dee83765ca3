// Contract test of the wasm package the extension and the demo load (extension/pkg, built by ./build.sh).
// Pins the JSON shape of docs/report.md as JavaScript receives it. Run: node --test tests/boundary.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = new URL('../extension/pkg/', import.meta.url);
const { initSync, analyze, analyzeDocument, analyzeElement, version } = await import(new URL('policy_lens.js', pkg));
initSync({ module: readFileSync(fileURLToPath(new URL('policy_lens_bg.wasm', pkg))) });

const EVIDENCE_KEYS = ['block', 'end', 'start', 'text']; // + optional 'section'
const SHAPE = {
  isPolicy: ['likely', 'score'],
  thirdPartySharing: ['evidence', 'marketing', 'namedThirdParties', 'purposes', 'sells', 'verdict'],
  doNotTrack: ['evidence', 'verdict'],
  globalPrivacyControl: ['evidence', 'verdict'],
  minimumAge: ['age', 'allAges', 'childrenMentioned', 'evidence', 'parentalConsent'],
  contact: ['emails', 'evidence', 'otherChannels', 'phones', 'postalAddresses', 'urls'],
  retention: ['evidence', 'mentioned', 'periods', 'stated'],
  rights: ['exercise', 'rights'],
  optOuts: [], // an array
  tracking: ['evidence', 'services', 'technologies', 'thirdParty', 'verdict'],
  security: ['breachNotification', 'evidence', 'measures', 'stated'],
  policyChanges: ['evidence', 'notices', 'updated'],
  internationalTransfers: ['evidence', 'safeguards', 'verdict'],
  meta: ['analyzedLength', 'sentences', 'truncated', 'version'],
};
const YES_NO = ['yes', 'no', 'notMentioned'];
const DNT = ['honored', 'notHonored', 'unclear', 'notMentioned'];
const GPC = ['honored', 'notHonored', 'notMentioned'];
const PURPOSES = ['serviceProviders', 'affiliates', 'advertising', 'marketing', 'analytics', 'legal', 'businessTransfer', 'withConsent'];

const POLICY = [
  '# Privacy Policy of Ærø Café 😀',
  'We share personal information with service providers who host our servers, and we use Google Analytics. ' +
    'We may disclose personal data to law enforcement when the law requires it. We do not sell your personal information.',
  '## Do Not Track',
  'We do not respond to Do Not Track signals. We honor Global Privacy Control signals.',
  '## Children',
  'You must be at least 16 years old to use the service. Teens aged 13 to 15 need the consent of a parent.',
  '## Contact',
  'Email privacy@example.org or write to Ærø Café, Hafenstraße 3, 20095 Hamburg.',
].join('\n\n');

const keys = (o) => Object.keys(o).sort();
const plain = (o) => o !== null && typeof o === 'object' && Object.getPrototypeOf(o) === Object.prototype;

// Every evidence anywhere in the report: the items of each array under an `evidence` key.
function everyEvidence(r) {
  const out = [];
  const visit = (v) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'evidence' && Array.isArray(x)) out.push(...x);
        else visit(x);
      }
    }
  };
  visit(r);
  return out;
}

function assertShape(r) {
  assert.ok(plain(r), 'report is a plain object (json_compatible, no Map)');
  assert.deepEqual(keys(r), Object.keys(SHAPE).sort());
  for (const [k, want] of Object.entries(SHAPE)) {
    if (Array.isArray(r[k])) assert.deepEqual(want, [], `${k} is an array`);
    else assert.deepEqual(keys(r[k]), want, `keys of ${k}`);
  }
  assert.deepEqual(keys(r.thirdPartySharing.marketing), ['evidence', 'verdict']);
  assert.deepEqual(keys(r.thirdPartySharing.sells), ['evidence', 'verdict']);
  assert.ok(YES_NO.includes(r.thirdPartySharing.verdict));
  assert.ok(YES_NO.includes(r.thirdPartySharing.marketing.verdict));
  assert.ok(YES_NO.includes(r.thirdPartySharing.sells.verdict));
  assert.ok(DNT.includes(r.doNotTrack.verdict));
  assert.ok(GPC.includes(r.globalPrivacyControl.verdict));
  for (const p of r.thirdPartySharing.purposes) {
    assert.deepEqual(keys(p), ['evidence', 'purpose']);
    assert.ok(PURPOSES.includes(p.purpose), p.purpose);
  }
  for (const p of r.thirdPartySharing.namedThirdParties) assert.deepEqual(keys(p), ['evidence', 'name']);
  assert.equal(typeof r.isPolicy.likely, 'boolean');
  assert.ok(r.isPolicy.score >= 0 && r.isPolicy.score <= 1);
  assert.ok(r.minimumAge.age === null || Number.isInteger(r.minimumAge.age));
  for (const k of ['emails', 'phones', 'urls', 'postalAddresses', 'otherChannels']) {
    assert.ok(r.contact[k].every((s) => typeof s === 'string'), k);
  }
  for (const e of everyEvidence(r)) {
    const k = keys(e).filter((x) => x !== 'section');
    assert.deepEqual(k, EVIDENCE_KEYS);
    if ('section' in e) assert.equal(typeof e.section, 'string');
    assert.ok(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start <= e.end);
  }
}

test('version() is a semver string equal to meta.version', () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
  assert.equal(analyze('').meta.version, version());
});

test('the report has exactly the keys of docs/report.md (+ meta)', () => {
  assertShape(analyze(POLICY));
  assertShape(analyze(''));
});

test('real findings', () => {
  const r = analyze(POLICY);
  assert.equal(r.isPolicy.likely, true);
  assert.equal(r.doNotTrack.verdict, 'notHonored');
  assert.equal(r.minimumAge.age, 16);
  assert.deepEqual(r.contact.emails, ['privacy@example.org']);
  assert.equal(r.thirdPartySharing.verdict, 'yes');
  assert.equal(r.thirdPartySharing.sells.verdict, 'no');
});

test('evidence offsets are UTF-16 indices: text.slice(start, end) is the passage', () => {
  const r = analyze(POLICY);
  const all = everyEvidence(r);
  assert.ok(all.length >= 4);
  for (const e of all) assert.equal(POLICY.slice(e.start, e.end), e.text, JSON.stringify(e));
  const dnt = r.doNotTrack.evidence[0];
  assert.equal(dnt.text, 'We do not respond to Do Not Track signals.');
  assert.equal(dnt.section, 'Do Not Track');
  assert.equal(r.meta.analyzedLength, POLICY.length);
});

test('analyzeDocument: offsets into the blocks joined by "\\n\\n", and block indices', () => {
  const blocks = [
    { kind: 'heading', level: 1, text: 'Datenschutzerklärung – Privacy 😀' },
    { kind: 'paragraph', text: 'Ça va: we collect your email address when you register.' },
    { kind: 'heading', level: 2, text: 'Do Not Track' },
    { kind: 'paragraph', text: 'We do not respond to Do Not Track signals.' },
    { kind: 'listItem', text: 'You must be at least 16 years old to use the service.' },
    { kind: 'tableCell', text: 'Contact our privacy team.', links: ['mailto:privacy@example.org'] },
  ];
  const r = analyzeDocument({ title: 'Privacy', url: 'https://example.org/privacy', blocks });
  assertShape(r);
  const joined = blocks.map((b) => b.text).join('\n\n');
  for (const e of everyEvidence(r)) {
    assert.equal(joined.slice(e.start, e.end), e.text);
    assert.ok(blocks[e.block].text.includes(e.text), `block ${e.block} holds ${e.text}`);
  }
  assert.equal(r.doNotTrack.evidence[0].block, 3);
  assert.equal(r.minimumAge.evidence[0].block, 4);
  assert.deepEqual(r.contact.emails, ['privacy@example.org']);
  assert.equal(r.meta.analyzedLength, joined.length);
});

test('empty input gives a well-defined empty report', () => {
  for (const r of [analyze(''), analyzeDocument({ blocks: [] })]) {
    assert.equal(r.isPolicy.likely, false);
    for (const v of [r.thirdPartySharing, r.thirdPartySharing.marketing, r.thirdPartySharing.sells, r.doNotTrack, r.globalPrivacyControl]) {
      assert.equal(v.verdict, 'notMentioned');
      assert.deepEqual(v.evidence, []);
    }
    assert.deepEqual(r.thirdPartySharing.purposes, []);
    assert.deepEqual(r.thirdPartySharing.namedThirdParties, []);
    assert.equal(r.minimumAge.age, null);
    assert.deepEqual(r.minimumAge.allAges, []);
    assert.deepEqual(r.contact, { emails: [], phones: [], urls: [], postalAddresses: [], otherChannels: [], evidence: [] });
    assert.equal(r.meta.analyzedLength, 0);
    assert.equal(r.meta.truncated, false);
  }
});

test('a report survives structuredClone and JSON (what sendMessage and storage do)', () => {
  const r = analyze(POLICY);
  assert.deepEqual(structuredClone(r), r);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('bad analyzeDocument input rejects with an Error, and the module keeps working', () => {
  const bad = [undefined, null, 42, 'text', [], {}, { blocks: 'x' }, { blocks: [{ kind: 'bogus', text: 'x' }] },
    { blocks: [{ kind: 'paragraph', text: 5 }] }, { blocks: [{ kind: 'heading', level: 300, text: 'x' }] },
    { blocks: [{ kind: 'paragraph', text: 'x', links: 'mailto:a@b.c' }] }];
  for (const input of bad) {
    assert.throws(() => analyzeDocument(input), (e) => e instanceof Error && /analyzeDocument/.test(e.message),
      JSON.stringify(input));
  }
  assert.equal(analyze(POLICY).doNotTrack.verdict, 'notHonored');
});

test('analyzeElement fails cleanly without a DOM', () => {
  assert.throws(() => analyzeElement('main'), (e) => e instanceof Error && e.message === 'no window');
});

test('hostile input does not crash', () => {
  const big = 'We do not respond to Do Not Track signals. '.repeat(20000);
  assert.equal(analyze(big).doNotTrack.verdict, 'notHonored');
  assertShape(analyze('\u0000\uFFFD\uD83D'.repeat(1000)));
  assertShape(analyze('😀'.repeat(5000)));
});

// Lone surrogates: a JS string may hold one, Rust's &str cannot. wasm-bindgen encodes strings
// with TextEncoder, which turns each lone surrogate into U+FFFD: also one UTF-16 unit, so every
// offset still indexes the caller's string. Evidence text carries U+FFFD where the input had
// the lone surrogate.
const wellFormed = (s) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function assertAligned(input, r) {
  assert.equal(r.meta.analyzedLength, input.length, 'analyzedLength counts a lone surrogate as one unit');
  for (const e of everyEvidence(r)) {
    assert.ok(e.end <= input.length);
    // The caller's own string, sliced at the offsets, is the passage (lone surrogates read as U+FFFD).
    assert.equal(wellFormed(input.slice(e.start, e.end)), e.text, JSON.stringify(e));
  }
}

test('lone surrogates before evidence, inside words, at the end: offsets index the JS string', () => {
  const dnt = 'We do not respond to Do Not Track signals.';
  const cases = [
    '\uD800' + dnt,                                   // lone high surrogate first
    '\uDC00\uDC00 ' + dnt,                            // lone low surrogates first
    'Intro \uD83D text. ' + dnt + ' Email privacy@example.org.', // half an emoji before
    'We do not res\uD800pond to Do Not Track signals. ' + dnt,   // inside a word
    dnt + ' Under 13\uDBFF.',                         // after evidence
    dnt + '\n\n\uD800',                              // at the very end (high)
    dnt + ' Under 13.\n\nEnd \uDFFF',                // at the very end (low)
    '😀\uD800😀\uDC00😀 ' + dnt + ' You must be at least 16 years old.', // mixed with real pairs
    '\uDC00\uD800 ' + dnt,                            // low then high: two lone ones, not a pair
  ];
  for (const input of cases) {
    const r = analyze(input);
    assertShape(r);
    assertAligned(input, r);
    assert.equal(r.doNotTrack.verdict, 'notHonored', JSON.stringify(input));
    // The deciding sentence, at its offsets in the caller's string (a lone surrogate glued to
    // its first word reads as U+FFFD there).
    const e = r.doNotTrack.evidence.find((x) => x.text.endsWith(dnt));
    assert.ok(e, JSON.stringify(input));
    assert.ok(input.slice(e.start, e.end).endsWith(dnt));
    assert.equal(input.slice(e.end - dnt.length, e.end), dnt);
  }
  // Glued right after the full stop, the replacement character joins the sentence (whose
  // verdict the rules then may not give): only the offsets are pinned here.
  for (const input of [dnt + '\uD800', dnt + '\uDFFF', 'x\uD800. ' + dnt + '\uDC00']) {
    const r = analyze(input);
    assertShape(r);
    assertAligned(input, r);
  }
});

test('lone surrogates in Document blocks: offsets index the joined blocks', () => {
  const blocks = [
    { kind: 'heading', level: 1, text: 'Privacy \uD800 Policy' },
    { kind: 'paragraph', text: '\uDC00 Broken \uD83D half emoji.' },
    { kind: 'heading', level: 2, text: 'Do Not Track\uDBFF' },
    { kind: 'paragraph', text: 'We do not respond to Do Not Track signals.\n\uD800' },
    { kind: 'listItem', text: '\uDFFFYou must be at least 16 years old to use the service.' },
    { kind: 'tableCell', text: 'Contact\uD800 our privacy team.', links: ['mailto:privacy@example.org\uDC00'] },
  ];
  const r = analyzeDocument({ title: 'Privacy\uD800', blocks });
  assertShape(r);
  const joined = blocks.map((b) => b.text).join('\n\n');
  assertAligned(joined, r);
  assert.equal(r.doNotTrack.verdict, 'notHonored');
  const e = r.doNotTrack.evidence[0];
  assert.equal(e.block, 3);
  assert.equal(joined.slice(e.start, e.end), 'We do not respond to Do Not Track signals.');
  assert.equal(e.section, 'Do Not Track\uFFFD');
  assert.equal(r.minimumAge.age, 16);
  for (const ev of everyEvidence(r)) assert.ok(wellFormed(blocks[ev.block].text).includes(ev.text));
});

test('strings of nothing but lone surrogates', () => {
  for (const input of ['\uD800', '\uDC00', '\uD800'.repeat(10000), '\uDC00\uD800'.repeat(5000)]) {
    const r = analyze(input);
    assertShape(r);
    assert.equal(r.meta.analyzedLength, input.length);
    const d = analyzeDocument({ blocks: [{ kind: 'paragraph', text: input }] });
    assert.equal(d.meta.analyzedLength, input.length);
  }
});
