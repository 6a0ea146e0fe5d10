using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// <c>switchyard.backfill_unmapped</c>, which a batch calls for a value that maps to no code, so the row is never
/// left NULL: it raises <see cref="UnmappedBatchHandler.SqlState"/> and the handler decides. Created before each run's
/// first batch (idempotent), in the journal's schema.
/// </summary>
internal static class UnmappedFunction
{
    private const string Create = $"""
        CREATE OR REPLACE FUNCTION switchyard.backfill_unmapped(legacy_value text, normalized text) RETURNS int
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = '{UnmappedBatchHandler.SqlState}',
                MESSAGE = format('switchyard backfill: legacy value %L (normalized %L) maps to no code', legacy_value, normalized);
        END $$
        """;

    public static Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct) => sql.ExecuteDdlAsync(new DdlStatement(Create, []), ct);
}
