-- The verifiable log (issue 9): one RFC 6962 Merkle tree over every entry in log_index order
-- (events and registry entries), its integrator's progress, signed checkpoints with the
-- cosignatures witnesses sent, and the log's signing key. docs/decisions.md "The verifiable
-- log: tiles and an integrator" explains the layout.

-- Refuses changes to an append-only table of the log, naming it.
CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

-- Registry changes as log entries (filled by the registry log; created here so the integrator
-- reads one index space). Append-only like the event table.
CREATE TABLE IF NOT EXISTS registry_entry (
    log_index       bigint      PRIMARY KEY,
    entry_type      text        NOT NULL,
    subject         text        NOT NULL,
    canonical_bytes bytea       NOT NULL,
    record_time     timestamptz NOT NULL
);

DROP TRIGGER IF EXISTS registry_entry_append_only ON registry_entry;
CREATE TRIGGER registry_entry_append_only
    BEFORE UPDATE OR DELETE ON registry_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();

DROP TRIGGER IF EXISTS registry_entry_no_truncate ON registry_entry;
CREATE TRIGGER registry_entry_no_truncate
    BEFORE TRUNCATE ON registry_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

-- The tree, as tiles of height 8 (C2SP tlog-tiles): tile (level, idx) holds the hashes of the
-- complete nodes of tree level 8*level with indexes idx*256 .. idx*256+255, 32 bytes each, in
-- order. The rightmost tile of each level is partial and grows (only ever appended to) as the
-- integrator adds leaves; the hashes of levels in between are recomputed from a tile (at most
-- 127 SHA-256 per node). Level 0 holds the leaf hashes.
CREATE TABLE log_tile (
    level  smallint NOT NULL CHECK (level >= 0 AND level < 8),
    idx    bigint   NOT NULL CHECK (idx >= 0),
    hashes bytea    NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192
                                    AND length(hashes) % 32 = 0),
    PRIMARY KEY (level, idx)
);
-- hashes do not compress: store them out of line without trying
ALTER TABLE log_tile ALTER COLUMN hashes SET STORAGE EXTERNAL;

-- A tile only grows: its old hashes never change.
CREATE FUNCTION refuse_tile_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.level <> OLD.level OR NEW.idx <> OLD.idx
       OR length(NEW.hashes) < length(OLD.hashes)
       OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
        RAISE EXCEPTION 'log tiles only grow: % of tile (%, %) refused', TG_OP, OLD.level, OLD.idx
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER log_tile_only_grows
    BEFORE UPDATE OR DELETE ON log_tile
    FOR EACH ROW EXECUTE FUNCTION refuse_tile_rewrite();

CREATE TRIGGER log_tile_no_truncate
    BEFORE TRUNCATE ON log_tile
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

-- The integrator's progress: the entries 0 .. tree_size-1 are in the tiles, and root_hash is
-- the tree's root at that size. One row; the integrator of any server instance locks it for
-- each batch, so two never integrate at once and a batch either commits whole or not at all.
CREATE TABLE log_integration (
    id          integer     PRIMARY KEY CHECK (id = 1),
    tree_size   bigint      NOT NULL CHECK (tree_size >= 0),
    root_hash   bytea       NOT NULL CHECK (length(root_hash) = 32),
    update_time timestamptz NOT NULL
);
-- the empty tree's root is SHA-256 of nothing (RFC 9162 section 2.1.1)
INSERT INTO log_integration (id, tree_size, root_hash, update_time)
VALUES (1, 0, sha256(''::bytea), now());

-- The log's Ed25519 signing key; its private part sealed like the label keys (KeySealer, with
-- the 4-byte note key hash as associated data). The key name is the log's origin.
CREATE TABLE log_key (
    id                 integer     PRIMARY KEY CHECK (id = 1),
    origin             text        NOT NULL CHECK (origin <> '' AND origin !~ '[[:space:]+]'),
    key_hash           bytea       NOT NULL CHECK (length(key_hash) = 4),
    public_key         bytea       NOT NULL CHECK (length(public_key) = 32),
    private_key_sealed bytea       NOT NULL,
    create_time        timestamptz NOT NULL
);

-- Every checkpoint the log signed: one per tree size (the primary key), so the log can never
-- sign two roots for one size. Never updated or deleted.
CREATE TABLE log_checkpoint (
    tree_size   bigint      PRIMARY KEY CHECK (tree_size >= 0),
    root_hash   bytea       NOT NULL CHECK (length(root_hash) = 32),
    -- the whole C2SP signed note: body, blank line, the log's signature line
    note        text        NOT NULL,
    create_time timestamptz NOT NULL
);

CREATE TRIGGER log_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON log_checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();

CREATE TRIGGER log_checkpoint_no_truncate
    BEFORE TRUNCATE ON log_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

-- Cosignatures (C2SP tlog-cosignature) received for a checkpoint: one per witness key.
CREATE TABLE log_cosignature (
    tree_size      bigint      NOT NULL REFERENCES log_checkpoint (tree_size),
    key_name       text        NOT NULL,
    key_hash       bytea       NOT NULL CHECK (length(key_hash) = 4),
    -- the note signature line as the witness made it, "— name base64\n"
    signature_line text        NOT NULL,
    cosigned_time  timestamptz NOT NULL,
    receive_time   timestamptz NOT NULL,
    PRIMARY KEY (tree_size, key_name, key_hash)
);
