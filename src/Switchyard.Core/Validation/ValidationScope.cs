using System.Globalization;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

namespace Switchyard.Core.Validation;

/// <summary>
/// What every check shares: the runner, the mapping, the settings, the catalog facts, and the SQL fragments for "the
/// legacy way" (the legacy column, or the compat view once it is dropped) and "the new way" (the lookup join).
/// </summary>
public sealed class ValidationScope
{
    public ValidationScope(SafeSqlRunner sql, NormalizationTarget target, ReconciliationSettings settings, ValidationOptions options, TableFacts facts)
    {
        Sql = sql;
        Target = target;
        Settings = settings;
        Options = options;
        Facts = facts;
    }

    public SafeSqlRunner Sql { get; }
    public NormalizationTarget Target { get; }
    public ReconciliationSettings Settings { get; }
    public ValidationOptions Options { get; }
    public TableFacts Facts { get; }

    public string Table => Target.Table.Sql;
    public string Key => Ident.Quote(Target.KeyColumn);
    public string State => Ident.Quote(Target.TargetColumn);
    public string Lookup => Target.LookupTable.Sql;
    public string LookupId => Ident.Quote(Target.LookupIdColumn);
    public string LookupCode => Ident.Quote(Target.LookupCodeColumn);
    public string Time => Ident.Quote(Settings.TimeColumn);
    public string Amount => Ident.Quote(Settings.AmountColumn);

    /// <summary>Why the new shape cannot be checked yet, or null when the target column and lookup exist.</summary>
    public string? NewShapeMissing =>
        !Facts.TableExists ? $"table {Target.Table} does not exist"
        : !Facts.HasTargetColumn ? $"{Target.Table}.{Target.TargetColumn} does not exist yet (Expand has not run)"
        : !Facts.HasLookup ? $"lookup table {Target.LookupTable} does not exist yet (Expand has not run)"
        : null;

    /// <summary>Why the legacy value cannot be read, or null when the legacy column or a compat view exposes it.</summary>
    public string? LegacyMissing =>
        NewShapeMissing ?? (Facts.HasSourceColumn || Facts.CompatView is not null ? null
            : $"{Target.Table}.{Target.SourceColumn} is dropped and no compat view exposes it");

