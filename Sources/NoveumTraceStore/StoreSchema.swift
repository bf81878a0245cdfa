import GRDB

/// The store's tables and indexes, created by a migration so older stores are upgraded in place.
///
/// - `traces`: one row per trace, with derived columns (duration, status, model, tokens, cost, session, user) that
///   the list, stats and session queries read without touching spans; `seq` grows with every update, for `tail`.
/// - `spans`: one row per span, with the same derived columns per span.
/// - `attributes`: the attributes of spans stored by version 1, one row each, typed (`s`, `i`, `d`, `b`, or
///   `sa`/`ia`/`da`/`ba` holding JSON). From version 2 a span's attributes are in its own `attributes` column, as
///   the spool's typed JSON triples: one row per span instead of one per attribute, which made ingesting (an OTLP
///   flood, a large spool) several times cheaper; nothing queries attributes by key.
/// - `events`: span events, their attributes as typed JSON.
/// - `spool_state`: how far each spool file has been ingested.
/// - `scores` (version 3): each `gen_ai.evaluation.result` event (a score, see `Score`), on the span it evaluates,
///   with its name, value, label, explanation, source and type, for `list --score` and `stats`.
/// - `resources` (version 2): each distinct resource (`service.name`, `telemetry.sdk.*`, ...) once, as typed JSON;
///   spans point at theirs with `resource_id` and repeat its `service.name` in `service`.
///
/// `stats` reads only the covering indexes `spans_model_stats` and `spans_name_stats` (grouped, in duration order,
/// with the time, status, tokens and cost columns), never the span rows: 100,000 traces summarise in well under a
/// second.
///
/// The version lives in `PRAGMA user_version`. ``migrate(_:)`` runs in an `IMMEDIATE` transaction, so when several
/// processes open a new store at once exactly one creates the tables and the others see them.
enum StoreSchema {
    /// The schema version this code writes.
    static let version = 3

    static func migrate(_ db: Database) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if current < 1 {
            try db.execute(
                sql: """
                    CREATE TABLE traces (
                      trace_id TEXT PRIMARY KEY NOT NULL,
                      name TEXT NOT NULL,
                      start_ns INTEGER NOT NULL,
                      end_ns INTEGER NOT NULL,
                      duration_ns INTEGER NOT NULL,
                      status TEXT NOT NULL,
                      error_count INTEGER NOT NULL,
                      span_count INTEGER NOT NULL,
                      model TEXT,
                      models TEXT,
                      input_tokens INTEGER NOT NULL,
                      output_tokens INTEGER NOT NULL,
                      cost REAL NOT NULL,
                      session_id TEXT,
                      user_id TEXT,
                      project TEXT NOT NULL,
                      environment TEXT NOT NULL,
                      service TEXT NOT NULL,
                      resource TEXT NOT NULL,
                      seq INTEGER NOT NULL
                    );
                    CREATE INDEX traces_start ON traces(start_ns);
                    CREATE INDEX traces_status ON traces(status, start_ns);
                    CREATE INDEX traces_name ON traces(name, start_ns);
                    CREATE INDEX traces_session ON traces(session_id, start_ns);
                    CREATE INDEX traces_seq ON traces(seq);
                    CREATE INDEX traces_duration ON traces(duration_ns);
                    CREATE INDEX traces_cost ON traces(cost);
                    CREATE TABLE spans (
                      trace_id TEXT NOT NULL,
                      span_id TEXT NOT NULL,
                      parent_span_id TEXT,
                      parent_remote INTEGER NOT NULL,
                      sampled INTEGER NOT NULL,
                      trace_state TEXT,
                      name TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      start_ns INTEGER NOT NULL,
                      end_ns INTEGER NOT NULL,
                      duration_ns INTEGER NOT NULL,
                      status TEXT NOT NULL,
                      status_message TEXT,
                      model TEXT,
                      input_tokens INTEGER,
                      output_tokens INTEGER,
                      cost REAL,
                      session_id TEXT,
                      user_id TEXT,
                      exception_type TEXT,
                      exception_message TEXT,
                      exception_stack TEXT,
                      links TEXT NOT NULL,
                      dropped_attributes INTEGER NOT NULL,
                      dropped_events INTEGER NOT NULL,
                      PRIMARY KEY (trace_id, span_id)
                    );
                    CREATE INDEX spans_model_stats ON spans(model, duration_ns, start_ns, status, input_tokens,
                      output_tokens, cost) WHERE model IS NOT NULL;
                    CREATE INDEX spans_name_stats ON spans(name, duration_ns, start_ns, status, input_tokens,
                      output_tokens, cost);
                    CREATE INDEX spans_model_trace ON spans(model, trace_id) WHERE model IS NOT NULL;
                    CREATE TABLE attributes (
                      trace_id TEXT NOT NULL,
                      span_id TEXT NOT NULL,
                      position INTEGER NOT NULL,
                      key TEXT NOT NULL,
                      type TEXT NOT NULL,
                      value,
                      PRIMARY KEY (trace_id, span_id, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE events (
                      trace_id TEXT NOT NULL,
                      span_id TEXT NOT NULL,
                      position INTEGER NOT NULL,
                      name TEXT NOT NULL,
                      time_ns INTEGER NOT NULL,
                      attributes TEXT NOT NULL,
                      PRIMARY KEY (trace_id, span_id, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE spool_state (
                      path TEXT PRIMARY KEY NOT NULL,
                      offset INTEGER NOT NULL
                    );
                    """)
        }
        if current < 2 {
            // Version 2: spans from any SDK (the OTLP receiver). Each span keeps its own service and resource, and
            // the provider and operation read from whichever vocabulary it was written in; a trace lists every
            // service it crossed; a span's attributes are in its row.
            try db.execute(
                sql: """
                    CREATE TABLE resources (
                      id INTEGER PRIMARY KEY,
                      attributes TEXT NOT NULL UNIQUE
                    );
                    ALTER TABLE spans ADD COLUMN service TEXT;
                    ALTER TABLE spans ADD COLUMN resource_id INTEGER;
                    ALTER TABLE spans ADD COLUMN provider TEXT;
                    ALTER TABLE spans ADD COLUMN operation TEXT;
                    ALTER TABLE traces ADD COLUMN services TEXT;
                    ALTER TABLE spans ADD COLUMN attributes TEXT;
                    """)
        }
        if current < 3 {
            // Version 3: scores. Every `gen_ai.evaluation.result` event, on the span it evaluates: the span that
            // carries it, or for a late score (an evaluation span) that span's parent. Scores stored before
            // version 3 are in `events` only; they are not copied here.
            try db.execute(
                sql: """
                    CREATE TABLE scores (
                      trace_id TEXT NOT NULL,
                      span_id TEXT,
                      source_span_id TEXT NOT NULL,
                      position INTEGER NOT NULL,
                      name TEXT NOT NULL,
                      value REAL,
                      label TEXT,
                      explanation TEXT,
                      source TEXT,
                      type TEXT,
                      response_id TEXT,
                      time_ns INTEGER NOT NULL,
                      late INTEGER NOT NULL,
                      PRIMARY KEY (trace_id, source_span_id, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX scores_name ON scores(name, value);
                    CREATE INDEX scores_span ON scores(trace_id, span_id);
                    """)
        }
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }
}
