#!/usr/bin/python3
"""A wallet for tests/e2e/wallets.bats, built from libraries independent of skillcert.

The Learner Credential Wallet side (lcw): reads the deep link, asks the exchange for its
VerifiablePresentationRequest, signs a DIDAuth presentation (Data Integrity eddsa-rdfc-2022:
pyld's URDNA2015 canonicalization, the contexts served from the repository's contexts/ folder,
never the network; Ed25519 from python3-cryptography) and posts it. The OpenID4VCI side
(oid4vci): reads the offer, the issuer's and the authorization server's metadata, redeems the
pre-authorized code (with the PIN) at the token endpoint and asks for the credential with a
proof JWT signed by PyJWT. Either prints the server's answer as JSON on stdout, exits 0 when
the server answered 200 and 1 otherwise, and writes the credential to --out.

Options that make a wallet misbehave, for the tests of what must fail: --domain, --challenge
(sign for another domain or challenge), --save-vp / --post-vp (keep a presentation, post it
again), --nonce (a proof with another nonce), --pin, --reuse-token FILE (the token answer).
"""
import argparse
import datetime
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTEXTS = os.path.join(ROOT, "contexts")
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def load_contexts():
    with open(os.path.join(CONTEXTS, "contexts.json")) as f:
        names = json.load(f)
    docs = {}
    for url, name in names.items():
        with open(os.path.join(CONTEXTS, name)) as f:
            docs[url] = json.load(f)

    def loader(url, options=None):
        if url not in docs:
            raise jsonld.JsonLdError("no local context for " + url, "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": docs[url]}

    return loader