    /// <summary>
    /// Why a check that needs these settings columns cannot run, or null when the table has them all (or its columns
    /// are unknown). A migration of another table names its own columns in the spec's <c>validation:</c> section.
    /// </summary>
    public string? ColumnsMissing(params string[] columns)
    {
        if (Facts.Columns is not { } present) return null;
        var missing = columns.Where(c => !present.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? null
            : $"{Target.Table} has no column {string.Join(", ", missing)}; name the table's own columns in the spec's validation section (time_column, amount_column, balance_group_column, report_columns)";
    }

    /// <summary>Whether the table has the time column the windows are cut by.</summary>
    public bool HasTimeColumn => ColumnsMissing(Settings.TimeColumn) is null;

    /// <summary>
    /// The UTC <paramref name="unit"/> (<c>hour</c> or <c>day</c>) of each row's time column. On a timestamp column
    /// it is <c>date_bin</c> in the column's own type, integer arithmetic per row; the conversion to UTC wall time
    /// happens once per group. <c>date_trunc(unit, time AT TIME ZONE 'UTC')</c> converts every row to calendar fields
    /// and back: 15% of a completeness chunk and 28% of a counts chunk on the bench (measured, 250k-row chunks).
    /// </summary>
    public UtcBucket TimeBucket(string unit) =>
        TimeIsUtcWallClock ? new($"date_bin('1 {unit}', t.{Time}, 'epoch')", ConvertAfterGrouping: false)
        : Facts.TypeOf(Settings.TimeColumn) == "timestamp with time zone" ? new($"date_bin('1 {unit}', t.{Time}, 'epoch')", ConvertAfterGrouping: true)
        : new($"date_trunc('{unit}', t.{Time} AT TIME ZONE 'UTC')", ConvertAfterGrouping: false);

    /// <summary>Whether the time column is a timestamp without time zone, whose values are read as UTC wall time.</summary>
    public bool TimeIsUtcWallClock => Facts.TypeOf(Settings.TimeColumn) == "timestamp without time zone";

    /// <summary>Where the legacy value is read: "the legacy column" or "compat view x".</summary>
    public string LegacySourceName => Facts.HasSourceColumn ? $"column {Target.Table}.{Target.SourceColumn}" : $"compat view {Facts.CompatView}";

    /// <summary>FROM clause over the table as <c>t</c>, joined to the compat view as <c>v</c> when the legacy column is gone.</summary>
    public string LegacyFrom(string? tableSample = null)
    {
        var t = $"{Table} t{(tableSample is null ? "" : " " + tableSample)}";
        return Facts.HasSourceColumn || Facts.CompatView is null ? t : $"{t} JOIN {Facts.CompatView.Sql} v ON v.{Key} = t.{Key}";
    }

    /// <summary>The legacy value of the current row.</summary>
    public string LegacyValue => Facts.HasSourceColumn || Facts.CompatView is null
        ? $"t.{Ident.Quote(Target.SourceColumn)}"
        : $"v.{Ident.Quote(Target.SourceColumn)}";

    /// <summary>
    /// Joins giving the expected lookup row of a legacy value: <c>m</c> is the code <see cref="NormalizationTarget.CodeSql"/>
    /// gives, <c>f</c> the policy's fallback code (map_to) when that code is not in the lookup.
    /// </summary>
    public string ExpectedJoins(string legacyExpression) =>
        $"LEFT JOIN {Lookup} m ON m.{LookupCode} = {Target.CodeSql(legacyExpression)} " +
        $"LEFT JOIN {Lookup} f ON m.{LookupId} IS NULL AND f.{LookupCode} = {Target.FallbackCodeSql}";

    /// <summary>The canonical code the legacy way gives (after <see cref="ExpectedJoins"/>).</summary>
    public string ExpectedCode(string legacyExpression) => $"coalesce(m.{LookupCode}, f.{LookupCode}, {Target.CodeSql(legacyExpression)})";

    /// <summary>The lookup id the legacy way gives (after <see cref="ExpectedJoins"/>); null for an unmapped value.</summary>
    public string ExpectedId => $"coalesce(m.{LookupId}, f.{LookupId})";

    /// <summary>Above this many lookup codes no per-row shortcut is built; every row takes the full mapping.</summary>
    public const int MaxShortcutCodes = 256;

    private Task<IReadOnlyList<LookupCode>>? _codes;

    /// <summary>
    /// The lookup's codes, most frequent id first (from pg_stats, when analyzed), each with whether CodeSql maps it
    /// to itself; empty when there are more than <see cref="MaxShortcutCodes"/>. Read once per scope.
    /// </summary>
    public Task<IReadOnlyList<LookupCode>> LookupCodesAsync(CancellationToken ct) => _codes ??= ReadLookupCodesAsync(ct);

    private async Task<IReadOnlyList<LookupCode>> ReadLookupCodesAsync(CancellationToken ct)
    {
        var codes = await Sql.QueryAsync($"""
            SELECT l.{LookupId}::text, l.{LookupCode}, {Target.CodeSql($"l.{LookupCode}")} = l.{LookupCode}
            FROM {Lookup} l
            LEFT JOIN (
                SELECT s.value, s.freq
                FROM pg_stats p, unnest(p.most_common_vals::text::text[], p.most_common_freqs) AS s(value, freq)
                WHERE p.schemaname = $1 AND p.tablename = $2 AND p.attname = $3
            ) f ON f.value = l.{LookupId}::text
            WHERE l.{LookupCode} IS NOT NULL
            ORDER BY f.freq DESC NULLS LAST, l.{LookupId}
            LIMIT {MaxShortcutCodes + 1}
            """,
            r => new LookupCode(r.GetString(0), r.GetString(1), !r.IsDBNull(2) && r.GetBoolean(2)), ct,
            Target.Table.Schema, Target.Table.Name, Target.TargetColumn).ConfigureAwait(false);
        return codes.Count > MaxShortcutCodes ? [] : codes;
    }

    /// <summary>The code of each row's target id (<c>t</c>), and the quick proof of a legacy value, for these lookup codes.</summary>
    public IdCodeSql IdCodes(IReadOnlyList<LookupCode> codes) =>
        IdCodeSql.For(codes, $"t.{State}", Facts.TypeOf(Target.TargetColumn), Facts.HasSourceColumn ? Facts.TypeOf(Target.SourceColumn) : null);

    /// <summary>
    /// The condition that a row has both a target id and a legacy value, leaving out a test the catalog already
    /// guarantees (a NOT NULL column): on a whole-table pass each test is work for every row.
    /// </summary>
    public string BothSet
    {
        get
        {
            var tests = new List<string>();
            if (!Facts.IsNotNull(Target.TargetColumn)) tests.Add($"t.{State} IS NOT NULL");
            if (!Facts.HasSourceColumn || !Facts.IsNotNull(Target.SourceColumn)) tests.Add($"{LegacyValue} IS NOT NULL");
            return tests.Count == 0 ? "true" : string.Join(" AND ", tests);
        }
    }

    /// <summary>
    /// <see cref="ExpectedCode"/> as one join-free, parallel-safe expression, for checks that label every row: the
    /// value itself when it is a code CodeSql maps to itself (almost every row: one IN test on the raw text); else
    /// CodeSql(value) when that is a lookup code, else the policy's fallback code when the lookup has it, else
    /// CodeSql(value). Joining the lookup on CodeSql(value) instead runs lower/btrim for every row, which costs more
    /// than the rest of a check's per-row work. Without the code list (over <see cref="MaxShortcutCodes"/>) it is
    /// ExpectedCode from a correlated subquery.
    /// </summary>
    public BoundSql LegacyCode(string legacyExpression, IReadOnlyList<LookupCode> codes)
    {
        if (codes.Count == 0) return BoundSql.Plain($"(SELECT {ExpectedCode(legacyExpression)} FROM (SELECT) AS one {ExpectedJoins(legacyExpression)})");
        var mapped = Target.CodeSql(legacyExpression);
        var otherwise = Target.FallbackCode is { } fallback && codes.Any(c => c.Code == fallback) ? Target.FallbackCodeSql : mapped;
        // The codes are bound arrays, most frequent first: constants to the planner (hashed from nine elements on), never SQL text.
        var all = BoundSql.TextArray(codes.Select(c => c.Code));
        var self = codes.Where(c => c.SelfMapping).Select(c => c.Code).ToList();
        string Slow(int first) => $"CASE WHEN {mapped} = ANY(${first}::text[]) THEN {mapped} ELSE {otherwise} END";
        return self.Count == 0
            ? new BoundSql(first => $"({Slow(first)})", [all])
            : new BoundSql(first => $"CASE WHEN {legacyExpression} = ANY(${first + 1}::text[]) THEN {legacyExpression} ELSE {Slow(first)} END", [all, BoundSql.TextArray(self)]);
    }

    /// <summary>Primary-key chunks [from, to) covering the table at the time the facts were read.</summary>
    public IReadOnlyList<KeyChunk> Chunks()
    {
        if (Facts.MinKey is not { } min || Facts.MaxKey is not { } max) return [];
        var chunks = new List<KeyChunk>();
        for (var from = min; from <= max; from += Options.ChunkKeys)
            chunks.Add(new KeyChunk(from, from > max - Options.ChunkKeys ? max + 1 : from + Options.ChunkKeys));
        return chunks;
    }

    /// <summary>
    /// Runs <paramref name="work"/> once per key chunk, each in its own short transaction with SET LOCAL timeouts,
    /// <see cref="ValidationOptions.Workers"/> at a time; results come back in key order.
    /// </summary>
    public Task<IReadOnlyList<T>> EachChunkAsync<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, KeyChunk, CancellationToken, Task<T>> work, CancellationToken ct) =>
        EachAsync(Chunks(), KeyRangeSettings, c => $"{what} keys [{c.From}, {c.To})", work, ct);

