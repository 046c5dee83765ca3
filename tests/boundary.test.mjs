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

function everyEvidence(r) {
  const t = r.thirdPartySharing;
  return [t.evidence, ...t.purposes.map((p) => p.evidence), t.marketing.evidence, t.sells.evidence,
    ...t.namedThirdParties.map((p) => p.evidence), r.doNotTrack.evidence, r.globalPrivacyControl.evidence,
    r.minimumAge.evidence, r.contact.evidence].flat();
}

function assertShape(r) {
  assert.ok(plain(r), 'report is a plain object (json_compatible, no Map)');
  assert.deepEqual(keys(r), Object.keys(SHAPE).sort());
  for (const [k, want] of Object.entries(SHAPE)) assert.deepEqual(keys(r[k]), want, `keys of ${k}`);
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