def key_of(path):
    """The wallet's Ed25519 key (made once, kept in path) and its did:key."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            key = Ed25519PrivateKey.from_private_bytes(f.read())
    else:
        key = Ed25519PrivateKey.generate()
        with open(path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                      serialization.NoEncryption()))
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    multikey = "z" + b58encode(b"\xed\x01" + pub)
    return key, "did:key:" + multikey, "did:key:" + multikey + "#" + multikey


def http(method, url, body=None, headers=None):
    data = None
    headers = dict(headers or {})
    if isinstance(body, dict):
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif isinstance(body, str):
        data = body.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"raw": text.decode(errors="replace")}


def canonical_hash(doc, loader):
    nquads = jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                    "documentLoader": loader, "safe": False})
    return hashlib.sha256(nquads.encode()).digest()


def sign_didauth(key, did, vm, challenge, domain, loader, lcw_style=False):
    """A DIDAuth presentation with an eddsa-rdfc-2022 proof (VC-DI-EDDSA 3.3); lcw_style: as the
    Learner Credential Wallet makes it from a link holding the challenge (DCC's lcw-mock): VC 1.1,
    an Ed25519Signature2020 proof, no domain."""
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if lcw_style:
        vp = {"@context": ["https://www.w3.org/2018/credentials/v1",
                           "https://w3id.org/security/suites/ed25519-2020/v1"],
              "type": ["VerifiablePresentation"], "holder": did}
        proof = {"type": "Ed25519Signature2020", "created": created, "verificationMethod": vm,
                 "proofPurpose": "authentication", "challenge": challenge}
    else:
        vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
              "type": ["VerifiablePresentation"], "holder": did}
        proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                 "created": created, "verificationMethod": vm, "proofPurpose": "authentication",
                 "challenge": challenge, "domain": domain}
    config = dict(proof)
    config["@context"] = vp["@context"]
    data = canonical_hash(config, loader) + canonical_hash(vp, loader)
    proof["proofValue"] = "z" + b58encode(key.sign(data))
    vp["proof"] = proof
    return vp


def finish(status, answer, out, credential):
    print(json.dumps({"status": status, "answer": answer}))
    if status == 200 and out:
        with open(out, "w") as f:
            json.dump(credential, f, indent=2)
    return 0 if status == 200 else 1


def lcw(args):
    link = urllib.parse.urlparse(args.link)
    query = urllib.parse.parse_qs(link.query)
    url, challenge = query["vc_request_url"][0], query["challenge"][0]
    key, did, vm = key_of(args.key)
    if args.post_vp:
        with open(args.post_vp) as f:
            vp = json.load(f)
    elif args.lcw_style:  # straight from the link, no request asked for
        vp = sign_didauth(key, did, vm, challenge, None, load_contexts(), lcw_style=True)
    else:
        status, answer = http("POST", url, {})
        if status != 200:
            return finish(status, answer, None, None)
        request = answer["verifiablePresentationRequest"]
        assert request["query"][0]["type"] == "DIDAuthentication", request
        assert request["challenge"] == challenge, "the request's challenge is the link's"
        domain = args.domain or request["domain"]
        vp = sign_didauth(key, did, vm, args.challenge or challenge, domain, load_contexts())
    if args.save_vp:
        with open(args.save_vp, "w") as f:
            json.dump(vp, f)
    # the VC API's form, or (--bare) the presentation itself, as the Learner Credential Wallet
    # posts it
    status, answer = http("POST", url, vp if args.bare else {"verifiablePresentation": vp})
    credential = None
    if status == 200:
        credential = answer["verifiablePresentation"]["verifiableCredential"][0]
        assert credential["credentialSubject"]["id"] == did, "the credential names the wallet"
    return finish(status, answer, args.out, credential)


def oid4vci(args):
    offer = json.loads(urllib.parse.parse_qs(urllib.parse.urlparse(args.offer).query)
                       ["credential_offer"][0])
    issuer = offer["credential_issuer"]
    status, meta = http("GET", issuer + "/.well-known/openid-credential-issuer")
    assert status == 200, meta
    status, server = http("GET", issuer + "/.well-known/oauth-authorization-server")
    assert status == 200, server
    configuration = offer["credential_configuration_ids"][0]
    assert meta["credential_configurations_supported"][configuration]["format"] == "ldp_vc"
    grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": grant["pre-authorized_code"]}
    if args.pin is not None:
        form["tx_code"] = args.pin
    status, token = http("POST", server["token_endpoint"], urllib.parse.urlencode(form))
    if status != 200:
        return finish(status, token, None, None)
    if args.token_only:
        return finish(status, token, None, None)
    key, did, vm = key_of(args.key)
    claims = {"aud": issuer, "iat": int(time.time()), "nonce": args.nonce or token["c_nonce"]}
    proof = jwt.encode(claims, key, algorithm="EdDSA",
                       headers={"typ": "openid4vci-proof+jwt", "kid": vm})
    status, answer = http("POST", meta["credential_endpoint"],
                          {"credential_configuration_id": configuration,
                           "proofs": {"jwt": [proof]}},
                          {"Authorization": "Bearer " + token["access_token"]})
    credential = None
    if status == 200:
        credential = answer["credentials"][0]["credential"]
        assert credential["credentialSubject"]["id"] == did, "the credential names the wallet"
    return finish(status, answer, args.out, credential)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="flow", required=True)
    a = sub.add_parser("lcw")
    a.add_argument("link")
    a.add_argument("--key", required=True)
    a.add_argument("--out")
    a.add_argument("--domain")
    a.add_argument("--challenge")
    a.add_argument("--save-vp")
    a.add_argument("--post-vp")
    a.add_argument("--bare", action="store_true")
    a.add_argument("--lcw-style", action="store_true")
    b = sub.add_parser("oid4vci")
    b.add_argument("offer")
    b.add_argument("--key", required=True)
    b.add_argument("--out")
    b.add_argument("--pin")
    b.add_argument("--nonce")
    b.add_argument("--token-only", action="store_true")
    args = p.parse_args()
    return lcw(args) if args.flow == "lcw" else oid4vci(args)


if __name__ == "__main__":
    sys.exit(main())