    /// <summary>
    /// A chunk must read only its key range: without this the planner may pick a (parallel) scan of the whole table
    /// for a wide range on a table whose key order and physical order drifted apart, reading the table once per chunk.
    /// JIT is off because compiling a chunk's query (~100–200 ms, measured at 250k-row chunks) costs more than it saves.
    /// No parallel workers: chunks are the parallelism (<see cref="ValidationOptions.Workers"/> at a time), and a wide
    /// range otherwise got a parallel bitmap scan, three processes where one was asked for (measured in the demo: a
    /// 200k-key chunk, ~130 ms of both cores, payments at 70-80 ms meanwhile).
    /// </summary>
    private const string KeyRangeSettings = "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)";

    /// <summary>A TID range is read by a TID range scan; JIT off and no parallel workers, as for key chunks.</summary>
    private const string PageRangeSettings = "SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)";

    /// <summary>Each chunk in its own short transaction (SET LOCAL timeouts, then <paramref name="settings"/>), <see cref="ValidationOptions.Workers"/> at a time; results in chunk order.</summary>
    private async Task<IReadOnlyList<T>> EachAsync<TChunk, T>(IReadOnlyList<TChunk> chunks, string settings, Func<TChunk, string> describe,
        Func<NpgsqlConnection, NpgsqlTransaction, TChunk, CancellationToken, Task<T>> work, CancellationToken ct, params object?[] settingsParameters)
    {
        var results = new T[chunks.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = Options.Workers, CancellationToken = ct },
            async (i, token) =>
            {
                results[i] = await Sql.InTransactionAsync(async (c, tx, t) =>
                {
                    await ApplySettingsAsync(c, tx, settings, t, settingsParameters).ConfigureAwait(false);
                    return await work(c, tx, chunks[i], t).ConfigureAwait(false);
                }, token, description: describe(chunks[i])).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Heap page chunks [from, to) sized like <see cref="ValidationOptions.ChunkKeys"/> rows; the last one is open-ended
    /// so pages added since the facts were read are scanned too.
    /// </summary>
    public IReadOnlyList<PageChunk> PageChunks()
    {
        if (Facts.MinKey is not { } min || Facts.MaxKey is not { } max || Facts.Pages < 1) return [new PageChunk(0, null)];
        var rows = Math.Max(Facts.EstimatedRows, 1);
        if (Facts.EstimatedRows < 1) rows = max - min + 1;
        var pagesPerChunk = Math.Max(1, (long)Math.Ceiling(Options.ChunkKeys * (double)Facts.Pages / rows));
        var chunks = new List<PageChunk>();
        for (var from = 0L; from < Facts.Pages; from += pagesPerChunk)
            chunks.Add(new PageChunk(from, from + pagesPerChunk >= Facts.Pages ? null : from + pagesPerChunk));
        return chunks;
    }

    /// <summary>
    /// Like <see cref="EachChunkAsync{T}"/> over heap page ranges (TID range scans): no index lookup per row (about a
    /// quarter faster than key chunks on the 5M-row bench when the table is cached). Every chunk is its own transaction and snapshot, so a
    /// row updated while the check runs may be seen twice or not at all; its new version was written through the
    /// dual-write trigger (or the backfill), which keeps the two columns in step.
    /// </summary>
    public Task<IReadOnlyList<T>> EachPageChunkAsync<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, PageChunk, CancellationToken, Task<T>> work, CancellationToken ct) =>
        EachAsync(PageChunks(), PageRangeSettings, c => $"{what} pages {c}", work, ct);

    /// <summary>Whether the table is read in one pass (<see cref="ValidationOptions.SinglePassMaxBytes"/>) rather than in page chunks.</summary>
    public bool SinglePass => Facts.HeapBytes <= Options.SinglePassMaxBytes;

    /// <summary>
    /// The whole table in one transaction as one parallel sequential scan: <see cref="ValidationOptions.Workers"/>
    /// processes (the leader and Workers − 1 parallel workers) reading through a ring buffer, with JIT compiling the
    /// tuple deforming and the per-row expression: about 50 ms per process for the mismatch proof, repaid over a whole
    /// table (without JIT the 5M-row bench pass is ~10% slower; inlining costs more to compile than it saves there).
    /// Index paths are off so the plan cannot turn into a per-row index lookup.
    /// </summary>
    private const string SinglePassSettings = """
        SELECT set_config('max_parallel_workers_per_gather', $1, true),
               set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
               set_config('jit', 'on', true), set_config('jit_above_cost', '0', true), set_config('jit_optimize_above_cost', '0', true), set_config('jit_inline_above_cost', '-1', true)
        """;

    /// <summary>The parallel workers a one-pass scan may add to its leader, as set_config's text value (bound, never spliced).</summary>
    internal string ParallelWorkersSetting => (Options.Workers - 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs <paramref name="work"/> over the table given as a range condition on <c>t</c>: once over the whole table
    /// when <see cref="SinglePass"/>, else once per heap page chunk (<see cref="EachPageChunkAsync{T}"/>).
    /// </summary>
    public async Task<(IReadOnlyList<T> Results, string Unit)> EachPassAsync<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, string, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (!SinglePass)
            return (await EachPageChunkAsync(what, (c, tx, chunk, token) => work(c, tx, chunk.Condition("t"), token), ct).ConfigureAwait(false), "page chunks");
        var one = await EachAsync([0], SinglePassSettings, _ => $"{what} (one parallel pass over {Target.Table})", (c, tx, _, token) => work(c, tx, "true", token), ct, ParallelWorkersSetting).ConfigureAwait(false);
        return (one, "parallel pass");
    }

    /// <summary>Runs a <c>SELECT set_config(…, true)</c> statement: planner and JIT settings for the rest of the transaction only; values are bound.</summary>
    internal static async Task ApplySettingsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string settings, CancellationToken ct, params object?[] parameters)
    {
        await using var cmd = SafeSqlRunner.Command(settings, c, tx, parameters);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads every row of a query into a list.</summary>
    public static Task<List<T>> ReadAllAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object?[] parameters) =>
        SafeSqlRunner.ReadAllAsync(c, tx, sql, map, ct, parameters);

