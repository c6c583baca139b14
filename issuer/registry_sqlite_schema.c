/* The SQLite registry's schema: its forward migrations, one per version. */
#include "issuer/registry_internal.h"

/* Each entry takes the schema from version i to i + 1. Append only: a released migration is
 * never edited, because homes in the field have already run it. */
const char *const sc_registry_sqlite_migrations[SC_REGISTRY_SCHEMA_VERSION] = {
    /* 0 → 1: credentials, their status-list slots, and the append-only event log. */
    "CREATE TABLE status_lists ("
    "  id INTEGER PRIMARY KEY,"
    "  size INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE credentials ("
    "  id TEXT PRIMARY KEY,"
    "  learner_id TEXT,"
    "  achievement_id TEXT NOT NULL,"
    "  idempotency_key TEXT UNIQUE,"
    "  recipient_name TEXT NOT NULL,"
    "  email_hash TEXT NOT NULL,"
    "  status_list INTEGER NOT NULL REFERENCES status_lists(id),"
    "  status_index INTEGER NOT NULL CHECK (status_index >= 0),"
    "  sha256 TEXT NOT NULL,"
    "  issued_at TEXT NOT NULL,"
    "  valid_until TEXT,"
    "  template TEXT,"
    "  json_path TEXT NOT NULL,"
    "  pdf_path TEXT,"
    "  qr_text TEXT,"
    "  credential TEXT NOT NULL,"
    "  UNIQUE (status_list, status_index));"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  credential_id TEXT NOT NULL REFERENCES credentials(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('issued','revoked','suspended','reinstated')),"
    "  reason TEXT,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX events_by_credential ON events(credential_id, seq);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
    /* 1 → 2: the current status kept on the credential (derived from the events, kept in step
     * in the same transaction) so that publishing a million-entry list is one indexed scan. */
    "ALTER TABLE credentials ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
    "  CHECK (status IN ('active','revoked','suspended'));"
    "UPDATE credentials SET status = coalesce((SELECT CASE kind WHEN 'reinstated' THEN 'active'"
    "  ELSE kind END FROM events e WHERE e.credential_id = credentials.id AND e.kind != 'issued'"
    "  ORDER BY seq DESC LIMIT 1), 'active');"
    "CREATE INDEX credentials_by_list_status ON credentials(status_list, status);",
    /* 2 → 3: each status list's generation, bumped by triggers (so in the same transaction as
     * the change, whoever writes it) with every issuance and status change on the list; and
     * the generation its published files were made from, so that a publisher holding an older
     * snapshot never replaces a newer list (docs/status.md). */
    "ALTER TABLE status_lists ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE status_lists ADD COLUMN published_generation INTEGER NOT NULL DEFAULT 0;"
    "CREATE TRIGGER credentials_issued_bump_generation AFTER INSERT ON credentials BEGIN"
    "  UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list; END;"
    "CREATE TRIGGER credentials_status_bump_generation AFTER UPDATE OF status ON credentials"
    "  BEGIN UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list;"
    "  END;",
    /* 3 → 4: lean rows (docs/registry.md "Bytes per credential"). The credential is kept once,
     * compressed (skillcert_pack: registry_pack.c); what can be rebuilt from it or from other
     * columns is no longer stored: the QR text, the SHA-256, the idempotency key (now the
     * UNIQUE (learner_id, achievement) itself) and the "issued" events (the credential's
     * issued_at). The integer seq keeps rows in issue order on disk; events name it rather than
     * the 45-byte id; each achievement IRI is kept once, in achievements. Indexes are those the
     * queries use: id, the learner's achievement, the status slot, and the few credentials that
     * are not active (publishing). */
    "CREATE TABLE achievements ("
    "  id INTEGER PRIMARY KEY,"
    "  iri TEXT NOT NULL UNIQUE);"
    "INSERT INTO achievements (iri) SELECT DISTINCT achievement_id FROM credentials;"
    "CREATE TABLE credentials_v4 ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  learner_id TEXT,"
    "  achievement INTEGER NOT NULL REFERENCES achievements(id),"
    "  recipient_name TEXT NOT NULL,"
    "  email_hash TEXT NOT NULL,"
    "  status_list INTEGER NOT NULL REFERENCES status_lists(id),"
    "  status_index INTEGER NOT NULL CHECK (status_index >= 0),"
    "  issued_at TEXT NOT NULL,"
    "  valid_until TEXT,"
    "  template TEXT,"
    "  json_path TEXT NOT NULL,"
    "  pdf_path TEXT,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked','suspended')),"
    "  credential BLOB NOT NULL,"
    "  UNIQUE (learner_id, achievement),"
    "  UNIQUE (status_list, status_index));"
    "INSERT INTO credentials_v4 (seq, id, learner_id, achievement, recipient_name, email_hash,"
    "  status_list, status_index, issued_at, valid_until, template, json_path, pdf_path, status,"
    "  credential)"
    "  SELECT rowid, id, learner_id, (SELECT a.id FROM achievements a WHERE a.iri = "
    "achievement_id),"
    "  recipient_name, email_hash, status_list,"
    "  status_index, issued_at, valid_until, template, json_path, pdf_path, status,"
    "  skillcert_pack(credential) FROM credentials ORDER BY rowid;"
    "CREATE TABLE events_v4 ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  credential INTEGER NOT NULL REFERENCES credentials_v4(seq),"
    "  kind TEXT NOT NULL CHECK (kind IN ('issued','revoked','suspended','reinstated')),"
    "  reason TEXT,"
    "  at TEXT NOT NULL);"
    "INSERT INTO events_v4 (seq, credential, kind, reason, at)"
    "  SELECT e.seq, c.rowid, e.kind, e.reason, e.at FROM events e"
    "  JOIN credentials c ON c.id = e.credential_id WHERE e.kind != 'issued' ORDER BY e.seq;"
    "DROP TABLE events;"
    "DROP TABLE credentials;"
    "ALTER TABLE credentials_v4 RENAME TO credentials;"
    "ALTER TABLE events_v4 RENAME TO events;"
    "CREATE INDEX events_by_credential ON events(credential);"
    "CREATE INDEX credentials_not_active ON credentials(status_list, status_index)"
    "  WHERE status != 'active';"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER credentials_issued_bump_generation AFTER INSERT ON credentials BEGIN"
    "  UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list; END;"
    "CREATE TRIGGER credentials_status_bump_generation AFTER UPDATE OF status ON credentials"
    "  BEGIN UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list;"
    "  END;",
    /* 4 → 5: the language a certificate was written in when the roster named one (NULL = the
     * template's), so that `render` and a batch's repair write the same PDF again. */
    "ALTER TABLE credentials ADD COLUMN language TEXT;",
    /* 5 → 6 (mailings): `skillcert mail`'s send log (docs/mail.md): one row per credential
     * mailed, its state (queued before the send, sent or failed after), the attempts made and
     * the server's last answer. The learner's address is not stored: it comes from the roster
     * given again. */
    "CREATE TABLE mailings ("
    "  credential TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  answer TEXT,"
    "  at TEXT NOT NULL);",
    /* 6 → 7: the queue of roster rows waiting for `skillcert worker` (docs/registry.md "The
     * queue"). SQLite holds it too, so that one schema serves both; its worker is one process. */
    "CREATE TABLE jobs ("
    "  seq INTEGER PRIMARY KEY,"
    "  learner_id TEXT NOT NULL,"
    "  achievement TEXT NOT NULL,"
    "  achievement_file TEXT,"
    "  template TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  email TEXT NOT NULL,"
    "  did TEXT,"
    "  valid_until TEXT,"
    "  language TEXT,"
    "  roster TEXT NOT NULL,"
    "  line BIGINT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','taken','done','refused')),"
    "  worker BIGINT,"
    "  credential TEXT,"
    "  UNIQUE (learner_id, achievement));"
    "CREATE INDEX jobs_waiting ON jobs(state, seq) WHERE state <> 'done';",
    /* 7 → 8 (claims): the learners' claim links (docs/claim.md). Only the SHA-256 of a token
     * is kept, so a copy of the registry opens no claim page; `via` is what made it ("mail" or
     * "link"), so that a new mail replaces only the mailed link. Times are Unix seconds;
     * revoked is NULL while the token works. */
    "CREATE TABLE claims ("
    "  token_hash TEXT PRIMARY KEY,"
    "  credential TEXT NOT NULL REFERENCES credentials(id),"
    "  via TEXT NOT NULL CHECK (via IN ('mail','link')),"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  revoked INTEGER);"
    "CREATE INDEX claims_by_credential ON claims(credential);",
    /* 8 → 9 (wallets): delivering credentials into wallets (docs/wallets.md). A re-issued copy
     * (the learner's credential made out to the wallet's DID) names its original in
     * reissued_from and shares the original's status entries; wallet_secrets holds the
     * single-use secrets of the two flows (a VC-API exchange, an OpenID4VCI pre-authorized code,
     * its access token, a c_nonce), each only as the SHA-256 of the secret, never the secret. */
    "ALTER TABLE credentials ADD COLUMN reissued_from TEXT;"
    "CREATE INDEX credentials_reissued ON credentials(reissued_from)"
    "  WHERE reissued_from IS NOT NULL;"
    "CREATE TABLE wallet_secrets ("
    "  hash TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('exchange','offer','token','nonce')),"
    "  credential TEXT NOT NULL,"
    "  challenge TEXT,"
    "  tx_code_hash TEXT,"
    "  expires_at BIGINT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','used')),"
    "  attempts BIGINT NOT NULL DEFAULT 0);"
    "CREATE INDEX wallet_secrets_expiry ON wallet_secrets(expires_at);",
    /* 9 → 10 (batch dictionaries): the dictionaries credentials of form 0x02 are compressed
     * against, a batch's first credential each (docs/registry.md "Packed credentials"). A
     * credential names its dictionary by id inside its packed bytes; the row is written in the
     * transaction of the first credential that names it, so none names a missing one. */
    "CREATE TABLE dictionaries ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  bytes BLOB NOT NULL);",
    /* 10 → 11: done jobs forget the learner's name, address and DID, as jobs now do when they
     * are marked done (registry_jobs.c): the registry keeps no address. */
    JOBS_FORGET_DONE,
    /* 11 → 12: PostgreSQL's generation bump on insert became one per statement; SQLite's row
     * trigger stays (in-process, an insert's trigger costs little). Nothing to do here. */
    "SELECT 1;",
    /* 12 → 13: the queue's indexes as PostgreSQL's (where the takes run): the queued jobs in
     * order, the taken ones by worker. */
    "DROP INDEX IF EXISTS jobs_waiting;"
    "CREATE INDEX IF NOT EXISTS jobs_queued ON jobs(seq) WHERE state = 'queued';"
    "CREATE INDEX IF NOT EXISTS jobs_taken ON jobs(worker, seq) WHERE state = 'taken';",
    /* 13 → 14: a credential's file paths relative to the home (registry.md "Files"): a path
     * stored whole named the home as the issuing process had been given it, so a moved home, or
     * a relative --home from another folder, lost its files. Every credential file is
     * <home>/out/<name>; what sits in a folder named out becomes out/<name>. (rtrim(p,
     * replace(p, '/', '')) is p up to its last '/'.) */
    "UPDATE credentials SET json_path = 'out/' ||"
    "  substr(json_path, length(rtrim(json_path, replace(json_path, '/', ''))) + 1)"
    "  WHERE json_path LIKE '%/out/%'"
    "  AND substr(rtrim(json_path, replace(json_path, '/', '')), -5) = '/out/';"
    "UPDATE credentials SET pdf_path = 'out/' ||"
    "  substr(pdf_path, length(rtrim(pdf_path, replace(pdf_path, '/', ''))) + 1)"
    "  WHERE pdf_path LIKE '%/out/%'"
    "  AND substr(rtrim(pdf_path, replace(pdf_path, '/', '')), -5) = '/out/';",
    /* 14 → 15: jobs are taken by claims (registry.md "The queue"): a take writes one row of
     * job_claims naming a range of seq of one template, instead of locking and updating each job,
     * and no index holds a job's state, so marking a job done is a HOT update. Jobs a worker of
     * the old scheme held go back to the queue (stop the workers before upgrading); the jobs
     * done or refused before the first queued one of each template are covered by a finished
     * claim, so that takes start there. Each step can run again (the tests run it twice). */
    JOB_CLAIMS_MIGRATION("INTEGER PRIMARY KEY"),
    /* 15 → 16: PostgreSQL's foreign keys on credentials became a check per statement
     * (registry.md "Integrity"), resting on rows that never change; SQLite's foreign keys stay
     * (in-process, a row's check costs little), and the same rows are kept the same way. */
    "CREATE TRIGGER IF NOT EXISTS status_lists_kept BEFORE DELETE ON status_lists"
    "  BEGIN SELECT RAISE(ABORT, 'status lists are never deleted nor renumbered'); END;"
    "CREATE TRIGGER IF NOT EXISTS status_lists_id_kept BEFORE UPDATE OF id ON status_lists"
    "  BEGIN SELECT RAISE(ABORT, 'status lists are never deleted nor renumbered'); END;"
    "CREATE TRIGGER IF NOT EXISTS achievements_kept BEFORE DELETE ON achievements"
    "  BEGIN SELECT RAISE(ABORT, 'achievements are never deleted nor renumbered'); END;"
    "CREATE TRIGGER IF NOT EXISTS achievements_id_kept BEFORE UPDATE OF id ON achievements"
    "  BEGIN SELECT RAISE(ABORT, 'achievements are never deleted nor renumbered'); END;"
    "CREATE TRIGGER IF NOT EXISTS credentials_slot_kept"
    "  BEFORE UPDATE OF status_list, status_index, achievement ON credentials BEGIN"
    "  SELECT RAISE(ABORT, 'a credential''s status list, status index and achievement never"
    " change'); END;",
};
