using Npgsql;

namespace Switchyard.Core.Backfill;

/// <summary>
/// What one backfill batch does. Every kind binds $1/$2 (trail window), $3 (journal key), $4 (range), $5 (run
/// number), $6/$7 (lead window) and then <see cref="BatchParameters"/>; it updates the rows, advances the range cursor
/// and logs the batch in one statement (<see cref="BatchCursorSql"/>), so the cursor commits with the rows.
/// </summary>
internal interface IBackfillBatch
{
    /// <summary>The batch's last statement on <paramref name="table"/>, the table itself or one leaf partition (quoted name).</summary>
    string BatchSqlFor(string table);

    /// <summary>An early pass on <paramref name="table"/> (<see cref="HotPassSchedule"/>); null for a kind without them.</summary>
    string? PassSqlFor(string table);

    /// <summary>Parameters after $7; fresh copies are bound per batch.</summary>
    IReadOnlyList<NpgsqlParameter> BatchParameters { get; }

    /// <summary>
    /// True when the batch computes the value itself and the dual-write trigger must stand aside
    /// (<c>switchyard.role = backfill</c>); false when the row's triggers are the point of the batch.
    /// </summary>
    bool TriggerStandsAside { get; }
}