    /// <summary>The first failing keys of a chunk: a bounded, ordered read that only runs when a chunk has failures.</summary>
    /// <remarks>The key range takes parameters $1 and $2; <paramref name="condition"/>'s own start at $3.</remarks>
    public Task<List<long>> SampleKeysAsync(NpgsqlConnection c, NpgsqlTransaction tx, string from, string condition, KeyChunk chunk, CancellationToken ct, params object?[] extra) =>
        SampleKeysAsync(c, tx, from, $"t.{Key} >= $1 AND t.{Key} < $2", condition, ct, [chunk.From, chunk.To, .. extra]);

    /// <summary>The first failing keys of a chunk given as a condition on <c>t</c> (a key or a TID range).</summary>
    public async Task<List<long>> SampleKeysAsync(NpgsqlConnection c, NpgsqlTransaction tx, string from, string range, string condition, CancellationToken ct, params object?[] parameters)
    {
        if (Options.SampleKeys == 0) return [];
        var sql = $"SELECT t.{Key} FROM {from} WHERE {range} AND ({condition}) ORDER BY 1 LIMIT ${parameters.Length + 1}";
        return await ReadAllAsync(c, tx, sql, r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), ct, [.. parameters, Options.SampleKeys]).ConfigureAwait(false);
    }

    /// <summary>The first <see cref="ValidationOptions.SampleKeys"/> keys in order, as text.</summary>
    public IReadOnlyList<string> FirstKeys(IEnumerable<long> keys) =>
        [.. keys.Order().Take(Options.SampleKeys).Select(k => $"{Target.KeyColumn}={k.ToString(CultureInfo.InvariantCulture)}")];
}

/// <summary>A primary-key range [From, To).</summary>
public readonly record struct KeyChunk(long From, long To);

/// <summary>A heap page range [From, To), open-ended when <see cref="To"/> is null.</summary>
public readonly record struct PageChunk(long From, long? To)
{
    /// <summary>The TID range condition on <paramref name="alias"/>; numbers only, so safe to inline.</summary>
    public string Condition(string alias) => string.Create(CultureInfo.InvariantCulture,
        $"{alias}.ctid >= '({From},0)'::tid{(To is { } to ? $" AND {alias}.ctid < '({to},0)'::tid" : "")}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{From}, {(To is { } to ? to.ToString(CultureInfo.InvariantCulture) : "end")})");
}

/// <summary>A lookup row: its id (as text), its code, and whether CodeSql maps the code to itself.</summary>
public sealed record LookupCode(string Id, string Code, bool SelfMapping);

/// <summary>A time bucket: <see cref="PerRow"/> groups the rows; <see cref="Utc"/> gives a grouped bucket's UTC wall time.</summary>
public sealed record UtcBucket(string PerRow, bool ConvertAfterGrouping)
{
    public string Utc(string bucket) => ConvertAfterGrouping ? $"({bucket} AT TIME ZONE 'UTC')" : bucket;
}
