/*
 * The version-1 preset DEFLATE dictionary of the QR payload (docs/qr-payload.md).
 *
 * RELEASED: never change a byte. Payloads printed on paper are inflated with exactly these
 * bytes for as long as certificates live; a better dictionary means payload version '2' and a
 * new file. tests/unit/test_qr_payload.c pins the SHA-256 so an accidental edit fails.
 *
 * DEFLATE finds repeats within the last 32 KiB, the dictionary counting as text that came
 * before the payload. Strings near the end are closer and cost fewer distance bits, so the
 * rarest vocabulary comes first and the skeleton every credential shares comes last.
 */
#include "core/core.h"

/* clang-format off: one piece per line, as written */
static const char DICTIONARY_V1[] =
    /* Domain vocabulary: words AI-skills certificates use in names, descriptions and criteria. */
    " artificial intelligence, machine learning models, large language models, generative AI, "
    "data science, deep learning, neural networks, natural language processing, computer vision, "
    "prompts, prompt engineering, ethics, safety, security, privacy, fairness, transparency, "
    "accountability, governance, risk management, responsible use of AI systems at work. "
    "Designed, built, tested, trained, evaluated, deployed and monitored. Demonstrated the "
    "ability to apply skills in real workplace tasks; completed the hands-on project, the "
    "case-study assignments and all modules, and passed the proctored final exam."
    /* Open Badges 3.0 terms the shipped achievements do not use (yet). */
    "\"alignment\":[{\"targetFramework\":\"ESCO\",\"targetName\":\"\","
    "\"targetType\":\"ceasn:Competency\",\"targetUrl\":\"https://esco.ec.europa.eu/en/"
    "classification/skills\",\"type\":[\"Alignment\"]}]\"image\":{\"id\":\"data:image/png;base64,"
    "\",\"type\":\"Image\"}\"evidence\":[{\"type\":[\"Evidence\"]}]\"resultDescription\","
    "\"creditsAvailable\",\"fieldOfStudy\",\"humanCode\",\"tag\":[\"Badge\",\"Course\","
    "\"Diploma\",\"License\",\"MicroCredential\"]\"did:web:\",\"description\",\"email\","
    "\"phone\",\"url\":\"https://www.\"identityType\":\"sourcedId\",\"identityType\":\"did\","
    "\"endorsement\",\"EndorsementCredential\""
    /* Values with a common shape. */
    "T00:00:00Z\",\"T23:59:59Z\",\".example/achievements/Awarded for completing the -hour "
    "course: Completed all and passed the final assessment with at least 80%.\"},"
    /* A signed credential's skeleton in JCS order, values left empty: every payload uses it. */
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",\"https://purl.imsglobal.org/spec/"
    "ob/v3p0/context-3.0.3.json\"],\"credentialSchema\":[{\"id\":\"https://purl.imsglobal.org/"
    "spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json\","
    "\"type\":\"1EdTechJsonSchemaValidator2019\"}],\"credentialStatus\":[{\"id\":\"https://\","
    "\"statusListCredential\":\"https://\",\"statusListIndex\":\"\","
    "\"statusPurpose\":\"revocation\",\"type\":\"BitstringStatusListEntry\"},{\"id\":\"/status/1/"
    "suspension#\",\"statusListCredential\":\"/status/1/suspension\",\"statusListIndex\":\"\","
    "\"statusPurpose\":\"suspension\",\"type\":\"BitstringStatusListEntry\"}],"
    "\"credentialSubject\":{\"achievement\":{\"achievementType\":\"Certificate\","
    "\"criteria\":{\"narrative\":\"\"},\"description\":\"\",\"id\":\"https://\",\"name\":\"\","
    "\"type\":[\"Achievement\"]},\"identifier\":[{\"hashed\":false,\"identityHash\":\"\","
    "\"identityType\":\"name\",\"type\":\"IdentityObject\"},{\"hashed\":true,"
    "\"identityHash\":\"sha256$\",\"identityType\":\"emailAddress\",\"salt\":\"\","
    "\"type\":\"IdentityObject\"}],\"type\":[\"AchievementSubject\"]},\"id\":\"urn:uuid:\","
    "\"issuer\":{\"id\":\"did:key:z6Mk\",\"name\":\"\",\"type\":[\"Profile\"],\"url\":\"https://"
    "\"},\"name\":\"\",\"proof\":[{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
    "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],\"created\":\"20\","
    "\"cryptosuite\":\"eddsa-jcs-2022\",\"proofPurpose\":\"assertionMethod\","
    "\"proofValue\":\"z\",\"type\":\"DataIntegrityProof\","
    "\"verificationMethod\":\"did:key:z6Mk\"}],\"type\":[\"VerifiableCredential\","
    "\"OpenBadgeCredential\"],\"validFrom\":\"20\",\"validUntil\":\"20";
/* clang-format on */

/* The C standard only promises string literals of 4095 bytes; stay below (-Wpedantic). */
_Static_assert(sizeof DICTIONARY_V1 <= 4095, "the v1 dictionary is a single string literal");

const uint8_t *sc_qr_dictionary_v1(size_t *len) {
  *len = sizeof DICTIONARY_V1 - 1; /* without the terminating NUL */
  return (const uint8_t *)DICTIONARY_V1;
}
