// The Node peer of bench/bench_rdfc.c: Digital Bazaar's jsonld, rdf-canonize and
// @digitalbazaar/vc canonicalize and verify the same eddsa-rdfc-2022 credential, with a document
// loader that serves skillcert's bundled contexts (nothing is fetched).
// Usage: node node_rdfc.mjs CONTEXTS_DIR SIGNED.json SECONDS
// Prints "<name> <rate> <unit>" lines, as the C benchmarks do.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [contextsDir, signedPath, secondsText] = process.argv.slice(2);
const seconds = Number(secondsText || 3);
const map = JSON.parse(readFileSync(join(contextsDir, 'contexts.json'), 'utf8'));
const contexts = new Map(Object.entries(map).map(
  ([url, file]) => [url, JSON.parse(readFileSync(join(contextsDir, file), 'utf8'))]));
const signed = JSON.parse(readFileSync(signedPath, 'utf8'));

// did:key verification methods, resolved locally (the key is the DID's own).
function didKeyDocument(url) {
  const did = url.split('#')[0];
  const key = did.slice('did:key:'.length);
  const method = {'@context': 'https://w3id.org/security/multikey/v1', id: `${did}#${key}`,
    type: 'Multikey', controller: did, publicKeyMultibase: key};
  if (url.includes('#')) return method;
  return {'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [method], assertionMethod: [method.id]};
}

const documentLoader = async url => {
  if (contexts.has(url)) return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  if (url.startsWith('did:key:')) return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
  throw new Error(`not bundled: ${url}`);
};

async function rate(name, unit, step) {
  for (let i = 0; i < 20; i++) await step(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    await step();
    n++;
    now = process.hrtime.bigint();
  }
  console.log(`${name} ${(n / (Number(now - start) / 1e9)).toFixed(1)} ${unit}`);
}

const unsigned = {...signed};
delete unsigned.proof;
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const check = await vc.verifyCredential({credential: signed, suite, documentLoader,
  checkStatus: async () => ({verified: true})});
if (!check.verified) {
  console.error('node peer: the credential does not verify:', JSON.stringify(check.error || check, null, 1).slice(0, 2000));
  process.exit(1);
}
await rate('node-rdfc-canon', 'canon/s', () =>
  jsonld.canonize(unsigned, {algorithm: 'RDFC-1.0', format: 'application/n-quads',
    documentLoader, safe: true}));
await rate('node-verify-json-rdfc', 'verify/s', async () => {
  const r = await vc.verifyCredential({credential: signed, suite, documentLoader,
    checkStatus: async () => ({verified: true})});
  if (!r.verified) throw new Error('verification failed');
});
