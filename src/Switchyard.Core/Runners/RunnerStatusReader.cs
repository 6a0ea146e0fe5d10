using Switchyard.Core.Execution;

namespace Switchyard.Core.Runners;

/// <summary>Reads a runner's heartbeat row, for refusals and for <c>switchyard status</c>.</summary>
public static class RunnerStatusReader
{
    /// <summary>The row of <paramref name="lockName"/>, judged alive against <see cref="RunnerLeaseOptions.StaleAfter"/>; null when none.</summary>
    public static async Task<RunnerRecord?> ReadAsync(SafeSqlRunner sql, string lockName, RunnerLeaseOptions? options, CancellationToken ct)
    {
        if (!await sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.runners') IS NOT NULL", ct).ConfigureAwait(false)) return null;
        var rows = await sql.QueryAsync($"SELECT {RunnerRecord.Columns} FROM switchyard.runners WHERE lock_name = $1", RunnerRecord.Read,
            ct, lockName, (options ?? new RunnerLeaseOptions()).StaleAfter).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }
}
